import type { Sql } from '../sql.js'

/** Every column that holds a secret the service must use again, so stored encrypted (see src/secrets). */
export const secretColumns = [
  { table: 'integrations', column: 'secret' },
  { table: 'integrations', column: 'previous_secret' },
  { table: 'integrations', column: 'api_token' },
] as const

export type SecretColumn = (typeof secretColumns)[number]

export interface StoredSecret {
  id: string
  value: string
}

/** The non-null values of one secret column, locked until the transaction ends (run inside one). */
export function lockStoredSecrets(sql: Sql, { table, column }: SecretColumn): Promise<StoredSecret[]> {
  return sql.query<StoredSecret>(`SELECT id, ${column} AS value FROM ${table} WHERE ${column} IS NOT NULL ORDER BY id FOR UPDATE`)
}

/** Replaces one stored value; updated_at stays, as the setting itself did not change. */
export async function writeStoredSecret(sql: Sql, { table, column }: SecretColumn, id: string, value: string): Promise<void> {
  await sql.query(`UPDATE ${table} SET ${column} = $2 WHERE id = $1`, [id, value])
}
