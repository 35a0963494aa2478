import type { Sql } from '../sql.js'

export const auditEntityTypes = [
  'escalation',
  'inquiry',
  'kb_article',
  'escalation_policy',
  'account_import',
  'data_subject',
  'staffing_settings',
] as const
export type AuditEntityType = (typeof auditEntityTypes)[number]

export interface AuditEntry {
  /** keyId null: the service itself (the retention job). */
  actor: { keyId: string | null; name: string; role: string }
  action: string
  entityType: AuditEntityType
  entityId: string
  before: unknown
  after: unknown
}

export interface AuditRow {
  id: string
  actor_key_id: string | null
  actor_name: string
  actor_role: string
  action: string
  entity_type: string
  entity_id: string
  before: unknown
  after: unknown
  created_at: Date
}

/** Written in the same transaction as the change it describes, so the log never claims what did not happen. */
export async function insertAudit(sql: Sql, entry: AuditEntry, at: Date): Promise<void> {
  await sql.query(
    `INSERT INTO audit_log (actor_key_id, actor_name, actor_role, action, entity_type, entity_id, before, after, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9)`,
    [
      entry.actor.keyId,
      entry.actor.name,
      entry.actor.role,
      entry.action,
      entry.entityType,
      entry.entityId,
      JSON.stringify(entry.before ?? null),
      JSON.stringify(entry.after ?? null),
      at,
    ],
  )
}

/** Newest first, optionally for one entity; keyset paging by the last id. */
export async function listAudit(
  sql: Sql,
  filter: { entityType?: string | undefined; entityId?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ rows: AuditRow[]; nextCursor: string | null }> {
  const rows = await sql.query<AuditRow>(
    `SELECT id, actor_key_id, actor_name, actor_role, action, entity_type, entity_id, before, after, created_at FROM audit_log
      WHERE ($1::text IS NULL OR entity_type = $1) AND ($2::uuid IS NULL OR entity_id = $2::uuid)
        AND ($3::uuid IS NULL OR (created_at, id) < (SELECT created_at, id FROM audit_log WHERE id = $3::uuid))
      ORDER BY created_at DESC, id DESC LIMIT $4`,
    [filter.entityType ?? null, filter.entityId ?? null, filter.cursor ?? null, filter.limit + 1],
  )
  const page = rows.slice(0, filter.limit)
  return { rows: page, nextCursor: rows.length > filter.limit ? page[page.length - 1]!.id : null }
}
