import { createIntakeWorker } from '../jobs/handlers.js'
import { selectEmbeddings } from '../platform/node/embeddings/select.js'
import { prepareForCommand } from '../startup.js'
import { buildNodeDeps, runMain } from '../platform/node/node-deps.js'

const usage =
  'usage: npm run worker [-- --concurrency <n>]\n  runs background jobs (webhook triage, write-back) until SIGTERM or SIGINT; start as many as you like'

function parseConcurrency(argv: string[]): number | undefined {
  if (argv.length === 0) return undefined
  if (argv[0] !== '--concurrency') throw new Error(`unknown argument ${argv[0]}\n${usage}`)
  const value = argv.length === 2 ? Number(argv[1]) : Number.NaN
  if (!Number.isInteger(value) || value < 1 || value > 64) throw new Error(`--concurrency must be a whole number from 1 to 64\n${usage}`)
  return value
}

// npm run worker: a worker process of its own, beside the server or instead of its built-in worker
// (WORKER_CONCURRENCY=0 on the server). Jobs are claimed with SKIP LOCKED, so any number can run.
await runMain(async () => {
  let concurrency: number | undefined
  try {
    concurrency = parseConcurrency(process.argv.slice(2))
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`)
    return 2
  }
  const deps = await buildNodeDeps()
  await prepareForCommand(deps, () => selectEmbeddings(deps.config, deps.logger))
  const worker = createIntakeWorker(deps, {
    ...(concurrency ? { concurrency } : {}),
    workerId: `worker-${process.pid}-${crypto.randomUUID().slice(0, 8)}`,
  })
  deps.jobs = worker
  worker.start()
  process.stdout.write(`worker ${worker.id} running; stop with Ctrl-C\n`)
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'))
    process.once('SIGINT', () => resolve('SIGINT'))
  })
  deps.logger.info({ signal }, 'stopping: finishing or releasing the jobs in hand')
  await worker.stop({ timeoutMs: deps.config.shutdownTimeoutMs })
  await deps.sql.close()
  return 0
})
