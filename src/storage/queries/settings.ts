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

/**
 * Loads shipped content into an installation once: only while `key` is unset and the target is
 * empty, so content a team deleted on purpose does not come back at the next start.
 */
export async function seedOnce(
  sql: Sql,
  key: string,
  seed: { isEmpty(): Promise<boolean>; load(): Promise<Record<string, number>> },
): Promise<Record<string, number> | undefined> {
  if ((await readSetting(sql, key)) || !(await seed.isEmpty())) return undefined
  const counts = await seed.load()
  await writeSetting(sql, key, { at: new Date().toISOString(), ...counts })
  return counts
}

/**
 * Adds `amount` to the number `field` of a JSON setting in one statement, so concurrent writers lose
 * no update; a missing setting or field counts from 0. Returns the whole new value.
 */
export async function addToSetting<T>(sql: Sql, key: string, field: string, amount: number): Promise<T> {
  const [row] = await sql.query<{ value: T }>(
    `INSERT INTO settings (key, value) VALUES ($1, jsonb_build_object($2::text, $3::numeric))
     ON CONFLICT (key) DO UPDATE
       SET value = settings.value || jsonb_build_object($2::text, coalesce((settings.value ->> $2::text)::numeric, 0) + $3::numeric),
           updated_at = now()
     RETURNING value`,
    [key, field, amount],
  )
  return row!.value
}
