import { createRoute, z } from '@hono/zod-openapi'
import { isUuid } from '../../auth/api-keys.js'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { sanitizeJobError } from '../../jobs/job-error.js'
import { findJob, listJobs, retryDeadJob, type Job } from '../../storage/queries/jobs.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, problemResponses, jsonContent } from '../openapi.js'
import { createRouter } from '../router.js'

const jobStatuses = ['queued', 'running', 'done', 'dead'] as const
const JobSchema = z
  .object({
    id: z.string().uuid(),
    queue: z.string(),
    payload: z.unknown(),
    status: z.enum(jobStatuses),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    priority: z.number().int().openapi({ description: 'Higher is claimed first among due jobs (write-backs and lead notices: 1)' }),
    runAt: z.string(),
    lastError: z.string().nullable(),
    lockedBy: z.string().nullable(),
    lockedUntil: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('Job')

const toJson = (job: Job): z.infer<typeof JobSchema> => ({
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
})

const common = { tags: ['jobs'], security: bearerSecurity, middleware: requireRole('admin') }
const idParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) })
const json = jsonContent

const listJobsRoute = createRoute({
  operationId: 'listJobs',
  description: 'Pages through background jobs (triage, write-back, notices) by status; dead letters by default. Admin only.',
  ...common,
  method: 'get',
  path: '/v1/jobs',
  summary: 'Background jobs by status, newest first (admin); status=dead lists the dead letters',
  request: {
    query: z.object({
      status: z.enum(jobStatuses).default('dead'),
      queue: z.string().min(1).max(200).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: z.string().uuid().optional().openapi({ description: 'nextCursor of the previous page' }),
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(JobSchema), nextCursor: z.string().nullable() }), 'One page'),
    ...problemResponses(422, ...authenticatedProblems),
  },
})
const getJobRoute = createRoute({
  operationId: 'getJob',
  description: 'Returns one job with its payload and last error. Admin only; 404 for an unknown id.',
  ...common,
  method: 'get',
  path: '/v1/jobs/{id}',
  summary: 'One job with its last error (admin)',
  request: { params: idParam },
  responses: { 200: json(JobSchema, 'The job'), ...problemResponses(404, ...authenticatedProblems) },
})
const retryJobRoute = createRoute({
  operationId: 'retryJob',
  description: 'Queues a dead job again with fresh attempts. Admin only; 409 when the job is not dead.',
  ...common,
  method: 'post',
  path: '/v1/jobs/{id}/retry',
  summary: 'Queue a dead job again with fresh attempts (admin)',
  request: { params: idParam },
  responses: { 200: json(JobSchema, 'Queued again'), ...problemResponses(404, 409, ...authenticatedProblems) },
})

export function jobRoutes(deps: Deps) {
  const find = async (id: string) => {
    const job = isUuid(id) ? await findJob(deps.sql, id) : undefined
    if (!job) throw new AppError('not_found', `No job with id ${id}.`)
    return job
  }
  return createRouter()
    .openapi(listJobsRoute, async (c) => {
      const page = await listJobs(deps.sql, c.req.valid('query'))
      return c.json({ items: page.jobs.map(toJson), nextCursor: page.nextCursor }, 200)
    })
    .openapi(getJobRoute, async (c) => c.json(toJson(await find(c.req.valid('param').id)), 200))
    .openapi(retryJobRoute, async (c) => {
      const { id } = c.req.valid('param')
      const job = await find(id)
      const retried = await retryDeadJob(deps.sql, job.id, { now: deps.clock.now() })
      if (!retried) throw new AppError('conflict', `Job ${id} is ${job.status}; only dead jobs can be retried.`)
      deps.jobs?.wake()
      return c.json(toJson(retried), 200)
    })
}
