import { parseConfig } from '../src/config.js'
import type { Deps } from '../src/deps.js'
import { ensureSpace } from '../src/knowledge/spaces.js'
import { createMemoryLogger } from '../src/logger.js'
import { createHashingEmbedder } from '../src/providers/embeddings/hashing.js'
import { createEmbeddingRuntime } from '../src/providers/embeddings/runtime.js'
import { migrate } from '../src/storage/migrate.js'
import { loadMigrationFiles } from '../src/platform/node/storage/migration-files.js'
import { createPgliteSql, type PgliteSql } from '../src/platform/node/storage/pglite.js'
import * as knowledgeQueries from '../src/storage/queries/knowledge.js'
import { createDepartmentClassifier } from '../src/triage/classifier-service.js'
import { createEscalationDetector } from '../src/triage/escalation/detector-service.js'
import { readEscalationCorpus } from '../src/platform/node/knowledge-import/read-files.js'
import { createFileModelStore, modelCacheFolder } from '../src/platform/node/model-file-store.js'
import { createNodeOutboundGuard } from '../src/platform/node/node-outbound.js'
import { createEphemeralSecretBox } from '../src/secrets/secret-box.js'

/** The eval's dependency bundle: the PGlite handle is kept so a run can dump and reload it. */
export type EvalDeps = Deps & { sql: PgliteSql }

/**
 * The service as the eval measures it: a fresh in-memory PGlite, migrated, the hashing embedder, no
 * LLM (the rules decide), default settings. `loadDataDir` starts from a dump of an earlier one instead.
 */
export async function createEvalDeps(options: { loadDataDir?: Blob } = {}): Promise<EvalDeps> {
  const config = parseConfig({})
  const sql = await createPgliteSql(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {})
  const migrations = await loadMigrationFiles()
  if (!options.loadDataDir) await migrate(sql, migrations)
  const embeddings = createEmbeddingRuntime(createHashingEmbedder(config.embeddings.hashingDimensions), {
    requested: 'hashing',
    provider: 'hashing',
    reason: 'configured',
  })
  await ensureSpace(sql, embeddings.target.space)
  return {
    config,
    sql,
    logger: createMemoryLogger(),
    clock: { now: () => new Date() },
    migrations,
    secrets: await createEphemeralSecretBox(),
    startup: { phase: 'ready' },
    embeddings,
    classifier: createDepartmentClassifier(),
    escalation: createEscalationDetector({
      readCorpus: readEscalationCorpus,
      store: createFileModelStore(modelCacheFolder, { copyCachedToDatabase: false }),
    }),
    llm: undefined,
    outbound: createNodeOutboundGuard(config.outbound),
  }
}

/**
 * Runs a bulk load with the HNSW indexes dropped, then lets ensureSpaceIndexes (the service's own
 * definition) build them again once. PGlite inserts into an HNSW graph row by row at a few dozen
 * vectors a second; building the same index over the loaded rows is many times faster. The graph
 * differs only as any two HNSW builds do.
 */
export async function loadWithoutVectorIndexes<T>(deps: EvalDeps, load: () => Promise<T>): Promise<T> {
  const space = await knowledgeQueries.findActiveSpace(deps.sql)
  if (!space) throw new Error('no active embedding space')
  const indexes = await deps.sql.query<{ name: string }>(`SELECT indexname AS name FROM pg_indexes WHERE indexdef ILIKE '%USING hnsw%'`)
  for (const { name } of indexes) await deps.sql.exec(`DROP INDEX ${name}`)
  try {
    return await load()
  } finally {
    await knowledgeQueries.ensureSpaceIndexes(deps.sql, space)
  }
}

/** Trains the classifier on the stored examples now, so no measured inquiry waits for it. */
export async function trainClassifier(deps: EvalDeps): Promise<void> {
  const active = await knowledgeQueries.findActiveSpace(deps.sql)
  if (!active) throw new Error('no active embedding space')
  await deps.classifier.refresh(deps, active)
}

/**
 * Serves a repeated, identical SELECT from the rows of its first run until clear(). The eval's k = 5
 * search repeats the statements triage's own retrieval just ran (same text, vector and filters), so
 * they cost nothing twice. Only for phases that do not write: nothing here notices a write.
 */
export function withReadMemo(sql: PgliteSql): PgliteSql & { clear(): void } {
  const memo = new Map<string, Promise<unknown[]>>()
  return {
    ...sql,
    query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
      if (!/^\s*SELECT\b/i.test(text)) return sql.query<T>(text, params)
      const key = `${text}\u0000${JSON.stringify(params ?? [])}`
      let rows = memo.get(key)
      if (!rows) {
        rows = sql.query(text, params)
        memo.set(key, rows)
        rows.catch(() => memo.delete(key))
      }
      return rows as Promise<T[]>
    },
    clear: () => memo.clear(),
  }
}
