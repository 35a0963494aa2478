import { z } from 'zod'
import type { Deps } from '../deps.js'
import * as queries from '../storage/queries/audit.js'

// Reading the audit trail; entries are written by the domain verbs, in the transaction of their change.

export { auditEntityTypes } from '../storage/queries/audit.js'

/** One entry as admins read it; the API names it AuditEntry. */
export const StoredAuditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ keyId: z.string().nullable(), name: z.string(), role: z.string() }),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
})
export type StoredAuditEntry = z.infer<typeof StoredAuditEntrySchema>

/** Newest first, optionally for one entity; `cursor` is the id of the previous page's last entry. */
export async function listAuditEntries(
  deps: Pick<Deps, 'sql'>,
  filter: { entityType?: queries.AuditEntityType | undefined; entityId?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: StoredAuditEntry[]; nextCursor: string | null }> {
  const page = await queries.listAudit(deps.sql, filter)
  return { items: page.rows.map(toStoredAuditEntry), nextCursor: page.nextCursor }
}

function toStoredAuditEntry(row: queries.AuditRow): StoredAuditEntry {
  return {
    id: row.id,
    at: row.created_at.toISOString(),
    actor: { keyId: row.actor_key_id, name: row.actor_name, role: row.actor_role },
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    before: row.before,
    after: row.after,
  }
}
