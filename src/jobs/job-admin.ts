import { z } from 'zod'
import { isUuid } from '../auth/api-keys.js'
import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import * as queries from '../storage/queries/jobs.js'
import { sanitizeJobError } from './job-error.js'

// What an admin sees of the job queue and may do with it: list, read, retry a dead letter.

export const jobStatuses = ['queued', 'running', 'done', 'dead'] as const satisfies readonly queries.JobStatus[]

/** A job as admins read it; the API names it Job. */
export const JobViewSchema = z.object({
  id: z.string().uuid(),
  queue: z.string(),
  payload: z.unknown(),
  status: z.enum(jobStatuses),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  priority: z.number().int().meta({ description: 'Higher is claimed first among due jobs (write-backs and lead notices: 1)' }),
  runAt: z.string(),
  lastError: z.string().nullable(),
  lockedBy: z.string().nullable(),
  lockedUntil: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
})
export type JobView = z.infer<typeof JobViewSchema>

/** One status, newest first; `cursor` is the id of the previous page's last job. */
export async function listJobs(
  deps: Pick<Deps, 'sql'>,
  filter: { status: queries.JobStatus; queue?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: JobView[]; nextCursor: string | null }> {
  const page = await queries.listJobs(deps.sql, filter)
  return { items: page.jobs.map(toJobView), nextCursor: page.nextCursor }
}

/** The job, or 404. */
export async function getJob(deps: Pick<Deps, 'sql'>, id: string): Promise<JobView> {
  return toJobView(await findJobOr404(deps, id))
}

/** Queues a dead job again with fresh attempts and wakes the worker; 409 for a job that is not dead. */
export async function retryJob(deps: Pick<Deps, 'sql' | 'clock' | 'jobs'>, id: string): Promise<JobView> {
  const job = await findJobOr404(deps, id)
  const retried = await queries.retryDeadJob(deps.sql, job.id, { now: deps.clock.now() })
  if (!retried) throw new AppError('conflict', `Job ${id} is ${job.status}; only dead jobs can be retried.`)
  await deps.jobs?.wake([retried.id])
  return toJobView(retried)
}

async function findJobOr404(deps: Pick<Deps, 'sql'>, id: string): Promise<queries.Job> {
  const job = isUuid(id) ? await queries.findJob(deps.sql, id) : undefined
  if (!job) throw new AppError('not_found', `No job with id ${id}.`)
  return job
}

function toJobView(job: queries.Job): JobView {
  return {
    id: job.id,
    queue: job.queue,
    payload: job.payload,
    status: job.status,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    priority: job.priority,
    runAt: job.runAt.toISOString(),
    lastError: job.lastError === null ? null : sanitizeJobError(job.lastError),
    lockedBy: job.lockedBy,
    lockedUntil: job.lockedUntil?.toISOString() ?? null,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  }
}
