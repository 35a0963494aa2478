import { createRoute } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import { eraseDataSubject } from '../../privacy/erase.js'
import { exportDataSubject } from '../../privacy/export.js'
import { DataExportSchema, DataSubjectSchema, ErasureSchema } from '../../privacy/subject.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, jsonContent, problemResponses } from '../openapi.js'
import { createRouter } from '../router.js'

// A person's rights under the DSGVO (GDPR): access to everything stored about them (Art. 15) and its
// erasure (Art. 17). Admins only: both reach across every inquiry the person ever sent.

const common = { tags: ['data protection'], security: bearerSecurity, middleware: requireRole('admin') }

const eraseRoute = createRoute({
  operationId: 'eraseDataSubject',
  description:
    'Erases every inquiry of one person (by e-mail or customer id) and everything derived from them (GDPR Art. 17), audited. Admin only; answers the counts, zero when nothing matched.',
  ...common,
  method: 'post',
  path: '/v1/data-subjects/erase',
  summary: 'Erase everything stored about a person: their inquiries and all derived records, in one transaction (admin)',
  request: { body: { required: true, content: { 'application/json': { schema: DataSubjectSchema } } } },
  responses: {
    200: jsonContent(ErasureSchema, 'What was erased, per kind'),
    ...problemResponses(400, 413, 415, 422, ...authenticatedProblems),
  },
})
const exportRoute = createRoute({
  operationId: 'exportDataSubject',
  description: 'Exports everything stored about one person (by e-mail or customer id) as JSON (GDPR Art. 15). Admin only.',
  ...common,
  method: 'get',
  path: '/v1/data-subjects/export',
  summary: 'Everything stored about a person as JSON, one key per kind (admin)',
  request: { query: DataSubjectSchema },
  responses: { 200: jsonContent(DataExportSchema, "The person's data"), ...problemResponses(422, ...authenticatedProblems) },
})

export function dataSubjectRoutes(deps: Deps) {
  return createRouter()
    .openapi(eraseRoute, async (c) => c.json(await eraseDataSubject(deps, c.get('principal'), c.req.valid('json')), 200))
    .openapi(exportRoute, async (c) => c.json(await exportDataSubject(deps, c.get('principal'), c.req.valid('query')), 200))
}
