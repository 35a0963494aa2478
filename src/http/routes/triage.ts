import { createRoute, z } from '@hono/zod-openapi'
import { isUuid } from '../../auth/api-keys.js'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { findStoredInquiry, isSubmittedBy } from '../../storage/queries/inquiries.js'
import { addExamples } from '../../triage/examples.js'
import { refreshClassifierSoon } from '../../review/learn.js'
import { triageInquiry } from '../../triage/pipeline.js'
import { TriageInputSchema } from '../../triage/triage-input.js'
import { TriageResultSchema } from '../../triage/triage-result.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, problemResponses, jsonContent } from '../openapi.js'
import { createRouter } from '../router.js'

// Named here, at the HTTP edge: the domain schema knows nothing of the OpenAPI document. Cloned because zod v4
// copies methods onto a schema when it is built, and the domain's may predate @hono/zod-openapi's .openapi;
// .openapi (not .meta) so that the .extend below becomes an allOf reference to TriageResult.
const TriageResultResponse = TriageResultSchema.clone().openapi('TriageResult')

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

const ExamplesSchema = z
  .object({
    examples: z
      .array(z.record(z.string(), z.unknown()))
      .min(1)
      .max(1000)
      .openapi({ description: 'Items `{ text, department, language? }`; invalid ones are reported in `failed`' }),
  })
  .strict()
  .openapi('AddExamples')
const ExamplesResultSchema = z.object({
  created: z.number().int(),
  duplicates: z.number().int(),
  failed: z.array(
    z.object({ index: z.number().int(), reason: z.string(), errors: z.array(z.object({ field: z.string(), message: z.string() })) }),
  ),
})

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
const inquiryRoute = createRoute({
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
const examplesRoute = createRoute({
  operationId: 'addExamples',
  description:
    'Stores labelled texts and retrains the department classifier soon after. Lead or admin; invalid items are listed in `failed`, 422 when none could be stored.',
  method: 'post',
  path: '/v1/examples',
  tags: ['triage'],
  security: bearerSecurity,
  middleware: requireRole('lead', 'admin'),
  summary: 'Add labelled examples the department classifier learns from (lead, admin)',
  request: { body: { required: true, content: { 'application/json': { schema: ExamplesSchema } } } },
  responses: {
    200: json(ExamplesResultSchema, 'Counts; duplicates of stored examples are skipped'),
    ...problemResponses(400, 413, 415, 422, ...authenticatedProblems),
  },
})

export function triageRoutes(deps: Deps) {
  return createRouter()
    .openapi(triageRoute, async (c) =>
      c.json(await triageInquiry(deps, c.req.valid('json'), { signal: c.req.raw.signal, submittedByKeyId: c.get('principal').keyId }), 200),
    )
    .openapi(inquiryRoute, async (c) => {
      const { id } = c.req.valid('param')
      const { role, keyId } = c.get('principal')
      // A helpdesk's machine key reads back only what it submitted; others' inquiries are "not found", not forbidden.
      const visible = isUuid(id) && (role !== 'integration' || (await isSubmittedBy(deps.sql, id, keyId)))
      const row = visible ? await findStoredInquiry(deps.sql, id) : undefined
      if (!row) throw new AppError('not_found', `No inquiry with id ${id}`)
      if (row.status === 'received' || !row.result) {
        return c.json(
          { inquiryId: row.id, externalId: row.external_id, status: 'received' as const, createdAt: row.created_at.toISOString() },
          200,
        )
      }
      return c.json({ ...row.result, status: 'triaged' as const, writtenBackAt: row.written_back_at?.toISOString() ?? null }, 200)
    })
    .openapi(examplesRoute, async (c) => {
      const result = await addExamples(deps, c.req.valid('json').examples, 'api')
      if (result.created > 0) refreshClassifierSoon(deps)
      if (result.created + result.duplicates === 0) {
        throw new AppError('validation_failed', 'No example could be stored.', {
          errors: result.failed.flatMap((failure) =>
            failure.errors.map((error) => ({ field: `examples.${failure.index}.${error.field}`, message: error.message })),
          ),
        })
      }
      return c.json(result, 200)
    })
}
