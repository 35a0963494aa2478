import type { Role } from '../../auth/roles.js'
import type { Sql } from '../sql.js'

export interface ApiKeyRow {
  id: string
  name: string
  role: Role
  hash: string
  created_at: Date
  revoked_at: Date | null
}

const columns = 'id, name, role, hash, created_at, revoked_at'

export async function insertApiKey(sql: Sql, key: { name: string; role: Role; lookup: string; hash: string }): Promise<ApiKeyRow> {
  const [row] = await sql.query<ApiKeyRow>(`INSERT INTO api_keys (name, role, lookup, hash) VALUES ($1, $2, $3, $4) RETURNING ${columns}`, [
    key.name,
    key.role,
    key.lookup,
    key.hash,
  ])
  return row!
}

/** Active keys whose hash starts like the presented one; the caller compares full hashes. */
export function findActiveApiKeysByLookup(sql: Sql, lookup: string): Promise<ApiKeyRow[]> {
  return sql.query<ApiKeyRow>(`SELECT ${columns} FROM api_keys WHERE lookup = $1 AND revoked_at IS NULL`, [lookup])
}

export function listApiKeys(sql: Sql): Promise<ApiKeyRow[]> {
  return sql.query<ApiKeyRow>(`SELECT ${columns} FROM api_keys ORDER BY created_at, id`)
}

export async function findApiKey(sql: Sql, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await sql.query<ApiKeyRow>(`SELECT ${columns} FROM api_keys WHERE id = $1`, [id])
  return row
}

/** Marks the key revoked; revoking twice keeps the first time. Returns the row, or undefined for an unknown id. */
export async function revokeApiKey(sql: Sql, id: string, at: Date): Promise<ApiKeyRow | undefined> {
  const [row] = await sql.query<ApiKeyRow>(`UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING ${columns}`, [
    id,
    at,
  ])
  return row
}

export async function countActiveAdminKeys(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL`,
  )
  return row?.count ?? 0
}

/** Active admin keys, and how many of them carry `generatedName` (the key generated at a first start). */
export async function countActiveAdminKeysByOrigin(sql: Sql, generatedName: string): Promise<{ total: number; generated: number }> {
  const [row] = await sql.query<{ total: number; generated: number }>(
    `SELECT count(*)::int AS total, (count(*) FILTER (WHERE name = $1))::int AS generated
       FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL`,
    [generatedName],
  )
  return row ?? { total: 0, generated: 0 }
}

/** Inserts the key unless one with this hash exists (a restart with the same ADMIN_API_KEY). */
export async function insertApiKeyIfAbsent(sql: Sql, key: { name: string; role: Role; lookup: string; hash: string }): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO api_keys (name, role, lookup, hash) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING RETURNING id`,
    [key.name, key.role, key.lookup, key.hash],
  )
  return rows.length > 0
}

/** Revokes every active key of this name except the one with `keepHash` (ADMIN_API_KEY rotation). */
export async function revokeOtherKeysNamed(sql: Sql, name: string, keepHash: string, at: Date): Promise<void> {
  await sql.query(`UPDATE api_keys SET revoked_at = $3 WHERE name = $1 AND hash <> $2 AND revoked_at IS NULL`, [name, keepHash, at])
}
