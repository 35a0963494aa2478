import type { Sql } from '../sql.js'

export interface AccountRow {
  id: string
  external_id: string
  name: string
  tier: 'standard' | 'premium' | 'key_account'
  first_response_hours: number | null
  domains: string[]
  emails: string[]
  created_at: Date
  updated_at: Date
}

export interface AccountUpsert {
  externalId: string
  name: string
  tier: AccountRow['tier']
  firstResponseHours: number | null
  domains: string[]
  emails: string[]
}

const columns = 'id, external_id, name, tier, first_response_hours, domains, emails, created_at, updated_at'
// Umlauts folded and byte order: PostgreSQL's locale and PGlite's C collation then sort alike ("Bäckerei" before "Brightlets").
const nameOrder = `lower(translate(name, 'ÄÖÜäöüß', 'AOUaous')) COLLATE "C"`

/** Inserts or replaces accounts by external id in one statement; returns how many were new. */
export async function upsertAccounts(
  sql: Sql,
  accounts: readonly AccountUpsert[],
  at: Date,
): Promise<{ created: number; updated: number }> {
  const rows = await sql.query<{ created: boolean }>(
    `INSERT INTO accounts (external_id, name, tier, first_response_hours, domains, emails, created_at, updated_at)
     SELECT a.external_id, a.name, a.tier, a.first_response_hours, ARRAY(SELECT jsonb_array_elements_text(a.domains)), ARRAY(SELECT jsonb_array_elements_text(a.emails)), $2, $2
       FROM jsonb_to_recordset($1::jsonb) AS a(external_id text, name text, tier text, first_response_hours real, domains jsonb, emails jsonb)
     ON CONFLICT (external_id) DO UPDATE
       SET name = EXCLUDED.name, tier = EXCLUDED.tier, first_response_hours = EXCLUDED.first_response_hours,
           domains = EXCLUDED.domains, emails = EXCLUDED.emails, updated_at = EXCLUDED.updated_at
     RETURNING (xmax = 0) AS created`,
    [
      JSON.stringify(
        accounts.map((account) => ({
          external_id: account.externalId,
          name: account.name,
          tier: account.tier,
          first_response_hours: account.firstResponseHours,
          domains: account.domains,
          emails: account.emails,
        })),
      ),
      at,
    ],
  )
  const created = rows.filter((row) => row.created).length
  return { created, updated: rows.length - created }
}

/** One page by name (then external id), for the directory's list. */
export async function listAccounts(
  sql: Sql,
  filter: { q?: string | undefined; tier?: string | undefined; limit: number; offset: number },
): Promise<{ rows: AccountRow[]; total: number }> {
  const where = `WHERE ($1::text IS NULL OR name ILIKE '%' || $1 || '%' OR external_id = $1 OR $1 = ANY(domains)) AND ($2::text IS NULL OR tier = $2)`
  const params = [filter.q ?? null, filter.tier ?? null]
  const [rows, [count]] = await Promise.all([
    sql.query<AccountRow>(`SELECT ${columns} FROM accounts ${where} ORDER BY ${nameOrder}, external_id LIMIT $3 OFFSET $4`, [
      ...params,
      filter.limit,
      filter.offset,
    ]),
    sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM accounts ${where}`, params),
  ])
  return { rows, total: count?.n ?? 0 }
}
