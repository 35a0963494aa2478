// A generic search for a person's traces: every text-like column (text, varchar, json, jsonb, arrays,
// tsvector) of every table in the schema, so a table or column added later is searched without anyone
// listing it here.
import type { Sql } from '../../src/storage/sql.js'

const textLike = ['text', 'character varying', 'jsonb', 'json', 'ARRAY', 'tsvector']

/** "table.column" → rows whose value contains any needle (case-insensitive); only columns with hits. */
export async function findTraces(sql: Sql, needles: readonly string[]): Promise<Record<string, number>> {
  const columns = await sql.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = current_schema() AND c.data_type = ANY($1::text[])
      ORDER BY c.table_name, c.column_name`,
    [textLike],
  )
  const patterns = needles.map((needle) => `%${needle.toLowerCase()}%`)
  const hits: Record<string, number> = {}
  for (const { table_name: table, column_name: column } of columns) {
    const [row] = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${table}" WHERE lower("${column}"::text) LIKE ANY($1::text[])`,
      [patterns],
    )
    if (row!.n > 0) hits[`${table}.${column}`] = row!.n
  }
  return hits
}
