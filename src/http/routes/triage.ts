import { createRoute } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import { triageInquiry } from '../../triage/pipeline.js'
import { TriageInputSchema } from '../../triage/triage-input.js'
import { TriageResultSchema } from '../../triage/triage-result.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, problemResponses, jsonContent } from '../openapi.js'
import { createRouter } from '../router.js'

// Named here, at the HTTP edge: the domain schema knows nothing of the OpenAPI document. Cloned because zod v4
// copies methods onto a schema when it is built, and the domain's may predate @hono/zod-openapi's .openapi;
// .openapi (not .meta) so that an .extend of it (the stored inquiry) becomes an allOf reference to TriageResult.
export const TriageResultResponse = TriageResultSchema.clone().openapi('TriageResult')

const json = jsonContent

const triageRoute = createRoute({
  operationId: 'triageInquiry',
  description:
    'Detects the language, picks the department, suggests knowledge-base replies and decides on escalation, then stores the inquiry with its result. Any role; 422 names the bad field.',
  method: 'post',
  path: '/v1/triage',
  tags: ['triage'],
  security: bearerSecurity,
  middleware: requireRole('integration', 'agent', 'lead', 'admin'),
  summary: 'Triage one inquiry: language, department, suggested replies, escalation',
  request: { body: { required: true, content: { 'application/json': { schema: TriageInputSchema.meta({ id: 'TriageRequest' }) } } } },
  responses: {
    200: json(TriageResultResponse, 'Stored with the inquiry before it is returned'),
    ...problemResponses(400, 413, 415, 422, ...authenticatedProblems),
  },
})

export function triageRoutes(deps: Deps) {
  return createRouter().openapi(triageRoute, async (c) =>
    c.json(await triageInquiry(deps, c.req.valid('json'), { signal: c.req.raw.signal, submittedByKeyId: c.get('principal').keyId }), 200),
  )
}
