import type { Deps } from '../deps.js'
import { createWorker, type JobHandler, type Worker } from './worker.js'
import type { BackoffPolicy } from '../storage/queries/jobs.js'
import { triageQueue, writeBackQueue } from '../intake/queues.js'
import { runTriageJob } from '../intake/triage-job.js'
import { notifyLeadsQueue, sendLeadNotice, type LeadNotice } from '../review/notify.js'
import { runWriteBackJob } from '../intake/write-back-job.js'
import { retentionQueue, runRetentionJob } from '../privacy/retention.js'
import { digestQueue, runDigestJob } from '../reports/digest-job.js'

function inquiryIdOf(payload: unknown): string {
  const id = (payload as { inquiryId?: unknown } | null)?.inquiryId
  if (typeof id !== 'string') throw Object.assign(new Error('job payload has no inquiryId'), { permanent: true })
  return id
}

/** The handlers of the background queues: the webhook flow's, the leads' notifications and digest, and retention. */
export function intakeJobHandlers(deps: Deps): Record<string, JobHandler> {
  return {
    [triageQueue]: (job, { signal }) => runTriageJob(deps, inquiryIdOf(job.payload), signal),
    [writeBackQueue]: (job, { signal }) => runWriteBackJob(deps, inquiryIdOf(job.payload), signal),
    [notifyLeadsQueue]: (job, { signal }) => sendLeadNotice(deps, job.payload as LeadNotice, signal),
    [retentionQueue]: (job) => runRetentionJob(deps, job),
    [digestQueue]: async (job, { signal }) => void (await runDigestJob(deps, job, signal)),
  }
}

/** A worker for the webhook flow, configured from deps.config.jobs; the caller starts and stops it. */
export function createIntakeWorker(
  deps: Deps,
  options: { concurrency?: number; workerId?: string; backoff?: Partial<BackoffPolicy>; leaseMs?: number; pollIntervalMs?: number } = {},
): Worker {
  const { jobs } = deps.config
  return createWorker({
    sql: deps.sql,
    handlers: intakeJobHandlers(deps),
    concurrency: options.concurrency ?? Math.max(1, jobs.workerConcurrency),
    leaseMs: options.leaseMs ?? jobs.leaseMs,
    pollIntervalMs: options.pollIntervalMs ?? jobs.pollIntervalMs,
    clock: deps.clock,
    logger: deps.logger,
    ...(options.workerId ? { workerId: options.workerId } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
  })
}
