import { refreshTextStatistics, textStatisticsSetting } from '../../src/knowledge/ingest.js'
import { ensureSpace } from '../../src/knowledge/spaces.js'
import { createMemoryLogger } from '../../src/logger.js'
import { defaultHnswEfSearch } from '../../src/storage/session.js'
import type { Embedder } from '../../src/providers/embeddings/embedder.js'
import type { EmbeddingRuntime } from '../../src/providers/embeddings/runtime.js'
import { writeSetting } from '../../src/storage/queries/settings.js'
import type { Sql } from '../../src/storage/sql.js'
import type { BenchOptions } from './args.js'
import type { SyntheticArticle } from './corpus.js'
import type { BenchDatabase } from './databases.js'
import { buildIndexes, bulkLoad, ingestArticles, ingestSideBySide, type IndexBuild, type IngestOutcome, type IngestTarget } from './load.js'
import { Budget, createProgress, roundMs, summarize, timed, type Stats } from './measure.js'
import { measureRecall, type RecallResult } from './recall.js'
import { countTextMatches, explainQueries, measureLatency, type LatencyResult, type QueryCase } from './search.js'

/** Everything one database at one size produced; null where a phase did not run. */
export interface RunResult {
  database: string
  location: string
  targetChunks: number
  articles: number
  chunks: number
  ingest: IngestOutcome | null
  /** The same ingest, interleaved batch by batch into a second database, with the statistics refreshed after every batch (the rule before). */
  ingestRefreshEveryBatch?: IngestOutcome | null
  bulk: IngestOutcome | null
  indexBuild: IndexBuild | null
  analyzeMs: number | null
  tableSizes: Record<string, string> | null
  latency: Omit<LatencyResult, 'knnIds'> | null
  textMatchesPerQuery: Stats | null
  recall: RecallResult | null
  scaleIngest: IngestOutcome | null
  explain: Record<string, string> | null
  /** Migrations applied and the HNSW index definition: the code under test changes often. */
  schema?: { migrations: string[]; hnswIndex: string }
  error?: string
}

export interface RunInput {
  database: BenchDatabase
  /** Target number of chunks. */
  size: number
  options: BenchOptions
  runtime: EmbeddingRuntime
  /** Memoising embedder for the bulk path, so vectors are computed once per text for all runs. */
  bulkEmbedder: Embedder
  articles: SyntheticArticle[]
  counts: Map<string, number>
  /** Articles beyond the target, for timing ingest into the full knowledge base at the end. */
  extraArticles: SyntheticArticle[]
  queries: QueryCase[]
  /** Chunks of articles outside the knowledge base, embedded as passages: in-distribution recall queries. */
  heldOut: QueryCase[]
  warmup: QueryCase[]
  /** A second fresh database for the ingest comparison; absent, no comparison. */
  openBaseline?: () => Promise<BenchDatabase>
}

/** One database at one size, phase by phase; an error ends the run but keeps what was measured. */
export async function runBenchmark(input: RunInput): Promise<RunResult> {
  const { database, articles, counts } = input
  const log = createProgress(`[${database.name} ${input.size}]`)
  const result: RunResult = {
    database: database.name,
    location: database.location,
    targetChunks: input.size,
    articles: articles.length,
    chunks: articles.reduce((sum, article) => sum + counts.get(article.externalId)!, 0),
    ingest: null,
    bulk: null,
    indexBuild: null,
    analyzeMs: null,
    tableSizes: null,
    latency: null,
    textMatchesPerQuery: null,
    recall: null,
    scaleIngest: null,
    explain: null,
  }
  try {
    await runPhases(input, result, log)
  } catch (error) {
    log(`failed: ${(error as Error).stack}`, true)
    result.error = (error as Error).message
  }
  return result
}

async function runPhases(input: RunInput, result: RunResult, log: (message: string, force?: boolean) => void): Promise<void> {
  const { database, options, articles, counts } = input
  const sql = database.sql
  const deps = { sql, embeddings: input.runtime, logger: createMemoryLogger() }
  const space = await ensureSpace(sql, input.runtime.target.space)
  let real = 0
  let realChunks = 0
  while (real < articles.length && realChunks < options.ingestChunks) realChunks += counts.get(articles[real++]!.externalId)!
  log(
    `ingesting ${realChunks} chunks through upsertArticles${input.openBaseline ? ', side by side with a refresh after every batch' : ''}`,
    true,
  )
  const baseline = input.openBaseline ? await input.openBaseline() : undefined
  try {
    const targets: IngestTarget[] = [{ deps }]
    if (baseline) {
      const baselineDeps = { ...deps, sql: baseline.sql }
      await ensureSpace(baseline.sql, input.runtime.target.space)
      // The previous rule (statistics refreshed after every call that changed 20 or more articles): a
      // setting that says "never refreshed" makes the current rule refresh after every batch too.
      targets.push({ deps: baselineDeps, beforeBatch: () => writeSetting(baseline.sql, textStatisticsSetting, { written: 0 }) })
    }
    const outcomes = await ingestSideBySide(targets, articles.slice(0, real), counts, new Budget(options.maxMinutes), log)
    result.ingest = outcomes[0]!
    result.ingestRefreshEveryBatch = outcomes[1] ?? null
  } finally {
    await baseline?.close()
  }
  const rest = articles.slice(real)
  if (rest.length) {
    log(`bulk loading ${rest.length} more articles`, true)
    result.bulk = await bulkLoad(sql, input.bulkEmbedder, space, rest, counts, new Budget(options.maxMinutes), log)
  }
  log('building indexes', true)
  result.indexBuild = await buildIndexes(sql, space, {
    gin: rest.length > 0,
    maintenanceWorkMem: options.maintenanceWorkMem,
    budget: new Budget(options.maxMinutes),
  })
  log(`HNSW build ${result.indexBuild.hnswMs} ms over ${result.indexBuild.vectors} vectors`, true)
  if (!result.indexBuild.complete) return
  // PGlite has no autovacuum; on both, searches should see statistics as a settled installation has them.
  result.analyzeMs = roundMs(
    (
      await timed(async () => {
        await sql.exec('VACUUM ANALYZE')
        await refreshTextStatistics(sql) // what the service runs after bulk writes (the full-text leg reads these statistics)
      })
    ).ms,
  )
  result.schema = await readSchemaFacts(sql, space.index_name)
  result.tableSizes = await readTableSizes(sql, space.index_name)
  result.chunks = (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM kb_chunks'))[0]!.n
  log(`searching (${input.queries.length} queries after ${input.warmup.length} warm-up) at ef_search ${options.efSearch.join(', ')}`, true)
  const handles = await Promise.all(options.efSearch.map((ef) => database.atEfSearch(ef)))
  let knnIds: Map<number, string[][]>
  try {
    const measured = await measureLatency(
      input.runtime,
      space,
      handles,
      defaultHnswEfSearch,
      { queries: input.queries, warmup: input.warmup },
      new Budget(options.maxMinutes),
    )
    ;({ knnIds } = measured)
    const { knnIds: _, ...latency } = measured
    result.latency = latency
  } finally {
    for (const handle of handles) await handle.close()
  }
  for (const at of result.latency.byEfSearch)
    log(`ef_search ${at.efSearch}: hybrid p50 ${at.hybrid?.p50} ms, bare kNN p50 ${at.bareKnn?.p50} ms, ratio ${at.ratio}`, true)
  const matches = await countTextMatches(sql, input.queries)
  result.textMatchesPerQuery = summarize(matches)
  result.explain = await explainQueries(sql, space, medianQuery(input.queries, matches))
  log('recall against exact search', true)
  result.recall = await measureRecall(
    sql,
    space,
    { queries: input.queries.slice(0, options.recallQueries), heldOut: input.heldOut },
    knnIds,
    new Budget(options.maxMinutes),
  )
  log(
    `recall@10 ${[...result.recall.byEfSearch, ...result.recall.others].map((at) => `${at.recall} (ε ${at.epsilonRecall}) at ef ${at.efSearch}`).join(', ')}; held-out chunks ${result.recall.heldOut?.recall} (ε ${result.recall.heldOut?.epsilonRecall}); vector list recall@10 ${result.recall.vectorListRecall}; hybrid top-5 agreement ${result.recall.hybridTop5Agreement} (HNSW alone ${result.recall.hybridTop5AgreementHnswOnly})`,
    true,
  )
  if (input.extraArticles.length) {
    result.scaleIngest = await ingestArticles(deps, input.extraArticles, counts, new Budget(options.maxMinutes), log)
    log(`ingest into the full knowledge base: ${result.scaleIngest.chunksPerSecond} chunks/s`, true)
  }
}

/** The query with the median number of full-text matches, so the EXPLAIN shows a typical plan. */
function medianQuery(queries: QueryCase[], matches: number[]): QueryCase {
  const order = matches.map((count, index) => ({ count, index })).sort((a, b) => a.count - b.count)
  return queries[order[Math.floor(order.length / 2)]!.index]!
}

async function readTableSizes(sql: Sql, hnswIndex: string): Promise<Record<string, string>> {
  const names = ['kb_articles', 'kb_chunks', 'kb_chunk_embeddings', 'kb_chunks_fts', hnswIndex]
  const rows = await sql.query<{ name: string; size: string }>(
    `SELECT n AS name, pg_size_pretty(pg_total_relation_size(n::regclass)) AS size FROM unnest($1::text[]) AS n`,
    [names],
  )
  return Object.fromEntries(rows.map((row) => [row.name === hnswIndex ? `${row.name} (HNSW)` : row.name, row.size]))
}

async function readSchemaFacts(sql: Sql, hnswIndex: string): Promise<{ migrations: string[]; hnswIndex: string }> {
  const migrations = await sql.query<{ id: string; name: string }>('SELECT id, name FROM schema_migrations ORDER BY id')
  const [index] = await sql.query<{ def: string }>(
    'SELECT indexdef AS def FROM pg_indexes WHERE indexname = $1 AND schemaname = current_schema()',
    [hnswIndex],
  )
  return { migrations: migrations.map((row) => `${row.id}_${row.name}`), hnswIndex: index?.def ?? 'missing' }
}
