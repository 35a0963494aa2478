import { readFile, writeFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { describeCode, describeMachine, redactUrl } from './kb/report.js'
import type { BenchDatabase } from './kb/databases.js'
import { openServiceEmbeddings } from './model/embedders.js'
import { modelFolder } from './model/folder.js'
import { renderTable, summarise, summariseSteps } from './triage/report.js'
import * as ownRun from './triage/run.js'
import { requestBody, scoreAnswers, type Sample, type TriageCase } from './triage/run.js'
import * as ownSetup from './triage/setup.js'
import type { BenchApp } from './triage/setup.js'

/** One app under measurement: a database, and the source tree its app was built from. */
interface Target {
  label: string
  bench: BenchApp
  send: typeof ownRun.sendCase
}

const usage = `npm run bench:triage -- [--passes 5] [--databases pglite,postgres] [--pglite-dir] [--out file.json] [--profile file.cpuprofile] [--compare dir]
  [--embeddings hashing|tiny|stand-in|stand-in-fp32]

POST /v1/triage in-process (app.request), the 80 written cases of test/fixtures/triage-cases.json per
pass, the databases interleaved request by request so both see the same machine load. Pass 0 is the
first pass (cold caches, JIT warming up) and checks the answers; passes 1..n are measured.
PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL (a schema of its own, dropped afterwards).
--pglite-dir puts PGlite in a temp folder as the server does (default: in memory, as the tests do).
--profile writes a CPU profile of the measured passes only (open it in Chrome DevTools).
--compare dir also builds the app from another checkout (with the same bench/triage files), on fresh
databases, and interleaves its requests with this tree's: an A/B under the same machine load.
--embeddings: the hashing embedder (default), or the transformers embedder as selectEmbeddings builds it on
the generated tiny model or the full-size stand-in of multilingual-e5-small (int8, or fp32), cache off.`

const embeddingChoices: Record<string, { kind: 'tiny' | 'stand-in'; variant: 'int8' | 'fp32' }> = {
  tiny: { kind: 'tiny', variant: 'int8' },
  'stand-in': { kind: 'stand-in', variant: 'int8' },
  'stand-in-fp32': { kind: 'stand-in', variant: 'fp32' },
}

/** `npm run bench:triage`: latency of POST /v1/triage per database, with a breakdown per step. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      passes: { type: 'string', default: '5' },
      databases: { type: 'string' },
      'pglite-dir': { type: 'boolean', default: false },
      out: { type: 'string' },
      profile: { type: 'string' },
      compare: { type: 'string' },
      embeddings: { type: 'string', default: 'hashing' },
      help: { type: 'boolean' },
    },
  })
  if (values.help) return void process.stdout.write(`${usage}\n`)
  const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL
  const names = (values.databases ?? (postgresUrl ? 'pglite,postgres' : 'pglite')).split(',') as Array<BenchDatabase['name']>
  const passes = Number(values.passes)
  const choice = embeddingChoices[values.embeddings]
  if (!choice && values.embeddings !== 'hashing') throw new Error(`--embeddings: expected hashing, tiny, stand-in or stand-in-fp32`)
  const embeddings = choice
    ? (await openServiceEmbeddings(await modelFolder(choice.kind), choice.variant, { batching: true, env: process.env })).runtime
    : undefined
  const cases = JSON.parse(await readFile(new URL('../test/fixtures/triage-cases.json', import.meta.url), 'utf8')) as TriageCase[]

  const trees = [{ suffix: '', setup: ownSetup, run: ownRun }]
  if (values.compare) {
    const dir = resolve(values.compare)
    const load = (file: string) => import(pathToFileURL(`${dir}/bench/triage/${file}`).href)
    trees.push({ suffix: ` @${basename(dir)}`, setup: await load('setup.ts'), run: await load('run.ts') })
  }
  const benches: Target[] = []
  for (const name of names) {
    for (const tree of trees) {
      const database = await tree.setup.openBenchDatabase(name, { postgresUrl, pgliteInMemory: !values['pglite-dir'] })
      const seeding = performance.now()
      benches.push({
        label: `${name}${tree.suffix}`,
        bench: await tree.setup.buildBenchApp(database, { embeddings }),
        send: tree.run.sendCase,
      })
      process.stderr.write(`${name}${tree.suffix}: seeded in ${Math.round(performance.now() - seeding)} ms (${database.location})\n`)
    }
  }
  try {
    const samples = new Map<string, Sample[][]>(benches.map((target) => [target.label, []]))
    let profiler: Awaited<ReturnType<typeof startProfile>> | undefined
    for (let pass = 0; pass <= passes; pass++) {
      if (pass === 1 && values.profile) profiler = await startProfile()
      for (const target of benches) samples.get(target.label)!.push([])
      for (const [index, entry] of cases.entries()) {
        // Alternate which app goes first, so none always follows another's garbage.
        const order = index % 2 === 0 ? benches : [...benches].reverse()
        for (const target of order) samples.get(target.label)![pass]!.push(await target.send(target.bench, requestBody(entry, pass)))
      }
      process.stderr.write(`pass ${pass} done\n`)
    }
    if (profiler && values.profile) await writeFile(values.profile, JSON.stringify(await profiler.stop()))
    const report = {
      date: new Date().toISOString(),
      code: await describeCode(),
      machine: describeMachine(),
      postgres: redactUrl(postgresUrl),
      embeddings: embeddings ? { option: values.embeddings, space: embeddings.target.id } : 'hashing',
      passes,
      requestsPerDatabase: passes * cases.length,
      databases: Object.fromEntries(
        benches.map((target) => {
          const [first, ...rest] = samples.get(target.label)!
          return [
            target.label,
            {
              location: target.bench.database.location,
              firstPass: { total: summarise(first!.map((s) => s.steps.total!)), answers: scoreAnswers(cases, first!) },
              warm: summariseSteps(rest.flat()),
            },
          ]
        }),
      ),
    }
    if (values.out) await writeFile(values.out, `${JSON.stringify(report, null, 2)}\n`)
    process.stdout.write(render(report))
  } finally {
    for (const target of benches) await target.bench.database.close()
  }
}

function render(report: {
  requestsPerDatabase: number
  code: { commit: string; changed: string[] }
  databases: Record<
    string,
    {
      firstPass: { total: ReturnType<typeof summarise>; answers: ReturnType<typeof scoreAnswers> }
      warm: ReturnType<typeof summariseSteps>
    }
  >
}): string {
  const lines = [
    `POST /v1/triage in-process, ${report.requestsPerDatabase} warm requests per database (commit ${report.code.commit}${report.code.changed.length ? ' + local changes' : ''})`,
    '',
  ]
  for (const [name, { firstPass, warm }] of Object.entries(report.databases)) {
    const a = firstPass.answers
    lines.push(
      `${name}: warm median ${warm.total!.median.toFixed(2)} ms, p99 ${warm.total!.p99.toFixed(2)} ms; first pass median ${firstPass.total.median.toFixed(2)} ms, p99 ${firstPass.total.p99.toFixed(2)} ms`,
    )
    lines.push(
      `  answers (first pass): department accuracy ${a.departmentAccuracy.toFixed(3)}, escalation recall ${a.escalationRecall.toFixed(3)}, precision ${a.escalationPrecision.toFixed(3)}, missing reasons ${a.missingReasons.length ? a.missingReasons.join(' ') : 'none'}`,
    )
  }
  lines.push('', 'Warm requests, ms per step (steps overlap: on PostgreSQL classification and retrieval run in parallel):', '')
  lines.push(renderTable(Object.fromEntries(Object.entries(report.databases).map(([name, d]) => [name, d.warm]))), '')
  return `${lines.join('\n')}\n`
}

async function startProfile() {
  const { Session } = await import('node:inspector/promises')
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 100 })
  await session.post('Profiler.start')
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop')
      session.disconnect()
      return profile
    },
  }
}

await main()
