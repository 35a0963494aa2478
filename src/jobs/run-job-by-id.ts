import type { Deps } from '../deps.js'
import { claimJobById, findJob, type Job } from '../storage/queries/jobs.js'
import { intakeJobHandlers } from './handlers.js'
import { createRunContext, startJob, type JobHandler } from './run-job.js'

/** What became of the job a queue message named; a queue consumer turns it into ack or retry. */
export type JobRunOutcome =
  /** No such job: erased with its inquiry (data-subject erasure deletes its jobs) or never stored. */
  | { kind: 'missing' }
  | { kind: 'finished'; status: 'done' | 'dead' }
  /** Another claim holds it under a live lease; that claim decides its outcome. */
  | { kind: 'busy' }
  /** Queued again (this attempt failed) or not due yet: it may run at `at`. */
  | { kind: 'later'; at: Date; failed: boolean }

const unknownQueue: JobHandler = async (job) => {
  throw Object.assign(new Error(`no handler for the job queue ${job.queue}`), { permanent: true })
}

/**
 * Claims the job by id and runs it with the handlers and the attempt bookkeeping of the Node worker
 * (startJob: heartbeat, backoff, dead-lettering), then reports where the row stands.
 */
export async function runJobById(
  deps: Deps,
  jobId: string,
  options: { workerId: string; handlers?: Record<string, JobHandler> },
): Promise<JobRunOutcome> {
  const { leaseMs } = deps.config.jobs
  const claimed = await claimJobById(deps.sql, { id: jobId, workerId: options.workerId, leaseMs, now: deps.clock.now() })
  if (claimed) {
    const handlers = options.handlers ?? intakeJobHandlers(deps)
    const logger = deps.logger.child({ workerId: options.workerId })
    const context = createRunContext({ sql: deps.sql, workerId: options.workerId, clock: deps.clock, logger, leaseMs })
    await startJob(context, claimed, handlers[claimed.queue] ?? unknownQueue).done
  }
  return outcomeOf(await findJob(deps.sql, jobId), deps.clock.now(), claimed !== undefined)
}

function outcomeOf(job: Job | undefined, now: Date, ran: boolean): JobRunOutcome {
  if (!job) return { kind: 'missing' }
  if (job.status === 'done' || job.status === 'dead') return { kind: 'finished', status: job.status }
  if (job.status === 'running') return { kind: 'busy' }
  return { kind: 'later', at: job.runAt > now ? job.runAt : now, failed: ran }
}
