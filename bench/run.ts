import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryLogger } from '../src/logger.js'
import { createPgSql } from '../src/platform/node/storage/pg.js'
import type { Sql } from '../src/storage/sql.js'
import { vectorLiteral } from '../src/storage/vector-param.js'
import { describeCode, describeDatabase, describeMachine, redactUrl } from './kb/report.js'
import type { TriageCase } from './triage/run.js'
import { parseLoadArgs, usage, type LoadBenchOptions } from './load/args.js'
import { captureTriageStatements } from './load/capture.js'
import { readMemory, startBenchServer, stopAll, stopChildrenOnSignal, type BenchServer } from './load/children.js'
import { measureEmbedders } from './load/embed.js'
import { createBodyRotation, runLoad, warmUp, type LoadResult } from './load/http.js'
import { compareRetrieval, fillKnowledge } from './load/knowledge.js'
import { runPgbench } from './load/pgbench.js'
import {
  describeVersions,
  floorRatio,
  renderMarkdown,
  renderSummary,
  type DatabaseRun,
  type LoadReport,
  type SizeRun,
} from './load/report.js'

const cleanups: Array<() => Promise<void>> = []
const runCleanups = async () => {
  while (cleanups.length) await cleanups.pop()!().catch((error: Error) => process.stderr.write(`cleanup failed: ${error.message}\n`))
}
const progress = (message: string) =>
  process.stderr.write(`[${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)}s] ${message}\n`)
const startedAt = performance.now()

/** `npm run bench`: HTTP load, retrieval, database floor, embedders and memory, side by side in one run. */
async function main(): Promise<void> {
  const options = parseLoadArgs(process.argv.slice(2), process.env)
  if (!options) return void process.stdout.write(`${usage}\n`)
  stopChildrenOnSignal(runCleanups)
  await mkdir(options.outDir, { recursive: true })
  const cases = JSON.parse(await readFile(new URL('../test/fixtures/triage-cases.json', import.meta.url), 'utf8')) as TriageCase[]
  const report: LoadReport = {
    date: new Date().toISOString(),
    command: ['node', ...process.execArgv, 'bench/run.ts', ...process.argv.slice(2)].join(' '),
    code: await describeCode(),
    machine: describeMachine(),
    versions: await describeVersions(),
    options: { ...options, postgresUrl: redactUrl(options.postgresUrl) },
    loadAverage: { start: loadavg(), end: [] },
    databases: [],
    embeddings: [],
    totalSeconds: 0,
  }
  try {
    for (const name of options.databases) {
      progress(`${name}: starting`)
      report.databases.push(await benchDatabase(name, options, cases, report))
    }
    progress('embedders')
    report.embeddings = await measureEmbedders(
      cases.map((entry) => `${entry.subject ?? ''}\n${entry.body}`),
      options.embedSeconds,
      process.env,
    )
  } finally {
    await stopAll()
    await runCleanups()
  }
  report.loadAverage.end = loadavg()
  report.totalSeconds = Math.round((performance.now() - startedAt) / 1000)
  // Captured vectors are Float32Arrays; the report keeps them in pgvector's text form, as pgbench gets them.
  const replacer = (_: string, value: unknown) => (value instanceof Float32Array ? vectorLiteral(value) : value)
  await writeFile(join(options.outDir, 'report.json'), `${JSON.stringify(report, replacer, 2)}\n`)
  await writeFile(join(options.outDir, 'report.md'), renderMarkdown(report))
  process.stdout.write(renderSummary(report))
}

async function benchDatabase(
  name: 'pglite' | 'postgres',
  options: LoadBenchOptions,
  cases: TriageCase[],
  report: LoadReport,
): Promise<DatabaseRun> {
  const key = `bench-${randomBytes(24).toString('hex')}`
  // The load runs measure capacity with one key from one address: the rate limits would measure themselves.
  const env: Record<string, string> = {
    EMBEDDINGS_PROVIDER: 'hashing',
    LLM_ENABLED: 'false',
    ADMIN_API_KEY: key,
    LOG_LEVEL: 'info',
    RATE_LIMIT_ENABLED: 'false',
  }
  let database: { sql: Sql; schema: string; url: string } | undefined
  if (name === 'postgres') {
    database = await createSchema(options.postgresUrl!)
    env.DATABASE_URL = database.url
    env.SECRETS_KEY = randomBytes(32).toString('base64')
    report.machine.databases.postgres = await describeDatabase(database.sql)
  } else {
    const dataDir = await mkdtemp(join(tmpdir(), 'triage-bench-'))
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }))
    env.DATA_DIR = dataDir
  }
  const run: DatabaseRun = {
    database: name,
    location: database ? `schema ${database.schema}` : `DATA_DIR ${env.DATA_DIR}`,
    sizes: [],
    loadAverageAtStart: loadavg()[0]!,
  }
  const nextBody = createBodyRotation(cases, `${name}-${Date.now().toString(36)}`)
  // PGlite keeps the demo knowledge base (the bench cannot write into the server's embedded database).
  const sizes: Array<number | null> = database ? options.kbChunks : [null]
  let loadedArticles = 0
  for (const kbChunks of sizes) {
    const size: SizeRun = { kbChunks, loads: [], loadAverageAtStart: loadavg()[0]! }
    const label = kbChunks === null ? name : `${name} ${kbChunks} chunks`
    const hello = await startBenchServer(`hello-world (${name})`, 'bench/load/hello-server.ts', {})
    const profiling: Record<string, string> = options.cpuProfileDir
      ? {
          NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${options.cpuProfileDir} --cpu-prof-name=server-${label.replace(/\W+/g, '-')}.cpuprofile`,
        }
      : {}
    const server = await startBenchServer(`server (${name})`, 'src/entry/node.ts', { ...env, ...profiling }, /"msg":"ready"/)
    progress(`${label}: server pid ${server.pid} at ${server.url}, hello-world pid ${hello.pid}`)
    if (database && kbChunks !== null) {
      progress(`${label}: adding synthetic chunks to the knowledge base (budget ${options.kbMinutes} min)`)
      size.knowledge = await fillKnowledge(database.sql, {
        chunks: kbChunks,
        minutes: options.kbMinutes,
        largestChunks: options.kbChunks.at(-1)!,
        loadedArticles,
      })
      loadedArticles = size.knowledge.articles
      progress(`${label}: retrieval, hybrid against bare kNN over ${size.knowledge.chunks} chunks`)
      size.retrieval = await compareRetrieval(database.sql, options.retrievalQueries)
    }
    await warmUp(server.url, { seconds: Math.min(3, options.seconds), key, nextBody })
    for (const connections of options.connections) {
      for (const [target, url] of [
        ['hello', hello.url],
        ['triage', server.url],
      ] as const) {
        progress(`${label}: ${target} at ${connections} connections for ${options.seconds} s`)
        const result: LoadResult = await runLoad(target, url, { connections, seconds: options.seconds, key, nextBody })
        progress(
          `  ${result.requestsPerSecond} req/s, median ${result.latencyMs.median} ms, p99 ${result.latencyMs.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}`,
        )
        size.loads.push(result)
      }
    }
    size.memory = { server: await readMemory(server.pid), helloWorld: await readMemory(hello.pid) }
    await stopServers(server, hello)
    if (database) {
      size.inquiriesStored = await countInquiries(database.sql)
      progress(`${label}: capturing the statements of one triage, then pgbench`)
      size.captured = await captureTriageStatements(database.sql, key, [nextBody(), nextBody()])
      size.pgbench = await runPgbench(size.captured.warm, {
        url: options.postgresUrl!,
        schema: database.schema,
        scriptPath: join(options.outDir, 'triage.pgbench.sql'),
        clients: 2,
        seconds: options.pgbenchSeconds,
        other: size.captured.cold,
      })
      size.triageOverPgbench = floorRatio(size)
      progress(
        `  pgbench ${size.pgbench.tps} tps${size.pgbench.error ? ` (${size.pgbench.error})` : ''}; triage / pgbench ${size.triageOverPgbench?.ratio ?? '–'}`,
      )
    }
    size.loadAverageAtEnd = loadavg()[0]!
    run.sizes.push(size)
  }
  run.loadAverageAtEnd = loadavg()[0]!
  return run
}

async function stopServers(...servers: BenchServer[]): Promise<void> {
  for (const server of servers) await server.stop()
}

async function countInquiries(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM inquiries')
  return row!.n
}

/** A schema of its own and a DATABASE_URL whose connections use it; dropped at the end (as test/helpers/databases.ts does). */
async function createSchema(postgresUrl: string): Promise<{ sql: Sql; schema: string; url: string }> {
  const schema = `bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
  const logger = createMemoryLogger()
  const admin = await createPgSql({ url: postgresUrl, maxConnections: 1, logger, connectTimeoutMs: 5000 })
  await admin.exec(`CREATE SCHEMA ${schema}`)
  const sql = await createPgSql({ url: postgresUrl, maxConnections: 4, logger, schema, connectTimeoutMs: 5000 })
  cleanups.push(async () => {
    await sql.close()
    await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await admin.close()
  })
  const url = new URL(postgresUrl)
  url.searchParams.set('options', `-c search_path=${schema},public`)
  return { sql, schema, url: url.toString() }
}

main().catch(async (error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`)
  await stopAll()
  await runCleanups()
  process.exitCode = 1
})
