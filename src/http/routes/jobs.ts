import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import { getJob, JobViewSchema, jobStatuses, listJobs, retryJob } from '../../jobs/job-admin.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, problemResponses, jsonContent } from '../openapi.js'
import { createRouter } from '../router.js'

const JobSchema = JobViewSchema.meta({ id: 'Job' })

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
  return createRouter()
    .openapi(listJobsRoute, async (c) => c.json(await listJobs(deps, c.req.valid('query')), 200))
    .openapi(getJobRoute, async (c) => c.json(await getJob(deps, c.req.valid('param').id), 200))
    .openapi(retryJobRoute, async (c) => c.json(await retryJob(deps, c.req.valid('param').id), 200))
}
