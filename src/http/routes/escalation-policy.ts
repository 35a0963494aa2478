import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import { currentPolicy, getPolicyVersion, replacePolicy } from '../../triage/escalation/policy-store.js'
import { EscalationPolicySchema } from '../../triage/escalation/policy.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, jsonContent, problemResponses } from '../openapi.js'
import { createRouter } from '../router.js'

const StoredPolicySchema = z
  .object({ version: z.number().int(), createdAt: z.string(), policy: EscalationPolicySchema })
  .openapi('StoredEscalationPolicy')

const tags = ['escalation policy']
const getRoute = createRoute({
  operationId: 'getEscalationPolicy',
  description: 'Returns the escalation policy in force with its version. Lead or admin.',
  method: 'get',
  path: '/v1/escalation-policy',
  tags,
  security: bearerSecurity,
  middleware: requireRole('lead', 'admin'),
  summary: 'The escalation policy in force: reasons, weights, due hours, what escalates alone (lead, admin)',
  responses: { 200: jsonContent(StoredPolicySchema, 'The highest version'), ...problemResponses(...authenticatedProblems) },
})
const versionRoute = createRoute({
  operationId: 'getEscalationPolicyVersion',
  description: 'Returns an earlier policy version, to explain escalations decided under it. Lead or admin; 404 for an unknown version.',
  method: 'get',
  path: '/v1/escalation-policy/versions/{version}',
  tags,
  security: bearerSecurity,
  middleware: requireRole('lead', 'admin'),
  summary: 'An earlier version, as recorded with the escalations decided under it (lead, admin)',
  request: {
    params: z.object({
      version: z.coerce
        .number()
        .int()
        .min(1)
        .max(2 ** 31 - 1)
        .openapi({ param: { name: 'version', in: 'path' } }),
    }),
  },
  responses: { 200: jsonContent(StoredPolicySchema, 'That version'), ...problemResponses(404, 422, ...authenticatedProblems) },
})
const putRoute = createRoute({
  operationId: 'replaceEscalationPolicy',
  description:
    'Stores the whole policy as a new version and applies it at once. Admin only; 422 names the bad field and leaves the version in force.',
  method: 'put',
  path: '/v1/escalation-policy',
  tags,
  security: bearerSecurity,
  middleware: requireRole('admin'),
  summary: 'Store a new version of the whole policy (admin); an invalid one gets 422 and the version in force stays',
  request: { body: { required: true, content: { 'application/json': { schema: EscalationPolicySchema } } } },
  responses: {
    200: jsonContent(StoredPolicySchema, 'The new version, in force from now'),
    ...problemResponses(400, 409, 413, 415, 422, ...authenticatedProblems),
  },
})

export function escalationPolicyRoutes(deps: Deps) {
  return createRouter()
    .openapi(getRoute, async (c) => c.json(await currentPolicy(deps), 200))
    .openapi(versionRoute, async (c) => c.json(await getPolicyVersion(deps, c.req.valid('param').version), 200))
    .openapi(putRoute, async (c) => {
      const stored = await replacePolicy(deps, c.get('principal'), c.req.valid('json'))
      // This process applies it at once; a company's own reason is learned in the background.
      await deps.escalation.refresh(deps)
      return c.json(stored, 200)
    })
}
