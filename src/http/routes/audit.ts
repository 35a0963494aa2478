import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import { auditEntityTypes, listAuditEntries, StoredAuditEntrySchema } from '../../audit/audit-trail.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, problemResponses } from '../openapi.js'
import { createRouter } from '../router.js'

const AuditEntrySchema = StoredAuditEntrySchema.meta({ id: 'AuditEntry' })

const listRoute = createRoute({
  operationId: 'listAuditEntries',
  description: 'Pages through the audit trail, newest first, optionally for one entity. Admin only.',
  method: 'get',
  path: '/v1/audit',
  tags: ['audit'],
  security: bearerSecurity,
  middleware: requireRole('admin'),
  summary: 'Who did what to which case or article, newest first (admin)',
  request: {
    query: z.object({
      entityType: z.enum(auditEntityTypes).optional(),
      entityId: z.string().uuid().optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: z.string().uuid().optional(),
    }),
  },
  responses: {
    200: {
      description: 'One page',
      content: { 'application/json': { schema: z.object({ items: z.array(AuditEntrySchema), nextCursor: z.string().nullable() }) } },
    },
    ...problemResponses(422, ...authenticatedProblems),
  },
})

export function auditRoutes(deps: Deps) {
  return createRouter().openapi(listRoute, async (c) => c.json(await listAuditEntries(deps, c.req.valid('query')), 200))
}
