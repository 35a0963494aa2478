import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import { auditEntityTypes, listAudit } from '../../storage/queries/audit.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, problemResponses } from '../openapi.js'
import { createRouter } from '../router.js'

const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.object({ keyId: z.string().nullable(), name: z.string(), role: z.string() }),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    before: z.unknown(),
    after: z.unknown(),
  })
  .openapi('AuditEntry')

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
  return createRouter().openapi(listRoute, async (c) => {
    const page = await listAudit(deps.sql, c.req.valid('query'))
    return c.json(
      {
        items: page.rows.map((row) => ({
          id: row.id,
          at: row.created_at.toISOString(),
          actor: { keyId: row.actor_key_id, name: row.actor_name, role: row.actor_role },
          action: row.action,
          entityType: row.entity_type,
          entityId: row.entity_id,
          before: row.before,
          after: row.after,
        })),
        nextCursor: page.nextCursor,
      },
      200,
    )
  })
}
