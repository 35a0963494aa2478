// The report of `npm run bench:worker`: the figures as JSON, and the markdown page rendered from them.
import type { Stats } from './measure.js'

/** One warm comparison: the same requests on both targets, and the Worker's time over Node's. */
export interface Comparison {
  rounds: number
  worker: Stats
  node: Stats
  ratio: { median: number; p90: number }
}

export interface WorkerBenchReport {
  date: string
  command: string
  code: { commit: string; changed: string[] }
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string }
  postgres: string | null
  loadAverage: { start: number[]; end: number[] }
  inquiries: number
  coldStart: {
    worker: { wranglerReadyMs: number; firstReadyzMs: number; firstTriageMs: number }
    node: { listeningMs: number; readyMs: number; firstReadyzMs: number; firstTriageMs: number; trainedAtStart: boolean }
  }
  warm: { triage: Comparison; readyz: Comparison; kbSearch: Comparison }
  /** The pipeline's own timings.totalMs of the warm triages (on workerd, clocks advance only at I/O). */
  triagePipeline: { worker: Stats; node: Stats }
  departmentsAgree: { same: number; compared: number }
  newConnection: Stats
  totalSeconds: number
}

export function compare(rounds: number, worker: number[], node: number[], summarise: (values: number[]) => Stats): Comparison {
  const w = summarise(worker)
  const n = summarise(node)
  return { rounds, worker: w, node: n, ratio: { median: w.median / n.median, p90: w.p90 / n.p90 } }
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1))
const loads = (values: number[]) => values.map((value) => value.toFixed(2)).join(' / ')

const rounds = (count: number) => `${count} round${count === 1 ? '' : 's'}`

function comparisonRow(name: string, comparison: Comparison): string {
  const { worker, node, ratio } = comparison
  return `| ${name} | ${worker.count} | ${ms(worker.median)} | ${ms(worker.p90)} | ${ms(node.median)} | ${ms(node.p90)} | ${ratio.median.toFixed(2)} | ${ratio.p90.toFixed(2)} |`
}

export function renderReport(report: WorkerBenchReport): string {
  const { coldStart: cold, warm } = report
  const agree = report.departmentsAgree
  return `${[
    '# The Worker on workerd beside the Node entry (`npm run bench:worker`)',
    '',
    `Run ${report.date}, commit ${report.code.commit}${report.code.changed.length ? ' + local changes' : ''}, \`${report.command}\`, ${report.totalSeconds.toFixed(0)} s in all.`,
    `Machine: ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, ${report.machine.node}; shared with other work.`,
    `Load average (1 / 5 / 15 min) at the start ${loads(report.loadAverage.start)}, at the end ${loads(report.loadAverage.end)}.`,
    `PostgreSQL: ${report.postgres} (same machine), one fresh schema for both targets, seeded once by the Node code`,
    'with the demo knowledge base, the default examples and both models (test/helpers/node-seed.ts), hashing embeddings.',
    '',
    'Targets, both on 127.0.0.1 with the same ADMIN_API_KEY and SECRETS_KEY, LOG_LEVEL info:',
    "- **worker**: `wrangler dev --local`, the Hyperdrive binding's local connection string pointing at the schema.",
    '- **node**: the Node entry as `npm start` runs it, with `DATABASE_URL`, `DATABASE_SCHEMA`, `WORKER_CONCURRENCY=0`,',
    '  `KB_LOAD_DEMO=false`, `EMBEDDINGS_PROVIDER=hashing`.',
    '',
    '## Cold start',
    '',
    '| | worker | node |',
    '| --- | ---: | ---: |',
    `| process start until it serves (wrangler "Ready on" / Node "ready") | ${ms(cold.worker.wranglerReadyMs)} ms | ${ms(cold.node.readyMs)} ms (listening after ${ms(cold.node.listeningMs)} ms) |`,
    `| first \`GET /readyz\` | ${ms(cold.worker.firstReadyzMs)} ms | ${ms(cold.node.firstReadyzMs)} ms |`,
    `| first \`POST /v1/triage\` | ${ms(cold.worker.firstTriageMs)} ms | ${ms(cold.node.firstTriageMs)} ms |`,
    '',
    `wrangler's time includes bundling the Worker and starting workerd. The Worker's first \`/readyz\` builds the app`,
    'in a new isolate and checks the schema; its first triage loads both models from `model_artifacts`. Node',
    `loads the stored models during its start-up (before "ready")${cold.node.trainedAtStart ? '; it also trained a model at start in this run' : ' and trained none in this run'}.`,
    '',
    `## Warm requests (${report.inquiries} inquiries, German and English, technical and commercial; bench/worker/inquiries.ts)`,
    '',
    'Sent to both targets alternately, item by item, the order flipping every item; one warm-up round not counted.',
    'Wall time at the client (Node `fetch` on loopback, keep-alive) until the last byte of the body.',
    '',
    '| request | samples each | worker median ms | worker p90 ms | node median ms | node p90 ms | worker/node median | worker/node p90 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    comparisonRow(`\`POST /v1/triage\` (${rounds(warm.triage.rounds)})`, warm.triage),
    comparisonRow(`\`GET /readyz\` (${rounds(warm.readyz.rounds)})`, warm.readyz),
    comparisonRow(`\`GET /v1/kb/search\`, admin key (${rounds(warm.kbSearch.rounds)})`, warm.kbSearch),
    '',
    `The triage pipeline's own \`timings.totalMs\` (from the answers): worker median ${ms(report.triagePipeline.worker.median)} ms, node median ${ms(report.triagePipeline.node.median)} ms.`,
    "On workerd `performance.now()` advances only at I/O, so the Worker's figure counts database waits, not its CPU.",
    `Both targets gave the same department for ${agree.same} of ${agree.compared} inquiries compared round by round.`,
    '',
    '## What the Worker pays extra here',
    '',
    `- **A new database connection per request.** Locally there is no Hyperdrive pool: the Worker opens a \`pg\` client`,
    `  per request (a second one inside a transaction) and closes it after the response. Opening one from Node to this`,
    `  PostgreSQL with the Worker's startup options, one query, closing: median ${ms(report.newConnection.median)} ms, p90 ${ms(report.newConnection.p90)} ms`,
    `  (${report.newConnection.count} times). Node keeps a pool open.`,
    `- **Model load per isolate.** The Worker's first triage took ${ms(cold.worker.firstTriageMs)} ms against a warm median of`,
    `  ${ms(warm.triage.worker.median)} ms; every new isolate loads both models again. Node loads them once, before "ready"`,
    `  (its first triage: ${ms(cold.node.firstTriageMs)} ms).`,
    "- Not part of this run: Hyperdrive's pooling (absent under `wrangler dev --local`) and Cloudflare's machines. The",
    '  figures compare the two entries on this one machine, beside its PostgreSQL.',
    '',
  ].join('\n')}`
}
