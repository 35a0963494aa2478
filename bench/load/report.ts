import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import type { Machine } from '../kb/report.js'
import type { LoadBenchOptions } from './args.js'
import type { CapturedTriage } from './capture.js'
import type { EmbedThroughput } from './embed.js'
import type { LoadResult } from './http.js'
import type { KnowledgeFill, RetrievalResult } from './knowledge.js'
import type { PgbenchResult } from './pgbench.js'

/** Triage requests/s at the most connections over pgbench tps on the same statements (issue 22: ≥ 0.6). */
export interface FloorRatio {
  connections: number
  triage: number
  tps: number | null
  ratio: number | null
}

/** What one knowledge-base size measured on one database: servers started afresh on the data of that size. */
export interface SizeRun {
  /** Synthetic chunks asked for (PostgreSQL); null: the demo knowledge base only (PGlite). */
  kbChunks: number | null
  loads: LoadResult[]
  knowledge?: KnowledgeFill
  retrieval?: RetrievalResult
  memory?: { server: { peakMiB: number; currentMiB: number } | null; helloWorld: { peakMiB: number; currentMiB: number } | null }
  inquiriesStored?: number
  captured?: CapturedTriage
  pgbench?: PgbenchResult
  triageOverPgbench?: FloorRatio | null
  loadAverageAtStart: number
  loadAverageAtEnd?: number
}

/** Everything one database's part of the run measured, per knowledge-base size. */
export interface DatabaseRun {
  database: 'pglite' | 'postgres'
  location: string
  sizes: SizeRun[]
  loadAverageAtStart: number
  loadAverageAtEnd?: number
}

export interface LoadReport {
  date: string
  command: string
  code: { commit: string; changed: string[] }
  machine: Machine
  versions: Record<string, string>
  options: Omit<LoadBenchOptions, 'postgresUrl'> & { postgresUrl: string | null }
  loadAverage: { start: number[]; end: number[] }
  databases: DatabaseRun[]
  embeddings: EmbedThroughput[]
  totalSeconds: number
}

/** Versions of what the figures depend on: the full commit, the libraries, the load generator. */
export async function describeVersions(): Promise<Record<string, string>> {
  const git = await new Promise<string>((resolve) =>
    execFile('git', ['rev-parse', 'HEAD'], (error, stdout) => resolve(error ? 'unknown' : stdout.trim())),
  )
  const versions: Record<string, string> = { commit: git, node: process.version }
  for (const name of ['hono', '@hono/node-server', '@electric-sql/pglite', 'pg', 'autocannon', '@xenova/transformers']) {
    try {
      versions[name] = (
        JSON.parse(await readFile(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }
      ).version
    } catch {
      versions[name] = 'missing'
    }
  }
  return versions
}

const ratio = (a: number | null | undefined, b: number | null | undefined) => (a && b ? Number((a / b).toPrecision(2)) : null)
const show = (value: unknown) => (value === null || value === undefined ? '–' : String(value))
const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' / ')

/** Triage requests/s over hello-world requests/s at each connection count. */
export function helloRatios(run: SizeRun): Array<{ connections: number; triage: LoadResult; hello: LoadResult; ratio: number | null }> {
  const triage = run.loads.filter((entry) => entry.target === 'triage')
  return triage.map((entry) => {
    const hello = run.loads.find((other) => other.target === 'hello' && other.connections === entry.connections)!
    return { connections: entry.connections, triage: entry, hello, ratio: ratio(entry.requestsPerSecond, hello.requestsPerSecond) }
  })
}

/** Triage requests/s at the most connections on PostgreSQL over pgbench tps: issue 22's ≥ 0.6 target. */
export function floorRatio(run: SizeRun): FloorRatio | null {
  if (!run.pgbench) return null
  const top = helloRatios(run).sort((a, b) => b.connections - a.connections)[0]
  if (!top) return null
  return {
    connections: top.connections,
    triage: top.triage.requestsPerSecond,
    tps: run.pgbench.tps,
    ratio: ratio(top.triage.requestsPerSecond, run.pgbench.tps),
  }
}

/** The lines printed at the end of a run: ratios first. */
export function renderSummary(report: LoadReport): string {
  const lines = [
    `npm run bench (${report.totalSeconds} s; load average at start ${load(report.loadAverage.start)}, at end ${load(report.loadAverage.end)})`,
    '',
  ]
  for (const run of report.databases) {
    for (const size of run.sizes) {
      const label = sizeLabel(run, size)
      for (const { connections, triage, hello, ratio: r } of helloRatios(size)) {
        lines.push(
          `${label} c=${connections}: triage ${triage.requestsPerSecond} req/s (median ${triage.latencyMs.median} ms, p99 ${triage.latencyMs.p99} ms, non-2xx ${triage.non2xx}) / hello-world ${hello.requestsPerSecond} req/s = ${show(r)}`,
        )
      }
      const floor = size.triageOverPgbench
      if (floor)
        lines.push(
          `${label}: triage c=${floor.connections} ${floor.triage} req/s / pgbench (2 clients) ${show(floor.tps)} tps = ${show(floor.ratio)} (target ≥ 0.6)`,
        )
      if (size.retrieval)
        lines.push(`${label}: hybrid search / bare kNN (p50, ${size.retrieval.chunks} chunks) = ${show(size.retrieval.hybridOverBareKnn)}`)
      if (size.memory?.server)
        lines.push(`${label}: server peak RSS ${size.memory.server.peakMiB} MiB (hello-world ${show(size.memory.helloWorld?.peakMiB)} MiB)`)
    }
  }
  for (const entry of report.embeddings) {
    lines.push(
      entry.textsPerSecond
        ? `embed ${entry.provider}: ${entry.textsPerSecond.batch1} texts/s one per call, ${entry.textsPerSecond.batch32} texts/s 32 per call`
        : `embed ${entry.provider}: skipped (${entry.skipped})`,
    )
  }
  return `${lines.join('\n')}\n`
}

const sizeLabel = (run: DatabaseRun, size: SizeRun) => (size.kbChunks === null ? run.database : `${run.database} ${size.kbChunks} chunks`)
const chunksShown = (size: SizeRun) => (size.kbChunks === null ? 'demo' : show(size.knowledge?.chunks ?? size.kbChunks))

export function renderMarkdown(report: LoadReport): string {
  const postgres = report.databases.find((run) => run.database === 'postgres')
  const lines = [
    '# `npm run bench`',
    '',
    `- date: ${report.date}; total ${report.totalSeconds} s`,
    `- command: \`${report.command}\``,
    `- code: ${report.versions.commit}${report.code.changed.length ? ` plus uncommitted changes to ${report.code.changed.join(', ')}` : ''}`,
    `- machine: ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, ${report.machine.platform}`,
    `- versions: ${Object.entries(report.versions)
      .filter(([name]) => name !== 'commit')
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
    ...Object.entries(report.machine.databases).map(([name, db]) => `- ${name}: ${db.server}; pgvector ${db.pgvector}`),
    `- load average (1 / 5 / 15 min) at start ${load(report.loadAverage.start)}, at end ${load(report.loadAverage.end)}; 1-min load per database part: ${report.databases.map((run) => `${run.database} ${run.loadAverageAtStart.toFixed(2)} → ${show(run.loadAverageAtEnd?.toFixed(2))}`).join(', ')}`,
    '',
    '## HTTP under load (autocannon, loopback)',
    '',
    '| database | KB chunks | connections | triage req/s | median ms | p99 ms | non-2xx | errors | hello-world req/s | median ms | p99 ms | triage / hello-world | 1-min load |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.databases.flatMap((run) =>
      run.sizes.flatMap((size) =>
        helloRatios(size).map(
          ({ connections, triage, hello, ratio: r }) =>
            `| ${run.database} | ${chunksShown(size)} | ${connections} | ${triage.requestsPerSecond} | ${triage.latencyMs.median} | ${triage.latencyMs.p99} | ${triage.non2xx} | ${triage.errors} | ${hello.requestsPerSecond} | ${hello.latencyMs.median} | ${hello.latencyMs.p99} | ${show(r)} | ${triage.loadAverage.toFixed(1)} |`,
        ),
      ),
    ),
    '',
    '## Database floor (PostgreSQL)',
    '',
    ...(postgres?.sizes.some((size) => size.pgbench) ? renderFloor(postgres) : ['Not measured (PostgreSQL was not part of this run).']),
    '',
    '## Retrieval (PostgreSQL, same data as the load)',
    '',
    ...(postgres?.sizes.some((size) => size.retrieval) ? renderRetrieval(postgres) : ['Not measured.']),
    '',
    '## Embedding throughput (in the bench process)',
    '',
    '| provider | space | load ms | texts/s, 1 per call | texts/s, 32 per call |',
    '| --- | --- | ---: | ---: | ---: |',
    ...report.embeddings.map(
      (entry) =>
        `| ${entry.provider} | ${entry.space} | ${show(entry.loadMs)} | ${entry.textsPerSecond?.batch1 ?? `skipped: ${entry.skipped}`} | ${show(entry.textsPerSecond?.batch32)} |`,
    ),
    '',
    '## Memory',
    '',
    ...report.databases.flatMap((run) =>
      run.sizes.map(
        (size) =>
          `- ${sizeLabel(run, size)}: server peak RSS (VmHWM, start-up included) ${show(size.memory?.server?.peakMiB)} MiB, RSS after the load ${show(size.memory?.server?.currentMiB)} MiB; hello-world server peak ${show(size.memory?.helloWorld?.peakMiB)} MiB${run.database === 'pglite' ? ' (PGlite runs inside the server process, so its memory is included)' : ' (PostgreSQL backends are separate processes, not included)'}`,
      ),
    ),
    '',
    '## How it was measured',
    '',
    method(report),
  ]
  return `${lines.join('\n')}\n`
}

function renderFloor(run: DatabaseRun): string[] {
  const measured = run.sizes.filter((size) => size.pgbench)
  const last = measured.at(-1)!
  const captured = last.captured!
  return [
    'pgbench, 2 clients, runs the statements one triage sent (captured at that size) against the same data; triage is the HTTP load at the most connections.',
    '',
    '| KB chunks | triage req/s | pgbench tps | **triage / pgbench** (target ≥ 0.6) | pgbench transactions (failed) | pgbench latency ms | 1-min load |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...measured.map((size) => {
      const floor = size.triageOverPgbench
      const pgbench = size.pgbench!
      return `| ${chunksShown(size)} | ${show(floor?.triage)} | ${show(pgbench.tps)} | **${show(floor?.ratio)}** | ${show(pgbench.transactions)} (${show(pgbench.failed)}) | ${show(pgbench.latencyAverageMs)} | ${show(size.loadAverageAtEnd?.toFixed(1))} |`
    }),
    '',
    ...measured
      .filter((size) => size.pgbench!.error)
      .map((size) => `- **pgbench error** at ${chunksShown(size)} chunks: ${size.pgbench!.error}`),
    `- command: \`${last.pgbench!.command}\` (${last.pgbench!.version}); script (the largest size's): bench/triage.pgbench.sql (${last.pgbench!.statements} statements per transaction). Vectors go to pgbench as text (it has no binary parameters); the service sends them in pgvector's binary form.`,
    `- statements of one triage after the first (caches warm; what a request under load runs): ${captured.warm.length}; of the first request on a fresh app: ${captured.cold.length}`,
    '',
    ...captured.warm.map(
      (statement, index) =>
        `${index + 1}. \`${statement.text.replace(/\s+/g, ' ').trim().slice(0, 160)}${statement.text.length > 160 ? ' …' : ''}\``,
    ),
    '',
    `- the first request also ran: ${
      captured.cold
        .filter((statement) => !captured.warm.some((other) => other.text === statement.text))
        .map((statement) => `\`${statement.text.replace(/\s+/g, ' ').trim().slice(0, 70)}…\``)
        .join(', ') || 'nothing else'
    } (cached afterwards for seconds)`,
    `- inquiries stored by the loads before each pgbench: ${measured.map((size) => show(size.inquiriesStored)).join(', ')}; pgbench's INSERT adds one row per transaction, so the table grows during its run as it does under HTTP load`,
  ]
}

function renderRetrieval(run: DatabaseRun): string[] {
  const ms = (s: { p50: number; p99: number } | null) => (s ? `${s.p50} / ${s.p99}` : '–')
  return run.sizes.flatMap((size) => {
    const r = size.retrieval
    const k = size.knowledge
    if (!r) return []
    return [
      `- **${r.chunks} chunks** (the demo articles plus ${show(k?.articles)} synthetic articles; this size added ${show(k?.bulk.chunks)} chunks, bulk-loaded at ${show(k?.bulk.chunksPerSecond)} chunks/s${k?.bulk.complete === false ? `, **${k.bulk.note}**` : ''}; HNSW build ${show(k?.indexBuild.hnswMs)} ms over ${show(k?.indexBuild.vectors)} vectors): ${r.queries} queries at ef_search ${r.efSearch}, ms p50 / p99: searchKnowledge k=5 (hybrid) ${ms(r.hybrid)}, bare kNN ${ms(r.bareKnn)}; legs alone: vector ${ms(r.legs.vector)}, full text ${ms(r.legs.text)}; **hybrid / bare kNN (p50) = ${show(r.hybridOverBareKnn)}**${r.complete ? '' : ' (budget ran out before every query)'}`,
    ]
  })
}

function method(report: LoadReport): string {
  const o = report.options
  return `- One script (bench/run.ts), loopback only. Per database it starts two child processes with \`node --import tsx\`: the real server (src/entry/node.ts, \`EMBEDDINGS_PROVIDER=hashing\`, no LLM, \`LOG_LEVEL=info\` as shipped, the job worker on) and bench/load/hello-server.ts (the same @hono/node-server answering \`GET /\` with "Hello, World!"). Both stop by PID at the end, on errors and on Ctrl-C. PGlite: a fresh temp \`DATA_DIR\`; PostgreSQL: a fresh schema through \`DATABASE_URL\`'s \`options=-c search_path=…\`, dropped at the end.
- The API key is \`ADMIN_API_KEY\`, generated per run. Bodies rotate through the 80 cases of test/fixtures/triage-cases.json; each pass over them prefixes the customer id and e-mail anew, so stored rows grow but repeat-contact counts stay as the cases intend.
- HTTP: after ${Math.min(3, o.seconds)} s of unmeasured warm-up, autocannon ${report.versions.autocannon} (in the bench process, one pipelined request per connection) at ${o.connections.join(' and ')} connections, ${o.seconds} s each, hello-world right before triage at the same count. req/s = requests / duration; latency percentiles from autocannon's histogram. The server writes one access-log line per request to a pipe the bench drains.
- PostgreSQL's knowledge base: the demo articles the server loads plus bench/kb's synthetic articles (bench/kb/bulk-load.ts; budget ${o.kbMinutes} min per size) up to ${o.kbChunks.join(' and then ')} chunks, one size after the other (a larger size adds to the smaller; the servers are started afresh for each), indexes rebuilt with the service's DDL, then VACUUM ANALYZE and refreshTextStatistics — before that size's load, so the triage requests search it. PGlite keeps the demo knowledge base only.
- Retrieval: bench/kb's measureLatency on that data at the default ef_search: searchKnowledge (k=5) and the bare \`ORDER BY embedding <=> $1 LIMIT 10\` in turn, per query, both sending the vector as the service does; ratio of medians.
- Database floor: the app is built in the bench process as src/platform/node/node-deps.ts builds it, on the same schema, with every statement recorded; after each size's load, two inquiries are sent and the second one's statements (caches warm) become bench/triage.pgbench.sql. pgbench \`-n -M extended -c 2 -j 2 -T ${o.pgbenchSeconds}\` runs them with the captured values as \`-D\` parameters (sent as untyped parameters, parsed anew each time, as node-postgres does), NULLs inline, generated ids as gen_random_uuid(), with the server's session settings in PGOPTIONS. The server is stopped by then, so pgbench has the machine that the server had.
- Embedding: in the bench process, ${o.embedSeconds} s per provider and batch size over the cases' texts.
- Memory: VmHWM and VmRSS from /proc/<pid>/status of the server right after its last load run.
- The machine has 2 cores shared with other engineers' test runs: figures move with the load average shown per row; compare the ratios of the same run, not absolute numbers across runs.`
}
