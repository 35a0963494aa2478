import type { Deps } from '../deps.js'
import * as queries from '../storage/queries/knowledge.js'
import { embeddingText } from './ingest.js'
import { ensureSpace } from './spaces.js'

export interface ReindexProgress {
  space: string
  embedded: number
  total: number
}

/**
 * Fills the target space with vectors for every chunk that lacks one, batch by batch, then makes it
 * the active space. Until then searches keep using the old space, so there is no downtime. Safe to
 * run in several processes at once (inserts are idempotent) and to resume after an interruption.
 */
export async function reindexKnowledge(
  deps: Pick<Deps, 'sql' | 'embeddings' | 'logger'>,
  options: { batchSize?: number; signal?: AbortSignal; onProgress?: (progress: ReindexProgress) => void } = {},
): Promise<{ space: string; embedded: number; activated: boolean }> {
  const target = deps.embeddings.target
  const space = await ensureSpace(deps.sql, target.space)
  const batchSize = options.batchSize ?? 64
  let embedded = 0
  for (;;) {
    options.signal?.throwIfAborted()
    const batch = await queries.findUnembeddedChunks(deps.sql, target.id, batchSize)
    if (batch.length === 0) break
    const vectors = await target.embed(
      batch.map((chunk) => embeddingText(chunk.title, { headingPath: chunk.heading_path, content: chunk.content })),
      { purpose: 'passage', ...(options.signal ? { signal: options.signal } : {}) },
    )
    await queries.insertEmbeddings(
      deps.sql,
      target.id,
      batch.map((chunk, index) => ({ chunkId: chunk.id, language: chunk.language, department: chunk.department, vector: vectors[index]! })),
    )
    embedded += batch.length
    const coverage = await queries.countSpaceCoverage(deps.sql, target.id)
    options.onProgress?.({ space: target.id, embedded: coverage.embedded, total: coverage.chunks })
  }
  const activated = space.status !== 'active'
  if (activated) {
    await queries.activateSpace(deps.sql, target.id)
    deps.logger.info({ space: target.id, embedded }, 'embedding space complete and now active')
  }
  return { space: target.id, embedded, activated }
}
