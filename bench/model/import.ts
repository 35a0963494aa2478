import { chunkArticle } from '../../src/knowledge/chunk.js'
import { embeddingText, upsertArticles } from '../../src/knowledge/ingest.js'
import { ensureSpace } from '../../src/knowledge/spaces.js'
import { createMemoryLogger } from '../../src/logger.js'
import type { EmbeddingRuntime } from '../../src/providers/embeddings/runtime.js'
import type { Sql } from '../../src/storage/sql.js'
import { generateArticles, type SyntheticArticle } from '../kb/corpus.js'
import type { RawModel } from './floor.js'
import { sliceOf, timed } from './measure.js'

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits

export interface ImportRate {
  articles: number
  chunks: number
  /** Chunks per second through upsertArticles (chunking, embedding, writing, statistics). */
  chunksPerSecond: number
  /** Raw session.run at batch 32 over the same chunk texts ("passage: " + title, heading, content). */
  rawBatch32TextsPerSecond: number
  importOverRawBatch: number
}

/**
 * Synthetic articles (bench/kb's generator) imported through upsertArticles, a group at a time, each group beside
 * raw session.run over the same chunk texts in batches of 32, as the embedder cuts them (alternating which goes
 * first). The raw side's inputs are tokenised before the clock starts.
 */
export async function measureImport(
  sql: Sql,
  embeddings: EmbeddingRuntime,
  raw: RawModel,
  options: { chunks: number; seed?: number },
): Promise<ImportRate> {
  const deps = { sql, embeddings, logger: createMemoryLogger() }
  await ensureSpace(sql, embeddings.target.space)
  const { articles } = generateArticles(options.seed ?? 22, options.chunks)
  const groups = groupArticles(articles, 64)
  let importMs = 0
  let rawMs = 0
  let chunks = 0
  for (const [index, group] of groups.entries()) {
    const texts = group.flatMap((article) => chunkArticle(article.body).map((chunk) => embeddingText(article.title, chunk)))
    const feeds = Array.from({ length: Math.ceil(texts.length / 32) }, (_, i) =>
      raw.tokenize(sliceOf(texts, i * 32, Math.min(32, texts.length - i * 32)), 'passage'),
    )
    const floor = async () => {
      for (const feed of feeds) rawMs += await timed(() => raw.run(feed))
    }
    const ingest = async () => {
      importMs += await timed(async () => {
        const result = await upsertArticles(deps, group)
        if (result.failed.length) throw new Error(`import failed: ${result.failed[0]!.reason}`)
      })
    }
    if (index % 2 === 0) await floor().then(ingest)
    else await ingest().then(floor)
    chunks += texts.length
  }
  const chunksPerSecond = (chunks * 1000) / importMs
  const rawBatch32TextsPerSecond = (chunks * 1000) / rawMs
  return {
    articles: articles.length,
    chunks,
    chunksPerSecond: round(chunksPerSecond, 1),
    rawBatch32TextsPerSecond: round(rawBatch32TextsPerSecond, 1),
    importOverRawBatch: round(chunksPerSecond / rawBatch32TextsPerSecond, 3),
  }
}

/** Consecutive articles in groups of at least `chunks` chunks each (the last may hold fewer). */
function groupArticles(articles: SyntheticArticle[], chunks: number): SyntheticArticle[][] {
  const groups: SyntheticArticle[][] = [[]]
  let count = 0
  for (const article of articles) {
    if (count >= chunks) {
      groups.push([])
      count = 0
    }
    groups.at(-1)!.push(article)
    count += chunkArticle(article.body).length
  }
  return groups
}
