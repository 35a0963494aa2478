import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import {
  EscalationSchema, ReassignSchema, ResolveSchema, claimEscalation, escalationStatuses, getEscalation, listEscalationQueue,
  reassignEscalation, releaseEscalation, resolveEscalation,
} from '../../leads/escalations.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, problemResponses, jsonContent } from '../openapi.js'
import { createRouter } from '../router.js'

const common = { tags: ['escalations'], security: bearerSecurity, middleware: requireRole('lead', 'admin') }
const idParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) })
const json = jsonContent
const changed = json(EscalationSchema, 'The case after the change')
const actionProblems = problemResponses(404, 409, ...authenticatedProblems)

const listRoute = createRoute({
  ...common, method: 'get', path: '/v1/escalations', summary: 'The lead queue, soonest due first (lead, admin)',
  request: {
    query: z.object({
      status: z.enum(escalationStatuses).optional(),
      department: z.enum(['technical', 'commercial']).optional(),
      overdue: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
      limit: z.coerce.number().int().min(1).max(100).default(25),
      cursor: z.string().uuid().optional(),
    }),
  },
  responses: { 200: json(z.object({ items: z.array(EscalationSchema), nextCursor: z.string().nullable() }), 'One page'), ...problemResponses(422, ...authenticatedProblems) },
})
const getRoute = createRoute({ ...common, method: 'get', path: '/v1/escalations/{id}', summary: 'One case with its inquiry and suggestions', request: { params: idParam }, responses: { 200: json(EscalationSchema, 'The case'), ...problemResponses(404, ...authenticatedProblems) } })
const claimRoute = createRoute({ ...common, method: 'post', path: '/v1/escalations/{id}/claim', summary: 'Take the case (409 if another lead has it)', request: { params: idParam }, responses: { 200: changed, ...actionProblems } })
const releaseRoute = createRoute({ ...common, method: 'post', path: '/v1/escalations/{id}/release', summary: 'Give a claimed case back to the queue', request: { params: idParam }, responses: { 200: changed, ...actionProblems } })
const reassignRoute = createRoute({
  ...common, method: 'post', path: '/v1/escalations/{id}/reassign', summary: 'Hand the case to another lead',
  request: { params: idParam, body: { required: true, content: { 'application/json': { schema: ReassignSchema } } } },
  responses: { 200: changed, ...problemResponses(400, 404, 409, 415, 422, ...authenticatedProblems) },
})
const resolveRoute = createRoute({
  ...common, method: 'post', path: '/v1/escalations/{id}/resolve', summary: 'Close the case; optionally correct the department and keep the reply as a knowledge-base draft',
  request: { params: idParam, body: { required: true, content: { 'application/json': { schema: ResolveSchema } } } },
  responses: { 200: changed, ...problemResponses(400, 404, 409, 415, 422, ...authenticatedProblems) },
})

export function escalationRoutes(deps: Deps) {
  return createRouter()
    .openapi(listRoute, async (c) => c.json(await listEscalationQueue(deps, c.req.valid('query')), 200))
    .openapi(getRoute, async (c) => c.json(await getEscalation(deps, c.req.valid('param').id), 200))
    .openapi(claimRoute, async (c) => c.json(await claimEscalation(deps, c.get('principal'), c.req.valid('param').id), 200))
    .openapi(releaseRoute, async (c) => c.json(await releaseEscalation(deps, c.get('principal'), c.req.valid('param').id), 200))
    .openapi(reassignRoute, async (c) => c.json(await reassignEscalation(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json')), 200))
    .openapi(resolveRoute, async (c) => c.json(await resolveEscalation(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json')), 200))
}
