import type { Deps } from '../deps.js'
import type { Embedder } from '../providers/embeddings/embedder.js'
import * as exampleQueries from '../storage/queries/examples.js'
import * as queries from '../storage/queries/knowledge.js'
import type { Sql } from '../storage/sql.js'
import { embeddingText } from './ingest.js'
import { ensureSpace } from './spaces.js'

export interface ReindexProgress {
  space: string
  embedded: number
  total: number
}

/** One kind of row that carries vectors: how to find rows missing from a space and fill them in. */
interface VectorSource {
  name: string
  /** Embeds and stores one batch of rows missing from the space; returns how many it did (0 = done). */
  fillBatch(sql: Sql, embedder: Embedder, batchSize: number, signal: AbortSignal | undefined): Promise<number>
}

const chunks: VectorSource = {
  name: 'knowledge chunks',
  async fillBatch(sql, embedder, batchSize, signal) {
    const batch = await queries.findUnembeddedChunks(sql, embedder.id, batchSize)
    if (batch.length === 0) return 0
    const texts = batch.map((chunk) => embeddingText(chunk.title, { headingPath: chunk.heading_path, content: chunk.content }))
    const vectors = await embedder.embed(texts, { purpose: 'passage', ...(signal ? { signal } : {}) })
    await queries.insertEmbeddings(
      sql,
      embedder.id,
      batch.map((chunk, i) => ({ chunkId: chunk.id, language: chunk.language, department: chunk.department, vector: vectors[i]! })),
    )
    return batch.length
  },
}

const examples: VectorSource = {
  name: 'training examples',
  async fillBatch(sql, embedder, batchSize, signal) {
    const batch = await exampleQueries.findUnembeddedExamples(sql, embedder.id, batchSize)
    if (batch.length === 0) return 0
    const vectors = await embedder.embed(
      batch.map((example) => example.text),
      { purpose: 'query', ...(signal ? { signal } : {}) },
    )
    await exampleQueries.insertExampleEmbeddings(
      sql,
      embedder.id,
      batch.map((example, i) => ({ exampleId: example.id, department: example.department, vector: vectors[i]! })),
    )
    return batch.length
  },
}

/**
 * Fills the target space with vectors for every knowledge chunk and training example that lacks one,
 * batch by batch, then makes it the active space. Until then searches and the classifier keep using
 * the old space, so there is no downtime. Safe to run in several processes at once (inserts are
 * idempotent) and to resume after an interruption.
 */
export async function reindexKnowledge(
  deps: Pick<Deps, 'sql' | 'embeddings' | 'logger'>,
  options: { batchSize?: number; signal?: AbortSignal; onProgress?: (progress: ReindexProgress) => void } = {},
): Promise<{ space: string; embedded: number; activated: boolean }> {
  const target = deps.embeddings.target
  const space = await ensureSpace(deps.sql, target.space)
  const batchSize = options.batchSize ?? 64
  let embedded = 0
  for (const source of [chunks, examples]) {
    for (;;) {
      options.signal?.throwIfAborted()
      const done = await source.fillBatch(deps.sql, target, batchSize, options.signal)
      if (done === 0) break
      embedded += done
      if (source === chunks) {
        const coverage = await queries.countSpaceCoverage(deps.sql, target.id)
        options.onProgress?.({ space: target.id, embedded: coverage.embedded, total: coverage.chunks })
      }
    }
  }
  const activated = space.status !== 'active'
  if (activated) {
    await queries.activateSpace(deps.sql, target.id)
    deps.embeddings.forgetActiveSpace()
    deps.logger.info({ space: target.id, embedded }, 'embedding space complete and now active')
  }
  return { space: target.id, embedded, activated }
}
