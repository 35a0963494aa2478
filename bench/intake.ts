// npm run bench:intake [-- --requests 600 --concurrency 16 --burst 1000 --burst-pglite 200 --databases postgres,pglite]
//
// Intake latency of POST /v1/webhooks/:integration (store + enqueue → 202, workers off) on PostgreSQL
// (BENCH_DATABASE_URL or TEST_DATABASE_URL; a fresh schema, dropped afterwards) and PGlite (a temporary
// folder), in-process and over loopback HTTP; then a burst through triage and write-back. Prints the
// figures and writes bench/intake-report.md. A measurement, not a test: nothing is asserted.
import { writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import type { WebhookType } from '../src/webhooks/types.js'
import { makeTickets } from '../test/helpers/webhook-flow.js'
import { measureBurst, type BurstFigures } from './intake/burst.js'
import { inProcess, measureFloor, measureMode, overLoopback, type LatencySummary } from './intake/latency.js'
import { renderReport, type IntakeRun } from './intake/report.js'
import { buildDeps, createIntegrations, openDatabase, type DatabaseName } from './intake/setup.js'

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '600' },
    warmup: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '16' },
    burst: { type: 'string', default: '1000' },
    'burst-pglite': { type: 'string', default: '200' },
    databases: { type: 'string', default: 'postgres,pglite' },
    report: { type: 'string', default: new URL('./intake-report.md', import.meta.url).pathname },
  },
})
const requests = Number(values.requests)
const warmup = Number(values.warmup)
const concurrency = Number(values.concurrency)
const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL
const databases = values.databases
  .split(',')
  .filter((name): name is DatabaseName => name === 'postgres' || name === 'pglite')
  .filter(
    (name) =>
      name === 'pglite' || Boolean(postgresUrl) || (console.warn('skipping postgres: set BENCH_DATABASE_URL or TEST_DATABASE_URL'), false),
  )
const types: readonly WebhookType[] = ['generic', 'zammad', 'zendesk', 'freshdesk']
const startedLoad = loadavg()

const print = (database: string, r: LatencySummary) =>
  console.log(
    `${database.padEnd(8)} ${r.mode.padEnd(11)} ×${String(r.concurrency).padEnd(3)} n=${r.requests}  p50 ${r.p50Ms.toFixed(1)} ms  p99 ${r.p99Ms.toFixed(1)} ms  ` +
      `max ${r.maxMs.toFixed(1)} ms  ${r.perSecond.toFixed(0)}/s  ${JSON.stringify(r.statuses)}`,
  )

async function measureIntake(name: DatabaseName): Promise<IntakeRun> {
  const database = await openDatabase(name, postgresUrl)
  try {
    const deps = await buildDeps(database.sql) // deps.jobs stays unset: no worker, nobody to wake
    const integrations = await createIntegrations(deps, types)
    const floor = await measureFloor(deps)
    console.log(
      `${name.padEnd(8)} floor: round trip p50 ${floor.roundTrip.p50Ms.toFixed(1)} ms p99 ${floor.roundTrip.p99Ms.toFixed(1)} ms; ` +
        `one-row commit p50 ${floor.commit.p50Ms.toFixed(1)} ms p99 ${floor.commit.p99Ms.toFixed(1)} ms`,
    )
    const loopback = await overLoopback(deps)
    const modes = [
      { mode: 'in-process', concurrency: 1, send: inProcess(deps) },
      { mode: 'in-process', concurrency, send: inProcess(deps) },
      { mode: 'http', concurrency: 1, send: loopback.send },
      { mode: 'http', concurrency, send: loopback.send },
    ]
    const results: LatencySummary[] = []
    for (const [index, { mode, concurrency: inFlight, send }] of modes.entries()) {
      const tickets = makeTickets(warmup + requests, types, 100_000 * (index + 1))
      const result = await measureMode(mode, inFlight, tickets, warmup, integrations, send)
      print(name, result)
      results.push(result)
    }
    await loopback.close()
    return { database: name, floor, results }
  } finally {
    await database.close()
  }
}

const runs: IntakeRun[] = []
for (const name of databases) runs.push(await measureIntake(name))
const bursts: BurstFigures[] = []
for (const name of databases) {
  const count = Number(name === 'postgres' ? values.burst : values['burst-pglite'])
  if (!(count > 0)) continue
  const figures = await measureBurst(name, postgresUrl, count, 50)
  console.log(
    `burst    ${name}: ${count} webhooks, intake ${(count / figures.intakeSeconds).toFixed(0)}/s; triage + write-back ` +
      `${(count / figures.processSeconds).toFixed(1)}/s (${figures.processSeconds.toFixed(1)} s); not exactly once: ${figures.notOnce}`,
  )
  bursts.push(figures)
}
await writeFile(
  values.report,
  renderReport(runs, bursts, { startedLoad, command: `npm run bench:intake -- ${process.argv.slice(2).join(' ')}`.trim() }),
)
console.log(`report: ${values.report}`)
