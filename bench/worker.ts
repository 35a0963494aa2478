// npm run bench:worker [-- --rounds 5 --seconds-per-phase 240 --report bench/worker-report.md]
//
// The Worker under `wrangler dev --local` beside the Node entry, on one schema of the local PostgreSQL
// (BENCH_DATABASE_URL, else TEST_DATABASE_URL) seeded once by the Node code: cold start of each, then warm
// POST /v1/triage, GET /readyz and GET /v1/kb/search sent to both alternately. Writes the report as
// markdown and JSON. A measurement, not a test: nothing is asserted on timing.
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { testSecretsKey } from '../test/helpers/process.js'
import { seedLikeNodeStart } from '../test/helpers/node-seed.js'
import { openPostgres } from './kb/databases.js'
import { describeCode, describeMachine, redactUrl } from './kb/report.js'
import { benchInquiries } from './worker/inquiries.js'
import { measureNewConnections } from './worker/connection.js'
import { alternate, getRequest, summarise, triageRequest, triageSample, type TriageSample } from './worker/measure.js'
import { compare, renderReport, type WorkerBenchReport } from './worker/report.js'
import { startNodeTarget, startWorkerTarget, type Target, type TargetSettings } from './worker/targets.js'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    'seconds-per-phase': { type: 'string', default: '240' },
    report: { type: 'string', default: new URL('./worker-report.md', import.meta.url).pathname },
  },
})
const rounds = Number(values.rounds)
const secondsPerPhase = Number(values['seconds-per-phase'])
const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL
if (!postgresUrl) {
  console.error('bench:worker needs PostgreSQL: set BENCH_DATABASE_URL or TEST_DATABASE_URL.')
  process.exit(1)
}
if (!Number.isInteger(rounds) || rounds < 1 || !(secondsPerPhase > 0)) {
  console.error('--rounds must be a whole number of at least 1, --seconds-per-phase a positive number.')
  process.exit(1)
}

const began = performance.now()
const loadAtStart = loadavg()
const adminKey = `adm_${randomBytes(24).toString('hex')}`
const log = (line: string) => process.stderr.write(`${line}\n`)

/** First contact with a target that has just started: /readyz, then one triage. */
async function coldRequests(target: Target) {
  const readyz = await getRequest(target, '/readyz')
  const triage = await triageRequest(target, adminKey, benchInquiries[0]!, -1, 0)
  log(`${target.label}: first /readyz ${readyz.ms.toFixed(0)} ms, first triage ${triage.ms.toFixed(0)} ms`)
  return { firstReadyzMs: readyz.ms, firstTriageMs: triage.ms }
}

async function warmPhases(targets: Target[]) {
  const phase = () => performance.now() + secondsPerPhase * 1000
  const triage = await alternate<(typeof benchInquiries)[number], TriageSample>({
    targets,
    items: benchInquiries,
    rounds,
    deadline: phase(),
    send: async (target, inquiry, round, index) => triageSample(await triageRequest(target, adminKey, inquiry, round, index)),
  })
  log(`warm triage: ${triage.rounds} rounds`)
  const readyz = await alternate({
    targets,
    items: benchInquiries,
    rounds,
    deadline: phase(),
    send: async (target) => (await getRequest(target, '/readyz')).ms,
  })
  const search = await alternate({
    targets,
    items: benchInquiries,
    rounds,
    deadline: phase(),
    send: async (target, inquiry) => (await getRequest(target, `/v1/kb/search?q=${encodeURIComponent(inquiry.subject)}`, adminKey)).ms,
  })
  const w = triage.samples.get('worker')!
  const n = triage.samples.get('node')!
  return {
    warm: {
      triage: compare(
        triage.rounds,
        w.map((s) => s.ms),
        n.map((s) => s.ms),
        summarise,
      ),
      readyz: compare(readyz.rounds, readyz.samples.get('worker')!, readyz.samples.get('node')!, summarise),
      kbSearch: compare(search.rounds, search.samples.get('worker')!, search.samples.get('node')!, summarise),
    },
    triagePipeline: { worker: summarise(w.map((s) => s.pipelineMs)), node: summarise(n.map((s) => s.pipelineMs)) },
    // Same round, same inquiry, same position in both lists.
    departmentsAgree: { same: w.filter((s, i) => s.department === n[i]?.department).length, compared: Math.min(w.length, n.length) },
  }
}

const database = await openPostgres(postgresUrl)
const targets: Target[] = []
try {
  const seeding = performance.now()
  await seedLikeNodeStart(database.sql)
  log(`seeded ${database.location} in ${((performance.now() - seeding) / 1000).toFixed(1)} s`)
  const settings: TargetSettings = { postgresUrl, schema: database.schema!, adminKey, secretsKey: testSecretsKey }

  const worker = await startWorkerTarget(settings)
  targets.push(worker)
  log(`worker: wrangler dev ready in ${worker.startMs.toFixed(0)} ms (pid ${worker.pid})`)
  const workerCold = await coldRequests(worker)
  const node = await startNodeTarget(settings)
  targets.push(node)
  log(`node: ready in ${node.startMs.toFixed(0)} ms (pid ${node.pid})`)
  const nodeCold = await coldRequests(node)

  const measured = await warmPhases([worker, node])
  const newConnection = await measureNewConnections(postgresUrl, database.schema!)
  const report: WorkerBenchReport = {
    date: new Date().toISOString(),
    command: `npm run bench:worker -- --rounds ${rounds} --seconds-per-phase ${secondsPerPhase}`,
    code: await describeCode(),
    machine: describeMachine(),
    postgres: redactUrl(postgresUrl),
    loadAverage: { start: loadAtStart, end: loadavg() },
    inquiries: benchInquiries.length,
    coldStart: {
      worker: { wranglerReadyMs: worker.startMs, ...workerCold },
      node: {
        listeningMs: node.listeningMs!,
        readyMs: node.startMs,
        ...nodeCold,
        trainedAtStart: /classifier trained|detector trained/.test(node.output()),
      },
    },
    ...measured,
    newConnection,
    totalSeconds: (performance.now() - began) / 1000,
  }
  await writeFile(values.report, renderReport(report))
  await writeFile(values.report.replace(/\.md$/, '.json'), `${JSON.stringify(report, null, 2)}\n`)
  log(`wrote ${values.report} and its .json`)
} finally {
  // Every process this run started, by its own id (wrangler's whole group: workerd is its child).
  for (const target of targets.reverse()) await target.stop().catch((error) => log(`could not stop ${target.label}: ${error}`))
  await database.close()
}
