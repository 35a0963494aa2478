import { AppError } from '../errors.js'
import * as queries from '../storage/queries/model-artifacts.js'
import type { Sql } from '../storage/sql.js'

export type { ArtifactInfo, ArtifactScope, ArtifactWrite } from '../storage/queries/model-artifacts.js'

/**
 * Where trained models are kept between processes: the model_artifacts table, the source of truth that
 * Node and Worker isolates share. Node's eval and tests put a file cache in front of it
 * (platform/node/model-file-store.ts) so throwaway databases do not train the escalation model again.
 */
export interface ModelStore {
  findForStamp(sql: Sql, scope: queries.ArtifactScope, stamp: string, algorithm: string): Promise<queries.ArtifactInfo | undefined>
  findNewest(sql: Sql, scope: queries.ArtifactScope, algorithm: string): Promise<queries.ArtifactInfo | undefined>
  read(sql: Sql, scope: queries.ArtifactScope, version: string): Promise<Uint8Array | undefined>
  /** Records that a stored model fits these inputs; false when it is not stored. */
  restamp(sql: Sql, artifact: queries.ArtifactWrite): Promise<boolean>
  /** Stores the model if `stillCurrent` (its inputs unchanged since training) holds; false when not stored. */
  save(sql: Sql, artifact: queries.ArtifactWrite, model: Uint8Array, stillCurrent?: (tx: Sql) => Promise<boolean>): Promise<boolean>
}

export const databaseModelStore: ModelStore = {
  findForStamp: queries.findArtifactForStamp,
  findNewest: queries.findNewestArtifact,
  read: queries.readArtifact,
  restamp: queries.restampArtifact,
  save: (sql, artifact, model, stillCurrent) => queries.storeArtifact(sql, artifact, model, stillCurrent),
}

/** Whether a process trains models (Node) or only loads what another one stored (a Worker isolate). */
export type TrainingMode = 'train' | 'load-only'

/** How to get a model trained where this process only loads; part of the 503 a load-only process answers. */
export const howToTrain =
  'start the Node service against this database once, or run `npm run models:train` with DATABASE_URL (and DATABASE_SCHEMA) set'

/** The 503 of a load-only process that finds no stored model at all. */
export function modelNotTrained(what: string): AppError {
  return new AppError('service_unavailable', `The ${what} is not trained yet: ${howToTrain}.`, { headers: { 'retry-after': '30' } })
}
