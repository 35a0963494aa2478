import type { Sql } from '../sql.js'

/** A trained detector stored by its version, so no process trains what another already trained. */
export async function findEscalationModel(sql: Sql, version: string): Promise<Uint8Array | undefined> {
  const [row] = await sql.query<{ model: Uint8Array }>('SELECT model FROM escalation_models WHERE version = $1', [version])
  return row?.model
}

/** Stores a model and drops all but the newest few (older versions are only kept for a rollback). */
export async function storeEscalationModel(sql: Sql, version: string, model: Uint8Array, keep = 3): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query('INSERT INTO escalation_models (version, model) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING', [version, model])
    await tx.query(
      `DELETE FROM escalation_models WHERE version NOT IN (SELECT version FROM escalation_models ORDER BY created_at DESC, version LIMIT $1)`,
      [keep],
    )
  })
}
