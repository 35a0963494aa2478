import type { Role } from '../../auth/roles.js'
import type { Sql } from '../sql.js'

export interface UiSessionInsert {
  idHash: string
  keyId: string
  createdAt: Date
  expiresAt: Date
}

export interface UiSessionRow {
  key_id: string
  key_name: string
  key_role: Role
  expires_at: Date
}

export async function insertUiSession(sql: Sql, session: UiSessionInsert): Promise<void> {
  await sql.query('INSERT INTO ui_sessions (id_hash, key_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
    session.idHash,
    session.keyId,
    session.createdAt,
    session.expiresAt,
  ])
}

/** The live session with this id hash: not expired at `now`, and its key not revoked. */
export async function findLiveUiSession(sql: Sql, idHash: string, now: Date): Promise<UiSessionRow | undefined> {
  const [row] = await sql.query<UiSessionRow>(
    `SELECT s.key_id, k.name AS key_name, k.role AS key_role, s.expires_at
       FROM ui_sessions s JOIN api_keys k ON k.id = s.key_id
      WHERE s.id_hash = $1 AND s.expires_at > $2 AND k.revoked_at IS NULL`,
    [idHash, now],
  )
  return row
}

export async function deleteUiSession(sql: Sql, idHash: string): Promise<void> {
  await sql.query('DELETE FROM ui_sessions WHERE id_hash = $1', [idHash])
}

/** Drops sessions that can no longer be used, so the table does not grow with every sign-in. */
export async function deleteDeadUiSessions(sql: Sql, now: Date): Promise<void> {
  await sql.query(
    `DELETE FROM ui_sessions s WHERE s.expires_at <= $1
        OR EXISTS (SELECT 1 FROM api_keys k WHERE k.id = s.key_id AND k.revoked_at IS NOT NULL)`,
    [now],
  )
}
