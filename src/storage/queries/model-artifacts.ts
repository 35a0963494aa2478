import type { Sql } from '../sql.js'

export type ModelKind = 'department' | 'escalation'

/** Which model: its kind, and for a department model the embedding space it was calibrated in. */
export interface ArtifactScope {
  kind: ModelKind
  /** Department models only; escalation models are not tied to a space. */
  spaceId?: string | undefined
}

/** What a stored model was trained for, without its bytes. */
export interface ArtifactInfo {
  version: string
  stamp: string | null
  policyVersion: number | null
  createdAt: string
}

export interface ArtifactWrite extends ArtifactScope {
  version: string
  stamp: string
  policyVersion?: number | undefined
}

const columns = `version, stamp, policy_version AS "policyVersion", created_at::text AS "createdAt"`
// Escalation models have no space: coalesce lets one condition serve both kinds (and the unique index).
const inScope = `kind = $1 AND coalesce(space_id, '') = coalesce($2, '')`

/**
 * The model stored for these inputs (the stamp), of this algorithm (a version prefix such as `dept-v1:`,
 * so a build never loads a model of a format it does not read). The most recently stamped one wins.
 */
export async function findArtifactForStamp(
  sql: Sql,
  scope: ArtifactScope,
  stamp: string,
  algorithm: string,
): Promise<ArtifactInfo | undefined> {
  const [row] = await sql.query<ArtifactInfo>(
    `SELECT ${columns} FROM model_artifacts
      WHERE ${inScope} AND stamp = $3 AND starts_with(version, $4)
      ORDER BY stamped_at DESC LIMIT 1`,
    [scope.kind, scope.spaceId ?? null, stamp, algorithm],
  )
  return row
}

/** The most recently stamped model of this scope and algorithm, whatever it was trained for. */
export async function findNewestArtifact(sql: Sql, scope: ArtifactScope, algorithm: string): Promise<ArtifactInfo | undefined> {
  const [row] = await sql.query<ArtifactInfo>(
    `SELECT ${columns} FROM model_artifacts WHERE ${inScope} AND starts_with(version, $3) ORDER BY stamped_at DESC LIMIT 1`,
    [scope.kind, scope.spaceId ?? null, algorithm],
  )
  return row
}

/** A stored model's bytes by version. */
export async function readArtifact(sql: Sql, scope: ArtifactScope, version: string): Promise<Uint8Array | undefined> {
  const [row] = await sql.query<{ model: Uint8Array }>(`SELECT model FROM model_artifacts WHERE ${inScope} AND version = $3`, [
    scope.kind,
    scope.spaceId ?? null,
    version,
  ])
  return row?.model
}

/**
 * Records that a stored model fits newer inputs, without sending its bytes again (an escalation model
 * is about 15 MB). False when no such model is stored.
 */
export async function restampArtifact(sql: Sql, artifact: ArtifactWrite): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE model_artifacts SET stamp = $4, policy_version = $5, stamped_at = now()
      WHERE ${inScope} AND version = $3 RETURNING 1`,
    [artifact.kind, artifact.spaceId ?? null, artifact.version, artifact.stamp, artifact.policyVersion ?? null],
  )
  return rows.length > 0
}

// Erasure and the storing of a model take this lock, so a model trained on examples an erasure removes
// meanwhile is never stored after it (the erasure deletes the stored models; see storeArtifact).
const modelInputsLock = 74_120_903

/** Held until the caller's transaction ends. */
export async function lockModelInputs(tx: Sql): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [modelInputsLock])
}

/**
 * Stores a model (or re-stamps it when stored) and keeps the newest few of its scope for a rollback, but
 * only while `stillCurrent` holds under the inputs lock: training takes seconds, and examples erased
 * meanwhile must not come back inside a stored model. False when the inputs changed and nothing was stored.
 */
export async function storeArtifact(
  sql: Sql,
  artifact: ArtifactWrite,
  model: Uint8Array,
  stillCurrent: (tx: Sql) => Promise<boolean> = async () => true,
  keep = 3,
): Promise<boolean> {
  const scope = [artifact.kind, artifact.spaceId ?? null]
  return sql.transaction(async (tx) => {
    await lockModelInputs(tx)
    if (!(await stillCurrent(tx))) return false
    await tx.query(
      `INSERT INTO model_artifacts (kind, space_id, version, stamp, policy_version, model) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (kind, (coalesce(space_id, '')), version)
       DO UPDATE SET stamp = EXCLUDED.stamp, policy_version = EXCLUDED.policy_version, stamped_at = now()`,
      [...scope, artifact.version, artifact.stamp, artifact.policyVersion ?? null, model],
    )
    await tx.query(
      `DELETE FROM model_artifacts WHERE ${inScope}
          AND id NOT IN (SELECT id FROM model_artifacts WHERE ${inScope} ORDER BY stamped_at DESC, created_at DESC LIMIT $3)`,
      [...scope, keep],
    )
    return true
  })
}

/** Every stored model of a kind, newest first, without bytes (the CLI's summary and tests). */
export function listArtifacts(sql: Sql, kind: ModelKind): Promise<Array<ArtifactInfo & { spaceId: string | null; bytes: number }>> {
  return sql.query(
    `SELECT ${columns}, space_id AS "spaceId", octet_length(model) AS bytes FROM model_artifacts
      WHERE kind = $1 ORDER BY stamped_at DESC, created_at DESC`,
    [kind],
  )
}
