/**
 * A small durable job worker over the `jobs` table (migrations/0005_jobs.sql).
 *
 * Why our own: pg-boss and graphile-worker need a real PostgreSQL server (LISTEN/NOTIFY, several
 * connections, their own schemas) and do not run on PGlite, the embedded default. The queue needs only
 * `SELECT ... FOR UPDATE SKIP LOCKED` and leases, which both databases have.
 *
 * Guarantees: at-least-once. A claimed job is leased to this worker; heartbeats extend the lease while
 * the handler runs. If the worker dies, the lease runs out and another worker claims the job again, so
 * a handler may run more than once for one job (and, after a lost lease, overlap with another attempt).
 * Exactly-once effects are the handlers' business: make them idempotent (a unique key, an upsert, a
 * check in the same transaction as the effect). Polling only; LISTEN/NOTIFY is not used, so PGlite and
 * PostgreSQL behave the same. `wake()` lets in-process enqueuers skip the wait.
 */
import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'
import { claimJobs, type BackoffPolicy, type Job } from '../storage/queries/jobs.js'
import type { Sql } from '../storage/sql.js'
import { createRunContext, startJob, type JobHandler, type JobRunContext, type RunningJob } from './run-job.js'
import { createWaker } from './waker.js'

export type { JobHandler } from './run-job.js'
export type { Job } from '../storage/queries/jobs.js'

export interface WorkerOptions {
  sql: Sql
  /** One handler per queue; the worker claims only from queues it can handle. */
  handlers: Record<string, JobHandler>
  /** A subset of the handlers' queues to claim from; all of them when omitted. */
  queues?: readonly string[]
  /** Jobs run at the same time by this worker. */
  concurrency: number
  /** How long a claim holds a job without a heartbeat; a dead worker's jobs wait this long. */
  leaseMs: number
  /** The wait between polls when the last one did not fill every free slot. */
  pollIntervalMs: number
  clock: Clock
  logger: Logger
  /** Unique per process; a random one when omitted. Two live workers with one id would share leases. */
  workerId?: string
  /** Lease extension interval; a third of the lease by default, so two beats may fail before it expires. */
  heartbeatMs?: number
  backoff?: Partial<BackoffPolicy>
}

/** A running (or runnable) worker. */
export interface Worker {
  readonly id: string
  /** Starts polling in the background. */
  start(): void
  /** Polls now instead of at the next interval (after enqueueing in this process, say). */
  wake(): void
  /**
   * Stops claiming, then (graceful) waits up to timeoutMs for jobs in hand to finish; whatever still
   * runs is aborted and released back to the queue without counting the attempt.
   */
  stop(options?: { graceful?: boolean; timeoutMs?: number }): Promise<void>
  /** For tests and scripts: claims one batch, runs it to the end, returns how many jobs it ran. */
  runOnce(): Promise<number>
  /** runOnce until nothing due is left; returns the total. */
  drain(): Promise<number>
}

/** The queues to claim from, after checking that each has a handler and the numbers make sense. */
function checkOptions(options: WorkerOptions): string[] {
  const queues = [...(options.queues ?? Object.keys(options.handlers))]
  const unhandled = queues.filter((queue) => !options.handlers[queue])
  if (unhandled.length) throw new Error(`createWorker: no handler for queue(s) ${unhandled.join(', ')}`)
  if (!(options.concurrency >= 1 && options.leaseMs > 0 && options.pollIntervalMs > 0)) {
    throw new Error('createWorker: concurrency must be at least 1; leaseMs and pollIntervalMs must be positive')
  }
  return queues
}

/**
 * Stop's second half: (graceful) wait up to timeoutMs for the jobs in hand, then release those whose
 * handler still runs. Jobs whose handler already finished are writing their outcome; wait for that.
 */
async function settleJobs(inHand: Map<string, RunningJob>, graceful: boolean, timeoutMs: number, logger: Logger): Promise<void> {
  if (graceful && inHand.size) {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))
    await Promise.race([Promise.all([...inHand.values()].map((run) => run.done)), timeout])
    clearTimeout(timer)
  }
  const left = [...inHand.values()]
  await Promise.all(left.map((run) => (run.handling ? run.release('worker stopping') : run.done)))
  if (left.length) logger.info({ left: left.length }, 'worker stopped with jobs in hand; unfinished ones were released')
}

export function createWorker(options: WorkerOptions): Worker {
  const queues = checkOptions(options)
  const id = options.workerId ?? `worker-${crypto.randomUUID()}`
  const logger = options.logger.child({ workerId: id })
  const context: JobRunContext = createRunContext({
    sql: options.sql,
    workerId: id,
    clock: options.clock,
    logger,
    leaseMs: options.leaseMs,
    heartbeatMs: options.heartbeatMs,
    backoff: options.backoff,
  })
  const inHand = new Map<string, RunningJob>()
  const waker = createWaker()
  let running = false
  let loop: Promise<void> | undefined

  const launch = (job: Job): RunningJob => {
    const run = startJob(context, job, options.handlers[job.queue]!)
    inHand.set(job.id, run)
    void run.done.then(() => {
      inHand.delete(job.id)
      waker.wake('slot')
    })
    return run
  }

  /** Claims up to `limit` jobs and starts them; `claimed` counts rows, to tell whether the batch was full. */
  const claimBatch = async (limit: number): Promise<{ claimed: number; runs: RunningJob[] }> => {
    const jobs = await claimJobs(options.sql, { queues, workerId: id, limit, leaseMs: options.leaseMs, now: options.clock.now() })
    // Our own job whose lease ran out while its heartbeats failed: it still runs here and will complete
    // under our id, so do not start it a second time.
    const fresh = jobs.filter((job) => !inHand.has(job.id))
    return { claimed: jobs.length, runs: fresh.map(launch) }
  }

  const pollLoop = async () => {
    while (running) {
      const free = options.concurrency - inHand.size
      if (free <= 0) {
        await waker.sleep(options.pollIntervalMs, { wakeOnSlot: true })
        continue
      }
      let claimed = 0
      try {
        claimed = (await claimBatch(free)).claimed
      } catch (error) {
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'claiming jobs failed; polling again')
      }
      // A full batch suggests more work is waiting: go again at once (or as soon as a slot frees).
      if (running && claimed < free) await waker.sleep(options.pollIntervalMs)
    }
  }

  const runOnce = async () => {
    const { runs } = await claimBatch(options.concurrency - inHand.size)
    await Promise.all(runs.map((run) => run.done))
    return runs.length
  }

  return {
    id,
    start() {
      if (running) return
      running = true
      logger.info({ queues, concurrency: options.concurrency }, 'worker started')
      loop = pollLoop()
    },
    wake: () => waker.wake('always'),
    async stop({ graceful = true, timeoutMs = 30_000 } = {}) {
      running = false
      waker.wake('always')
      await loop
      await settleJobs(inHand, graceful, timeoutMs, logger)
    },
    runOnce,
    async drain() {
      let total = 0
      for (let ran = await runOnce(); ran > 0; ran = await runOnce()) total += ran
      return total
    },
  }
}
