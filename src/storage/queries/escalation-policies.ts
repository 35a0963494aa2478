import type { Sql } from '../sql.js'

export interface PolicyRow {
  version: number
  id: string
  policy: unknown
  created_at: Date
}

/** The policy in force: the highest version. */
export async function findCurrentPolicy(sql: Sql): Promise<PolicyRow | undefined> {
  const [row] = await sql.query<PolicyRow>('SELECT version, id, policy, created_at FROM escalation_policies ORDER BY version DESC LIMIT 1')
  return row
}

export async function findPolicyVersion(sql: Sql, version: number): Promise<PolicyRow | undefined> {
  const [row] = await sql.query<PolicyRow>('SELECT version, id, policy, created_at FROM escalation_policies WHERE version = $1', [version])
  return row
}

/** Stores version 1 unless a policy exists, and returns it; undefined when another process stored one first. */
export async function seedPolicy(sql: Sql, policy: unknown): Promise<PolicyRow | undefined> {
  const [row] = await sql.query<PolicyRow>(
    `INSERT INTO escalation_policies (version, policy) SELECT 1, $1::jsonb WHERE NOT EXISTS (SELECT 1 FROM escalation_policies)
     ON CONFLICT (version) DO NOTHING RETURNING version, id, policy, created_at`,
    [JSON.stringify(policy)],
  )
  return row
}

/**
 * Stores the next version. Two writers at once compute the same number; the second INSERT then fails
 * on the primary key (the caller answers 409) instead of silently replacing the first.
 */
export async function insertPolicyVersion(sql: Sql, policy: unknown, createdBy: string | null): Promise<PolicyRow> {
  const [row] = await sql.query<PolicyRow>(
    `INSERT INTO escalation_policies (version, policy, created_by)
     SELECT coalesce(max(version), 0) + 1, $1::jsonb, $2 FROM escalation_policies
     RETURNING version, id, policy, created_at`,
    [JSON.stringify(policy), createdBy],
  )
  return row!
}
