import type { Sql } from '../sql.js'

/** Small facts about this installation (for example that the demo content was loaded once). */
export async function readSetting<T>(sql: Sql, key: string): Promise<T | undefined> {
  const [row] = await sql.query<{ value: T }>('SELECT value FROM settings WHERE key = $1', [key])
  return row?.value
}

export async function writeSetting(sql: Sql, key: string, value: unknown): Promise<void> {
  await sql.query(
    `INSERT INTO settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [key, JSON.stringify(value)],
  )
}
