import { searchKnowledge } from '../../src/knowledge/search.js'
import type { Embedder } from '../../src/providers/embeddings/embedder.js'
import type { EmbeddingRuntime } from '../../src/providers/embeddings/runtime.js'
import { nearestChunks, textMatches, vectorLiteral, type SpaceRow } from '../../src/storage/queries/knowledge.js'
import type { Sql } from '../../src/storage/sql.js'
import { Budget, summarize, type Stats } from './measure.js'

/** The bench searches without a language filter, so the question is stemmed in every configuration. */
const allTextConfigs = ['german', 'english', 'simple']

/** The bare pgvector kNN the brief compares against: the indexed expression, nothing joined. */
export const bareKnnSql = (dims: number) =>
  `SELECT chunk_id FROM kb_chunk_embeddings WHERE space_id = $2 ORDER BY embedding::vector(${dims}) <=> $1::vector(${dims}) LIMIT 10`

/** The hybrid search's two legs as it calls them: 40 candidates each (max(40, 4k) for k = 5). */
const candidates = 40

export interface QueryCase {
  text: string
  literal: string
  vector: Float32Array
}

export interface LatencyResult {
  complete: boolean
  note?: string
  queries: number
  warmup: number
  /** Milliseconds per operation; hybrid = searchKnowledge(k=5) end to end. */
  stats: Record<Operation, Stats | null>
  hybridOverBareKnn: number | null
  /** The bare kNN's ids per query, reused as the HNSW side of the recall measurement. */
  knnIds: string[][]
}

type Operation = 'hybrid' | 'bareKnn' | 'embedQuery' | 'vectorLeg' | 'textLeg'

export async function prepareQueries(embedder: Embedder, texts: string[]): Promise<QueryCase[]> {
  const vectors = await embedder.embed(texts, { purpose: 'query' })
  return texts.map((text, index) => ({ text, vector: vectors[index]!, literal: vectorLiteral(vectors[index]!) }))
}

/**
 * Runs every query through each operation, rotating the order per query so no operation always
 * profits from the caches the previous one warmed. The legs are the hybrid search's own two queries.
 */
export async function measureLatency(
  deps: { sql: Sql; embeddings: EmbeddingRuntime },
  space: SpaceRow,
  queries: QueryCase[],
  warmup: QueryCase[],
  budget: Budget,
): Promise<LatencyResult> {
  const embedder = deps.embeddings.target
  const operations: Record<Operation, (query: QueryCase) => Promise<unknown>> = {
    hybrid: (query) => searchKnowledge(deps, { q: query.text, k: 5 }),
    bareKnn: (query) => deps.sql.query<{ chunk_id: string }>(bareKnnSql(space.dimensions), [query.literal, space.id]),
    embedQuery: (query) => embedder.embed([query.text], { purpose: 'query' }),
    vectorLeg: (query) => nearestChunks(deps.sql, space, query.vector, candidates, {}),
    textLeg: (query) => textMatches(deps.sql, query.text, candidates, { configs: allTextConfigs }),
  }
  const names = Object.keys(operations) as Operation[]
  for (const query of warmup) for (const name of names) await operations[name](query)
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Operation, number[]>
  const knnIds: string[][] = []
  let complete = true
  for (const [index, query] of queries.entries()) {
    if (budget.expired) {
      complete = false
      break
    }
    for (let step = 0; step < names.length; step++) {
      const name = names[(index + step) % names.length]!
      const start = performance.now()
      const rows = await operations[name](query)
      samples[name].push(performance.now() - start)
      if (name === 'bareKnn') knnIds[index] = (rows as Array<{ chunk_id: string }>).map((row) => row.chunk_id)
    }
  }
  const stats = Object.fromEntries(names.map((name) => [name, summarize(samples[name])])) as Record<Operation, Stats | null>
  const ratio = stats.hybrid && stats.bareKnn ? Math.round((stats.hybrid.p50 / stats.bareKnn.p50) * 100) / 100 : null
  return {
    complete,
    ...(complete ? {} : { note: `budget ran out after ${knnIds.length} of ${queries.length} queries` }),
    queries: knnIds.length,
    warmup: warmup.length,
    stats,
    hybridOverBareKnn: ratio,
    knnIds,
  }
}

/** How many chunks each query's full-text condition matches: what ts_rank has to score before the LIMIT. */
export async function countTextMatches(sql: Sql, queries: QueryCase[]): Promise<number[]> {
  const counts: number[] = []
  for (const query of queries) {
    const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM kb_chunks, kb_text_query($1, $2::regconfig[]) AS q WHERE fts @@ q', [query.text, allTextConfigs])
    counts.push(row!.n)
  }
  return counts
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the bare kNN and of the hybrid search's two legs for one query. The
 * legs' statements are captured from the real query functions, so the plans are of the exact SQL.
 */
export async function explainQueries(sql: Sql, space: SpaceRow, query: QueryCase): Promise<Record<string, string>> {
  const statements: Record<string, { text: string; params: readonly unknown[] }> = {
    bareKnn: { text: bareKnnSql(space.dimensions), params: [query.literal, space.id] },
    vectorLeg: await captureStatement(sql, (capture) => nearestChunks(capture, space, query.vector, candidates, {})),
    textLeg: await captureStatement(sql, (capture) => textMatches(capture, query.text, candidates, { configs: allTextConfigs })),
  }
  const plans: Record<string, string> = {}
  for (const [name, { text, params }] of Object.entries(statements)) {
    const rows = await sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params)
    // A 1024-number vector literal would drown the plan.
    plans[name] = rows.map((row) => row['QUERY PLAN'].replace(/'\[[^\]]{80,}\]'/g, "'[query vector]'")).join('\n')
  }
  return plans
}

/** The one statement `fn` sends, without running it. */
async function captureStatement(sql: Sql, fn: (capture: Sql) => Promise<unknown>): Promise<{ text: string; params: readonly unknown[] }> {
  let statement: { text: string; params: readonly unknown[] } | undefined
  const capture: Sql = {
    ...sql,
    query: async (text, params = []) => {
      statement = { text, params }
      return []
    },
  }
  await fn(capture)
  if (!statement) throw new Error('no statement captured')
  return statement
}
