import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import { FeedbackResultSchema, FeedbackSchema, recordFeedback } from '../../review/feedback.js'
import { listInquiries, type InquiryListRow } from '../../storage/queries/inquiries.js'
import { eraseInquiry } from '../../privacy/erase.js'
import { ErasureSchema } from '../../privacy/subject.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, problemResponses, jsonContent } from '../openapi.js'
import { createRouter } from '../router.js'

const department = z.enum(['technical', 'commercial'])
const InquirySummarySchema = z
  .object({
    inquiryId: z.string().uuid(),
    externalId: z.string().nullable(),
    subject: z.string().nullable(),
    excerpt: z.string(),
    language: z.string(),
    status: z.enum(['received', 'triaged']),
    department: department.nullable(),
    confidence: z.number().nullable(),
    escalated: z.boolean().nullable(),
    customer: z.object({ name: z.string().nullable(), email: z.string().nullable() }),
    escalation: z.object({ id: z.string(), status: z.string(), dueAt: z.string(), overdue: z.boolean() }).nullable(),
    createdAt: z.string(),
  })
  .openapi('InquirySummary')

const booleanParam = z.enum(['true', 'false']).transform((value) => value === 'true')
const ListQuerySchema = z.object({
  status: z.enum(['received', 'triaged']).optional(),
  department: department.optional(),
  escalated: booleanParam.optional(),
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().uuid().optional().openapi({ description: 'nextCursor of the previous page' }),
})

const toSummary = (row: InquiryListRow, now: Date): z.infer<typeof InquirySummarySchema> => ({
  inquiryId: row.id,
  externalId: row.external_id,
  subject: row.subject,
  excerpt: row.excerpt,
  language: row.language,
  status: row.status,
  department: row.department as 'technical' | 'commercial' | null,
  confidence: row.confidence,
  escalated: row.escalated,
  customer: { name: row.customer_name, email: row.customer_email },
  escalation:
    row.escalation_id && row.escalation_due_at
      ? {
          id: row.escalation_id,
          status: row.escalation_status!,
          dueAt: row.escalation_due_at.toISOString(),
          overdue: row.escalation_status !== 'resolved' && row.escalation_due_at < now,
        }
      : null,
  createdAt: row.created_at.toISOString(),
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
    200: json(z.object({ items: z.array(InquirySummarySchema), nextCursor: z.string().nullable() }), 'One page'),
    ...problemResponses(422, ...authenticatedProblems),
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
    .openapi(listRoute, async (c) => {
      const page = await listInquiries(deps.sql, c.req.valid('query'))
      const now = deps.clock.now()
      return c.json({ items: page.rows.map((row) => toSummary(row, now)), nextCursor: page.nextCursor }, 200)
    })
    .openapi(feedbackRoute, async (c) =>
      c.json(await recordFeedback(deps, c.get('principal'), c.req.valid('param').id, c.req.valid('json')), 201),
    )
    .openapi(eraseRoute, async (c) => c.json(await eraseInquiry(deps, c.get('principal'), c.req.valid('param').id), 200))
}
