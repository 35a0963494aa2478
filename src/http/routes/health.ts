import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import { checkReadiness } from '../../storage/readiness.js'
import { createRouter } from '../router.js'

const HealthSchema = z.object({ status: z.literal('ok'), uptimeSeconds: z.number() }).openapi('Health')

const ReadinessSchema = z
  .object({
    ready: z.boolean(),
    startup: z.object({ phase: z.enum(['starting', 'ready', 'failed']), detail: z.string().optional() }),
    checks: z.object({
      database: z.object({
        status: z.enum(['up', 'down']),
        dialect: z.string(),
        latencyMs: z.number().optional(),
        error: z.string().optional(),
      }),
      migrations: z.object({
        status: z.enum(['current', 'pending', 'unknown']),
        applied: z.number().int(),
        pending: z.array(z.string()),
        version: z
          .string()
          .nullable()
          .openapi({ description: 'The newest migration applied, of those this build knows: the schema version' }),
      }),
      embeddings: z.object({
        provider: z.string(),
        requested: z.string(),
        reason: z.string().openapi({ description: 'Why this provider serves (auto mode says why it fell back)' }),
        space: z.string().openapi({ description: 'The space new vectors are written to' }),
        activeSpace: z.string().nullable().openapi({ description: 'The space searches use; differs from `space` while a re-index runs' }),
        coverage: z.object({ chunks: z.number().int(), embedded: z.number().int() }).optional(),
      }),
    }),
  })
  .openapi('Readiness')

const healthRoute = createRoute({
  operationId: 'getLiveness',
  description:
    'Answers 200 while the process serves requests, without touching the database. Public, for load balancers and orchestrators.',
  method: 'get',
  path: '/healthz',
  tags: ['operations'],
  summary: 'Liveness: the process is up and serving',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: HealthSchema } } } },
})

const readyRoute = createRoute({
  operationId: 'getReadiness',
  description: 'Checks the database, the migrations and the embedding provider. Public; 503 with the same report says which check failed.',
  method: 'get',
  path: '/readyz',
  tags: ['operations'],
  summary: 'Readiness: database reachable and migrations current',
  responses: {
    200: { description: 'Ready for traffic', content: { 'application/json': { schema: ReadinessSchema } } },
    503: { description: 'Not ready; the checks say why', content: { 'application/json': { schema: ReadinessSchema } } },
  },
})

export function healthRoutes(deps: Deps) {
  const startedAt = performance.now()
  return createRouter()
    .openapi(healthRoute, (c) => c.json({ status: 'ok' as const, uptimeSeconds: Math.round((performance.now() - startedAt) / 1000) }, 200))
    .openapi(readyRoute, async (c) => {
      const report = await checkReadiness(deps)
      return report.ready ? c.json(report, 200) : c.json(report, 503)
    })
}
