import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { refreshClassifierSoon } from '../../review/learn.js'
import { addExamples } from '../../triage/examples.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, jsonContent, problemResponses } from '../openapi.js'
import { createRouter } from '../router.js'

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

export function exampleRoutes(deps: Deps) {
  return createRouter().openapi(examplesRoute, async (c) => {
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
