import { searchKnowledge, textMatchScoring } from '../../src/knowledge/search.js'
import type { Embedder } from '../../src/providers/embeddings/embedder.js'
import type { EmbeddingRuntime } from '../../src/providers/embeddings/runtime.js'
import { findActiveSpace, nearestChunks, textMatches, type SpaceRow } from '../../src/storage/queries/knowledge.js'
import { vectorLiteral } from '../../src/storage/vector-param.js'
import type { Sql } from '../../src/storage/sql.js'
import type { EfSearchHandle } from './databases.js'
import { Budget, summarize, type Stats } from './measure.js'

/** The bench searches without a language filter, so the question is stemmed in every configuration. */
export const allTextConfigs = ['german', 'english', 'simple']

/** The bare pgvector kNN the brief compares against: the indexed expression, nothing joined. */
export const bareKnnSql = (dims: number) =>
  `SELECT chunk_id FROM kb_chunk_embeddings WHERE space_id = $2 ORDER BY embedding::vector(${dims}) <=> $1::vector(${dims}) LIMIT 10`

/** The hybrid search's two legs as it calls them: 40 candidates each (max(40, 4k) for k = 5). */
export const candidates = 40

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
  /** Milliseconds per operation at the session's (default) ef_search; hybrid = searchKnowledge(k=5) end to end. */
  stats: Record<Operation, Stats | null>
  hybridOverBareKnn: number | null
  sessionEfSearch: number
  /** The hybrid search and the bare kNN at each ef_search measured, interleaved query by query. */
  byEfSearch: EfSearchLatency[]
  /** The bare kNN's ids per ef_search and query, reused as the HNSW side of the recall measurement. */
  knnIds: Map<number, string[][]>
}

export interface EfSearchLatency {
  efSearch: number
  hybrid: Stats | null
  bareKnn: Stats | null
  /** Hybrid p50 over bare kNN p50, both at this ef_search. */
  ratio: number | null
}

type Operation = 'hybrid' | 'bareKnn' | 'embedQuery' | 'vectorLeg' | 'textLeg'

interface Step {
  name: string
  handle: EfSearchHandle
  run: (query: QueryCase) => Promise<unknown>
}

export async function prepareQueries(embedder: Embedder, texts: string[], purpose: 'query' | 'passage' = 'query'): Promise<QueryCase[]> {
  const vectors = await embedder.embed(texts, { purpose })
  return texts.map((text, index) => ({ text, vector: vectors[index]!, literal: vectorLiteral(vectors[index]!) }))
}

/**
 * Runs every query through each operation, rotating the order per query so no operation always
 * profits from the caches the previous one warmed. The hybrid search and the bare kNN run at every
 * ef_search in `handles` (the session's among them); the legs and the embedding at the session's.
 */
export async function measureLatency(
  embeddings: EmbeddingRuntime,
  space: SpaceRow,
  handles: EfSearchHandle[],
  sessionEfSearch: number,
  cases: { queries: QueryCase[]; warmup: QueryCase[] },
  budget: Budget,
): Promise<LatencyResult> {
  const session = handles.find((handle) => handle.efSearch === sessionEfSearch)
  if (!session) throw new Error(`ef_search ${sessionEfSearch} (the session's) is not among the measured values`)
  const textLeg = await serviceTextLeg(session.sql)
  const steps: Step[] = handles.flatMap((handle) => [
    {
      name: `hybrid@${handle.efSearch}`,
      handle,
      run: (query: QueryCase) => searchKnowledge({ sql: handle.sql, embeddings }, { q: query.text, k: 5 }),
    },
    {
      name: `bareKnn@${handle.efSearch}`,
      handle,
      run: (query: QueryCase) => handle.sql.query<{ chunk_id: string }>(bareKnnSql(space.dimensions), [query.vector, space.id]),
    },
  ])
  steps.push(
    { name: 'embedQuery', handle: session, run: (query) => embeddings.target.embed([query.text], { purpose: 'query' }) },
    { name: 'vectorLeg', handle: session, run: (query) => nearestChunks(session.sql, space, query.vector, candidates, {}) },
    { name: 'textLeg', handle: session, run: textLeg },
  )
  for (const query of cases.warmup) for (const step of steps) await step.handle.prepare().then(() => step.run(query))
  const samples = new Map(steps.map((step) => [step.name, [] as number[]]))
  const knnIds = new Map(handles.map((handle) => [handle.efSearch, [] as string[][]]))
  let measured = 0
  for (const [index, query] of cases.queries.entries()) {
    if (budget.expired) break
    for (let offset = 0; offset < steps.length; offset++) {
      const step = steps[(index + offset) % steps.length]!
      await step.handle.prepare()
      const start = performance.now()
      const rows = await step.run(query)
      samples.get(step.name)!.push(performance.now() - start)
      if (step.name.startsWith('bareKnn@'))
        knnIds.get(step.handle.efSearch)![index] = (rows as Array<{ chunk_id: string }>).map((row) => row.chunk_id)
    }
    measured++
  }
  const stat = (name: string) => summarize(samples.get(name)!)
  const ratio = (hybrid: Stats | null, bare: Stats | null) => (hybrid && bare ? Math.round((hybrid.p50 / bare.p50) * 100) / 100 : null)
  const byEfSearch = handles.map(({ efSearch }) => {
    const hybrid = stat(`hybrid@${efSearch}`)
    const bareKnn = stat(`bareKnn@${efSearch}`)
    return { efSearch, hybrid, bareKnn, ratio: ratio(hybrid, bareKnn) }
  })
  const atSession = byEfSearch.find((entry) => entry.efSearch === sessionEfSearch)!
  const complete = measured === cases.queries.length
  return {
    complete,
    ...(complete ? {} : { note: `budget ran out after ${measured} of ${cases.queries.length} queries` }),
    queries: measured,
    warmup: cases.warmup.length,
    stats: {
      hybrid: atSession.hybrid,
      bareKnn: atSession.bareKnn,
      embedQuery: stat('embedQuery'),
      vectorLeg: stat('vectorLeg'),
      textLeg: stat('textLeg'),
    },
    hybridOverBareKnn: atSession.ratio,
    sessionEfSearch,
    byEfSearch,
    knnIds,
  }
}

/** How many chunks each query's full-text condition matches: what ts_rank has to score before the LIMIT. */
export async function countTextMatches(sql: Sql, queries: QueryCase[]): Promise<number[]> {
  const counts: number[] = []
  for (const query of queries) {
    const [row] = await sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM kb_chunks, kb_text_query($1, $2::regconfig[]) AS q WHERE fts @@ q',
      [query.text, allTextConfigs],
    )
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
    textLeg: await captureStatement(sql, async (capture) => (await serviceTextLeg(sql, capture))(query)),
  }
  const plans: Record<string, string> = {}
  for (const [name, { text, params }] of Object.entries(statements)) {
    const rows = await sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params)
    // A 1024-number vector literal would drown the plan.
    plans[name] = rows.map((row) => row['QUERY PLAN'].replace(/'\[[^\]]{80,}\]'/g, "'[query vector]'")).join('\n')
  }
  return plans
}

/** The full-text leg as searchKnowledge calls it in the active space: scoring matches for the vector list unless the space is small. */
async function serviceTextLeg(sql: Sql, runOn: Sql = sql): Promise<(query: QueryCase) => Promise<unknown>> {
  const active = await findActiveSpace(sql)
  if (!active) throw new Error('no active embedding space')
  return (query) => textMatches(runOn, query.text, candidates, { configs: allTextConfigs }, textMatchScoring(active, query.vector))
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
