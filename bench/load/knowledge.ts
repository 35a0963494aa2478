import { refreshTextStatistics } from '../../src/knowledge/ingest.js'
import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'
import { createEmbeddingRuntime } from '../../src/providers/embeddings/runtime.js'
import * as knowledgeQueries from '../../src/storage/queries/knowledge.js'
import { defaultHnswEfSearch } from '../../src/storage/session.js'
import type { Sql } from '../../src/storage/sql.js'
import { generateArticles, generateQueries, takeChunks } from '../kb/corpus.js'
import { buildIndexes, bulkLoad, type IndexBuild, type IngestOutcome } from '../kb/load.js'
import { Budget, createProgress, type Stats } from '../kb/measure.js'
import { measureLatency, prepareQueries } from '../kb/search.js'

/** The knowledge base the PostgreSQL server searches under load: demo articles plus synthetic ones. */
export interface KnowledgeFill {
  askedChunks: number
  chunks: number
  /** Synthetic articles in the knowledge base after this fill (the next, larger size continues from here). */
  articles: number
  bulk: IngestOutcome
  indexBuild: IndexBuild
}

/** Retrieval on that same data: searchKnowledge (hybrid, k=5) against a bare pgvector kNN, median over median. */
export interface RetrievalResult {
  chunks: number
  queries: number
  efSearch: number
  hybrid: Stats | null
  bareKnn: Stats | null
  hybridOverBareKnn: number | null
  /** The hybrid's two legs alone: nearestChunks and textMatches, 40 candidates each. */
  legs: { vector: Stats | null; text: Stats | null }
  complete: boolean
}

const seed = 20240611

/**
 * Adds synthetic articles (bench/kb's generator and bulk path: same chunker, tsvector and vectors as
 * upsertArticles) to the active space until the knowledge base holds `chunks` synthetic chunks, rebuilds
 * the indexes through the service's DDL and refreshes the statistics, as bench:kb does. Sizes grow in
 * one run: the generator is seeded, so a larger size adds the articles after the `loadedArticles`
 * a smaller one loaded (the corpus is generated for `largestChunks`, the same prefix at every size).
 */
export async function fillKnowledge(
  sql: Sql,
  options: { chunks: number; minutes: number; largestChunks?: number; loadedArticles?: number },
): Promise<KnowledgeFill> {
  const space = await knowledgeQueries.findActiveSpace(sql)
  if (!space) throw new Error('the server has no active embedding space')
  const embedder = createHashingEmbedder(space.dimensions)
  if (embedder.id !== space.id) throw new Error(`active space ${space.id} is not the hashing embedder's ${embedder.id}`)
  const { articles, counts } = generateArticles(seed, Math.max(options.chunks, options.largestChunks ?? 0))
  const from = options.loadedArticles ?? 0
  const loaded = articles.slice(0, from).reduce((sum, article) => sum + counts.get(article.externalId)!, 0)
  const adding = takeChunks(articles, counts, options.chunks - loaded, from)
  const log = createProgress('[kb]')
  const bulk = await bulkLoad(sql, embedder, space, adding, counts, new Budget(options.minutes), log)
  log(`bulk loaded ${bulk.chunks} chunks at ${bulk.chunksPerSecond} chunks/s; building indexes`, true)
  const indexBuild = await buildIndexes(sql, space, { gin: true, maintenanceWorkMem: '512MB', budget: new Budget(3) })
  log(`HNSW ${indexBuild.hnswMs} ms over ${indexBuild.vectors} vectors`, true)
  await sql.exec('VACUUM ANALYZE')
  await refreshTextStatistics(sql)
  const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM kb_chunks')
  return { askedChunks: options.chunks, chunks: row!.n, articles: from + bulk.articles, bulk, indexBuild }
}

/** bench/kb's latency measurement at the session's ef_search only, on the given (server's) data. */
export async function compareRetrieval(sql: Sql, queries: number): Promise<RetrievalResult> {
  const space = (await knowledgeQueries.findActiveSpace(sql))!
  const embedder = createHashingEmbedder(space.dimensions)
  const runtime = createEmbeddingRuntime(embedder, { requested: 'hashing', provider: 'hashing', reason: 'benchmark' })
  const cases = {
    queries: await prepareQueries(embedder, generateQueries(seed + 1, queries)),
    warmup: await prepareQueries(embedder, generateQueries(seed + 2, Math.max(5, Math.round(queries / 6)))),
  }
  const handle = { efSearch: defaultHnswEfSearch, sql, prepare: async () => {}, close: async () => {} }
  const result = await measureLatency(runtime, space, [handle], defaultHnswEfSearch, cases, new Budget(2))
  const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM kb_chunks')
  return {
    chunks: row!.n,
    queries,
    efSearch: defaultHnswEfSearch,
    hybrid: result.stats.hybrid,
    bareKnn: result.stats.bareKnn,
    hybridOverBareKnn: result.hybridOverBareKnn,
    legs: { vector: result.stats.vectorLeg, text: result.stats.textLeg },
    complete: result.complete,
  }
}
