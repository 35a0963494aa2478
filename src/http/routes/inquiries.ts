import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import { FeedbackResultSchema, FeedbackSchema, recordFeedback } from '../../review/feedback.js'
import { getInquiry, InquirySummarySchema, listInquiries } from '../../inquiries/inquiries.js'
import { eraseInquiry } from '../../privacy/erase.js'
import { ErasureSchema } from '../../privacy/subject.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, problemResponses, jsonContent } from '../openapi.js'
import { createRouter } from '../router.js'
import { TriageResultResponse } from './triage.js'

const InquirySummaryResponse = InquirySummarySchema.meta({ id: 'InquirySummary' })

// Named at the HTTP edge: what GET /v1/inquiries/{id} answers, by the inquiry's status.
const StoredInquirySchema = z
  .union([
    TriageResultResponse.extend({
      status: z.literal('triaged'),
      writtenBackAt: z.string().nullable().openapi({ description: 'When the result reached the helpdesk (webhook inquiries)' }),
    }),
    z.object({
      inquiryId: z.string().uuid(),
      externalId: z.string().nullable(),
      status: z.literal('received').openapi({ description: 'Stored from a webhook; its triage job has not finished yet' }),
      createdAt: z.string(),
    }),
  ])
  .openapi('StoredInquiry')

const booleanParam = z.enum(['true', 'false']).transform((value) => value === 'true')
const ListQuerySchema = z.object({
  status: z.enum(['received', 'triaged']).optional(),
  department: z.enum(['technical', 'commercial']).optional(),
  escalated: booleanParam.optional(),
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().uuid().optional().openapi({ description: 'nextCursor of the previous page' }),
})

const json = jsonContent
const people = requireRole('agent', 'lead', 'admin')

const listRoute = createRoute({
  operationId: 'listInquiries',
  description:
    'Pages through inquiries with their department, escalation and customer, filtered by status, department, escalation or text. Agent, lead or admin.',
  method: 'get',
  path: '/v1/inquiries',
  tags: ['inquiries'],
  security: bearerSecurity,
  middleware: people,
  summary: 'Inquiries, newest first, with filters (agent, lead, admin)',
  request: { query: ListQuerySchema },
  responses: {
    200: json(z.object({ items: z.array(InquirySummaryResponse), nextCursor: z.string().nullable() }), 'One page'),
    ...problemResponses(422, ...authenticatedProblems),
  },
})
const getRoute = createRoute({
  operationId: 'getInquiry',
  description:
    "Returns one inquiry's stored triage result, or status `received` while a webhook inquiry waits for its job. Any role; an integration key sees only what it submitted, others get 404.",
  method: 'get',
  path: '/v1/inquiries/{id}',
  tags: ['triage'],
  security: bearerSecurity,
  middleware: requireRole('integration', 'agent', 'lead', 'admin'),
  summary: 'The stored triage result of one inquiry (an integration key: only the inquiries it submitted)',
  request: { params: z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: {
    200: json(StoredInquirySchema, 'As returned by POST /v1/triage, with its status'),
    ...problemResponses(404, ...authenticatedProblems),
  },
})
const feedbackRoute = createRoute({
  operationId: 'recordInquiryFeedback',
  description:
    'Records how a suggestion was used and, when given, the right department, which the classifier learns before answering. Agent, lead or admin; 404 unknown inquiry, 409 not yet triaged.',
  method: 'post',
  path: '/v1/inquiries/{id}/feedback',
  tags: ['inquiries'],
  security: bearerSecurity,
  middleware: people,
  summary: 'Which suggestion was used, whether it was edited, a rating, and the right department if triage was wrong',
  request: {
    params: z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) }),
    body: { required: true, content: { 'application/json': { schema: FeedbackSchema } } },
  },
  responses: {
    201: json(FeedbackResultSchema, 'Stored; a correction is learned before this answer'),
    ...problemResponses(400, 404, 409, 413, 415, 422, ...authenticatedProblems),
  },
})

// Erasing one inquiry (a customer's request, a ticket sent by mistake) is for leads and admins: it is
// scoped to one case and audited. Erasing a whole person is admin only (routes/data-subjects.ts).
const eraseRoute = createRoute({
  operationId: 'deleteInquiry',
  description:
    'Erases one inquiry and everything derived from it (escalation, feedback, learned examples) in one transaction, and audits the erasure. Lead or admin; 404 for an unknown id.',
  method: 'delete',
  path: '/v1/inquiries/{id}',
  tags: ['inquiries'],
  security: bearerSecurity,
  middleware: requireRole('lead', 'admin'),
  summary: 'Erase one inquiry and everything derived from it, in one transaction (lead, admin)',
  request: { params: z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: { 200: json(ErasureSchema, 'What was erased, per kind'), ...problemResponses(404, ...authenticatedProblems) },
})

export function inquiryRoutes(deps: Deps) {
  return createRouter()
    .openapi(listRoute, async (c) => c.json(await listInquiries(deps, c.req.valid('query')), 200))
    .openapi(getRoute, async (c) => {
      const inquiry = await getInquiry(deps, c.req.valid('param').id, c.get('principal'))
      if (inquiry.status === 'received' || !inquiry.result) {
        const { id: inquiryId, externalId, createdAt } = inquiry
        return c.json({ inquiryId, externalId, status: 'received' as const, createdAt }, 200)
      }
      return c.json({ ...inquiry.result, status: 'triaged' as const, writtenBackAt: inquiry.writtenBackAt }, 200)
    })
    .openapi(feedbackRoute, async (c) =>
      c.json(await recordFeedback(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json')), 201),
    )
    .openapi(eraseRoute, async (c) => c.json(await eraseInquiry(deps, c.get('principal'), c.req.valid('param').id), 200))
}
