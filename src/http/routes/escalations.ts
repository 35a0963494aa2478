import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import {
  EscalationSchema,
  ReassignSchema,
  ResolveSchema,
  claimEscalation,
  escalationStatuses,
  getEscalation,
  listEscalationQueue,
  reassignEscalation,
  releaseEscalation,
  resolveEscalation,
} from '../../review/escalations.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, problemResponses, jsonContent } from '../openapi.js'
import { createRouter } from '../router.js'

const common = { tags: ['escalations'], security: bearerSecurity, middleware: requireRole('lead', 'admin') }
const idParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) })
const json = jsonContent
const changed = json(EscalationSchema, 'The case after the change')
const actionProblems = problemResponses(404, 409, ...authenticatedProblems)

const listRoute = createRoute({
  operationId: 'listEscalations',
  description: 'Pages through escalated cases, soonest due first, filtered by status, department or overdue. Lead or admin.',
  ...common,
  method: 'get',
  path: '/v1/escalations',
  summary: 'The lead queue, soonest due first (lead, admin)',
  request: {
    query: z.object({
      status: z.enum(escalationStatuses).optional(),
      department: z.enum(['technical', 'commercial']).optional(),
      overdue: z
        .enum(['true', 'false'])
        .transform((value) => value === 'true')
        .optional(),
      limit: z.coerce.number().int().min(1).max(100).default(25),
      cursor: z.string().uuid().optional(),
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(EscalationSchema), nextCursor: z.string().nullable() }), 'One page'),
    ...problemResponses(422, ...authenticatedProblems),
  },
})
const getRoute = createRoute({
  operationId: 'getEscalation',
  description: 'Returns one escalated case with its inquiry, reasons and suggestions. Lead or admin; 404 for an unknown id.',
  ...common,
  method: 'get',
  path: '/v1/escalations/{id}',
  summary: 'One case with its inquiry and suggestions',
  request: { params: idParam },
  responses: { 200: json(EscalationSchema, 'The case'), ...problemResponses(404, ...authenticatedProblems) },
})
const claimRoute = createRoute({
  operationId: 'claimEscalation',
  description: 'Assigns the case to the calling lead. Lead or admin; 409 when another lead holds it or it is resolved.',
  ...common,
  method: 'post',
  path: '/v1/escalations/{id}/claim',
  summary: 'Take the case (409 if another lead has it)',
  request: { params: idParam },
  responses: { 200: changed, ...actionProblems },
})
const releaseRoute = createRoute({
  operationId: 'releaseEscalation',
  description:
    'Puts a claimed case back into the open queue. Lead or admin; 409 when it is not claimed, or claimed by another lead (an admin may release any).',
  ...common,
  method: 'post',
  path: '/v1/escalations/{id}/release',
  summary: 'Give a claimed case back to the queue',
  request: { params: idParam },
  responses: { 200: changed, ...actionProblems },
})
const reassignRoute = createRoute({
  operationId: 'reassignEscalation',
  description:
    "Assigns the case to another lead's key. Lead or admin; 422 when that key is not an active lead, 409 when the case is resolved or another lead holds it.",
  ...common,
  method: 'post',
  path: '/v1/escalations/{id}/reassign',
  summary: 'Hand the case to another lead',
  request: { params: idParam, body: { required: true, content: { 'application/json': { schema: ReassignSchema } } } },
  responses: { 200: changed, ...problemResponses(400, 404, 409, 415, 422, ...authenticatedProblems) },
})
const resolveRoute = createRoute({
  operationId: 'resolveEscalation',
  description:
    'Closes the case with a resolution; a corrected department is learned and the reply can be kept as a knowledge-base draft. Lead or admin; 409 when already resolved.',
  ...common,
  method: 'post',
  path: '/v1/escalations/{id}/resolve',
  summary: 'Close the case; optionally correct the department and keep the reply as a knowledge-base draft',
  request: { params: idParam, body: { required: true, content: { 'application/json': { schema: ResolveSchema } } } },
  responses: { 200: changed, ...problemResponses(400, 404, 409, 415, 422, ...authenticatedProblems) },
})

export function escalationRoutes(deps: Deps) {
  return createRouter()
    .openapi(listRoute, async (c) => c.json(await listEscalationQueue(deps, c.req.valid('query')), 200))
    .openapi(getRoute, async (c) => c.json(await getEscalation(deps, c.req.valid('param').id), 200))
    .openapi(claimRoute, async (c) => c.json(await claimEscalation(deps, c.get('principal'), c.req.valid('param').id), 200))
    .openapi(releaseRoute, async (c) => c.json(await releaseEscalation(deps, c.get('principal'), c.req.valid('param').id), 200))
    .openapi(reassignRoute, async (c) =>
      c.json(await reassignEscalation(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(resolveRoute, async (c) =>
      c.json(await resolveEscalation(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json')), 200),
    )
}
