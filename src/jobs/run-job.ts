import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'
import { completeJob, defaultBackoff, extendLease, failJob, releaseJob, type BackoffPolicy, type Job } from '../storage/queries/jobs.js'
import { jobErrorText } from './job-error.js'
import type { Sql } from '../storage/sql.js'

/**
 * Does the work of one job. The signal aborts when the worker stops past its grace period or loses the
 * lease; a handler that keeps going after that may overlap with another worker's attempt, so effects
 * must be idempotent (the queue delivers at least once, never exactly once).
 */
export type JobHandler = (job: Job, context: { signal: AbortSignal }) => Promise<void>

/** What running one job needs from its worker. */
export interface JobRunContext {
  sql: Sql
  workerId: string
  clock: Clock
  logger: Logger
  leaseMs: number
  heartbeatMs: number
  backoff: BackoffPolicy
}

/** A run context; the heartbeat defaults to a third of the lease, so two beats may fail before it expires. */
export function createRunContext(
  input: Omit<JobRunContext, 'heartbeatMs' | 'backoff'> & {
    heartbeatMs?: number | undefined
    backoff?: Partial<BackoffPolicy> | undefined
  },
): JobRunContext {
  return {
    ...input,
    heartbeatMs: input.heartbeatMs ?? Math.max(1, Math.floor(input.leaseMs / 3)),
    backoff: { ...defaultBackoff, ...input.backoff },
  }
}

/** A job in a worker's hands. `done` settles (never rejects) once its outcome is written, released or given up. */
export interface RunningJob {
  readonly job: Job
  readonly done: Promise<void>
  /** True while the handler runs; afterwards the outcome is being written and release() does nothing. */
  readonly handling: boolean
  /** Aborts the handler and gives the job back to the queue without counting the attempt. */
  release(reason: string): Promise<void>
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** Starts the handler at once, with a heartbeat that keeps the lease while it runs. */
export function startJob(context: JobRunContext, job: Job, handler: JobHandler): RunningJob {
  const controller = new AbortController()
  const log = context.logger.child({ jobId: job.id, queue: job.queue, attempt: job.attempts })
  const heartbeat = startHeartbeat(context, job, controller, log)
  let handling = true
  let released = false

  const done = (async () => {
    let failure: { error: unknown } | undefined
    try {
      await handler(job, { signal: controller.signal })
    } catch (error) {
      failure = { error }
    }
    handling = false
    heartbeat.stop()
    if (released) return // given back already; whoever claims it next decides its outcome
    try {
      await (failure ? recordFailure(context, job, failure.error, log) : recordSuccess(context, job, log))
    } catch (error) {
      // The lease will run out and another claim will run the job again: at-least-once, not lost.
      log.error({ err: messageOf(error) }, 'could not record the job outcome; it will run again after its lease expires')
    }
  })()

  return {
    job,
    done,
    get handling() {
      return handling
    },
    async release(reason) {
      if (!handling || released) return
      released = true
      heartbeat.stop()
      controller.abort(new Error(reason))
      try {
        const ours = await releaseJob(context.sql, job.id, context.workerId, { now: context.clock.now() })
        log.info({ reason, released: ours }, ours ? 'job released' : 'job was no longer ours to release')
      } catch (error) {
        log.warn({ err: messageOf(error) }, 'could not release the job; it will be reclaimed after its lease expires')
      }
    },
  }
}

/**
 * A handler's error may say how to go on: `permanent: true` dead-letters the job at once (retrying a bad
 * token only burns attempts), `retryAfterMs` postpones the retry (an upstream's Retry-After).
 */
function failureHints(error: unknown): { permanent?: boolean; notBeforeMs?: number } {
  if (typeof error !== 'object' || error === null) return {}
  const { permanent, retryAfterMs } = error as { permanent?: unknown; retryAfterMs?: unknown }
  return {
    ...(permanent === true ? { permanent: true } : {}),
    ...(typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? { notBeforeMs: retryAfterMs } : {}),
  }
}

async function recordSuccess(context: JobRunContext, job: Job, log: Logger): Promise<void> {
  const ours = await completeJob(context.sql, job.id, context.workerId, { now: context.clock.now() })
  if (ours) log.debug({}, 'job done')
  else log.warn({}, 'job finished after its lease was lost; another worker owns it, so its effect may repeat')
}

async function recordFailure(context: JobRunContext, job: Job, error: unknown, log: Logger): Promise<void> {
  const hints = failureHints(error)
  const outcome = await failJob(context.sql, job.id, context.workerId, jobErrorText(error), {
    now: context.clock.now(),
    backoff: context.backoff,
    ...hints,
  })
  const err = messageOf(error)
  if (outcome.status === 'queued') log.warn({ err, retryAt: outcome.runAt.toISOString() }, 'job failed; will retry')
  else if (outcome.status === 'dead') log.error({ err, attempts: outcome.attempts }, 'job failed on its last attempt; dead-lettered')
  else log.warn({ err }, 'job failed after its lease was lost; the worker that took it over decides')
}

/** Extends the lease every heartbeatMs; a refused extension means another worker owns the job, so abort. */
function startHeartbeat(context: JobRunContext, job: Job, controller: AbortController, log: Logger) {
  let beating = false
  let stopped = false // an extension racing the completion is refused too; that is not a lost lease
  const beat = async () => {
    if (beating) return // a slow database must not pile up extensions
    beating = true
    try {
      const ours = await extendLease(context.sql, job.id, context.workerId, { now: context.clock.now(), leaseMs: context.leaseMs })
      if (!ours && !stopped && !controller.signal.aborted) {
        log.warn({}, 'lease lost: another worker took the job over; aborting the handler')
        clearInterval(timer)
        controller.abort(new Error('lease lost'))
      }
    } catch (error) {
      log.warn({ err: messageOf(error) }, 'heartbeat failed; trying again at the next beat')
    } finally {
      beating = false
    }
  }
  const timer = setInterval(() => void beat(), context.heartbeatMs)
  return {
    stop() {
      stopped = true
      clearInterval(timer)
    },
  }
}
