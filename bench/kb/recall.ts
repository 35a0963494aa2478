import { fuse, knnOptions, rankArticles, searchLegs, textList, vectorCandidates, type SearchHit } from '../../src/knowledge/search.js'
import { findActiveSpace, nearestChunks, type ActiveSpaceRow, type SpaceRow } from '../../src/storage/queries/knowledge.js'
import type { Sql } from '../../src/storage/sql.js'
import { Budget, summarize, type Stats } from './measure.js'
import { allTextConfigs, bareKnnSql, candidates, type QueryCase } from './search.js'

/** Mean recall@10 and bare-kNN latency at one hnsw.ef_search. */
export interface RecallAt {
  efSearch: string
  recall: number | null
  /**
   * ann-benchmarks' "epsilon recall" (ε = 0.01): the share of the 10 answers no farther than 1.01 × the
   * exact 10th distance. Where many chunks are almost as near as the 10th, any of them is as good an answer.
   */
  epsilonRecall: number | null
  /** Latency of the bare kNN at this ef_search, measured in the recall loop (not interleaved). */
  knnMs: Stats | null
}

/** Recall of one query set at the session's ef_search, with how far the 10th neighbour stands out. */
export interface QuerySetRecall {
  queries: number
  recall: number | null
  epsilonRecall: number | null
  /** Median over queries of (mean distance to 500 random chunks) / (exact 10th distance): 1 = no nearer than any chunk. */
  contrast: number | null
  /** The same queries at every ef_search of the latency run (set with SET LOCAL), so the curve shows where the index reaches a recall. */
  byEfSearch: RecallAt[]
}

export interface RecallResult {
  complete: boolean
  note?: string
  queries: number
  /** At the session's ef_search (KB_HNSW_EF_SEARCH's default), from the latency run's bare kNN answers. */
  session: RecallAt
  /** At every ef_search of the latency run, from its bare kNN answers (latencies are in the latency result). */
  byEfSearch: RecallAt[]
  /** At other ef_search values, set with SET LOCAL in the recall loop: 40 is pgvector's default. */
  others: RecallAt[]
  /** The customer questions' contrast (see QuerySetRecall). */
  contrast: number | null
  /**
   * Chunks of articles that are not in the knowledge base, embedded as passages, as queries: the way
   * ANN benchmarks hold out part of the data. Short questions lie away from the passages in the
   * hashing space, which is the harder case for a graph index.
   */
  heldOut: QuerySetRecall | null
  /**
   * What an agent sees: the hybrid search's top 5 articles as the service ranks them (the HNSW answers
   * and the full-text matches re-ranked by exact similarity) against the same fusion with an exact
   * vector leg (same full-text leg), as the mean share of articles in common.
   */
  hybridTop5Agreement: number | null
  /** The same with the HNSW answers alone as the vector list (the service before the re-ranking). */
  hybridTop5AgreementHnswOnly: number | null
  /** recall@10 of the service's vector list (HNSW answers and full-text matches by exact similarity) against exact search. */
  vectorListRecall: number | null
  /** Questions for which the search ran its wider kNN (few full-text matches). */
  widenedSearches?: number
  /** Queries whose 10th and 11th exact neighbours are equally far: there, either id is a right answer. */
  exactTiesAt10: number
  /** Milliseconds of one exact (sequential-scan) query. */
  exactMs: Stats | null
  exactPlan: string
}

/** Exact top 11 with distances: the same ORDER BY, run with index scans disabled for its transaction. */
const exactSql = (dims: number) =>
  `SELECT chunk_id, embedding::vector(${dims}) <=> $1::vector(${dims}) AS distance FROM kb_chunk_embeddings WHERE space_id = $2 ORDER BY embedding::vector(${dims}) <=> $1::vector(${dims}) LIMIT 11`

const distancesSql = (dims: number) =>
  `SELECT chunk_id, embedding::vector(${dims}) <=> $1::vector(${dims}) AS distance FROM kb_chunk_embeddings WHERE space_id = $2 AND chunk_id = ANY($3::uuid[])`

const otherEfSearch = [40]
const epsilon = 0.01
const contrastSample = 500

interface Truth {
  ids: Set<string>
  tenth: number
  tied: boolean
}

/** Recall figures of the HNSW answers (from the latency run, and at pgvector's default ef_search) against exact search. */
export async function measureRecall(
  sql: Sql,
  space: SpaceRow,
  cases: { queries: QueryCase[]; heldOut: QueryCase[] },
  knnIdsByEf: Map<number, string[][]>,
  budget: Budget,
): Promise<RecallResult> {
  const dims = space.dimensions
  const { queries } = cases
  const [session] = await sql.query<{ ef: string }>(`SELECT current_setting('hnsw.ef_search') AS ef`)
  const knnIds = knnIdsByEf.get(Number(session!.ef))
  if (!knnIds) throw new Error(`no latency-run answers at the session's ef_search ${session!.ef}`)
  const exactScan = <T>(fn: (tx: Sql) => Promise<T>) => withSettings(sql, 'SET LOCAL enable_indexscan = off', fn)
  const exactPlan = await exactScan(async (tx) =>
    (await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${exactSql(dims)}`, [queries[0]!.literal, space.id]))
      .map((row) => row['QUERY PLAN'])
      .join('\n'),
  )
  const sample = await randomChunkIds(sql, space)
  const active = await findActiveSpace(sql)
  if (active?.id !== space.id) throw new Error(`the benchmark's space ${space.id} is not the active one`)
  const truthOf = async (query: QueryCase): Promise<Truth> => {
    const exact = await exactScan((tx) => tx.query<{ chunk_id: string; distance: number }>(exactSql(dims), [query.literal, space.id]))
    const tenth = exact[Math.min(9, exact.length - 1)]?.distance ?? 0
    return {
      ids: new Set(exact.slice(0, 10).map((row) => row.chunk_id)),
      tenth,
      tied: !!exact[10] && Math.abs(exact[10].distance - tenth) < 1e-9,
    }
  }
  const score = async (query: QueryCase, truth: Truth, ids: string[]) => {
    const rows = await sql.query<{ chunk_id: string; distance: number }>(distancesSql(dims), [query.literal, space.id, ids])
    const near = rows.filter((row) => row.distance <= truth.tenth * (1 + epsilon) + 1e-9).length
    return {
      recall: ids.filter((id) => truth.ids.has(id)).length / Math.max(1, truth.ids.size),
      epsilon: near / Math.max(1, truth.ids.size),
    }
  }
  const contrastOf = async (query: QueryCase, truth: Truth) => {
    const [row] = await sql.query<{ mean: number }>(
      `SELECT avg(embedding::vector(${dims}) <=> $1::vector(${dims}))::float8 AS mean FROM kb_chunk_embeddings WHERE space_id = $2 AND chunk_id = ANY($3::uuid[])`,
      [query.literal, space.id, sample],
    )
    return truth.tenth > 0 ? row!.mean / truth.tenth : Number.NaN
  }

  const recalls = new Map<string, { recall: number[]; epsilon: number[] }>()
  const at = (ef: string) => recalls.get(ef) ?? recalls.set(ef, { recall: [], epsilon: [] }).get(ef)!
  const knnMs = new Map<string, number[]>(otherEfSearch.map((ef) => [String(ef), []]))
  const exactMs: number[] = []
  const contrasts: number[] = []
  const agreements: Agreement[] = []
  let ties = 0
  let measured = 0
  for (const [index, query] of queries.entries()) {
    if (budget.expired || !knnIds[index]) break
    const start = performance.now()
    const truth = await truthOf(query)
    exactMs.push(performance.now() - start)
    if (truth.tied) ties++
    for (const [ef, ids] of knnIdsByEf) {
      const { recall, epsilon: near } = await score(query, truth, ids[index]!)
      at(String(ef)).recall.push(recall)
      at(String(ef)).epsilon.push(near)
    }
    for (const ef of otherEfSearch) {
      const ids = await withSettings(sql, `SET LOCAL hnsw.ef_search = ${ef}`, async (tx) => {
        const began = performance.now()
        const rows = await tx.query<{ chunk_id: string }>(bareKnnSql(dims), [query.literal, space.id])
        knnMs.get(String(ef))!.push(performance.now() - began)
        return rows.map((row) => row.chunk_id)
      })
      const { recall, epsilon: near } = await score(query, truth, ids)
      at(String(ef)).recall.push(recall)
      at(String(ef)).epsilon.push(near)
    }
    contrasts.push(await contrastOf(query, truth))
    agreements.push(await hybridAgreement(sql, active, query))
    measured++
  }
  const heldOut = await measureHeldOut(
    sql,
    space,
    cases.heldOut,
    [...knnIdsByEf.keys()],
    Number(session!.ef),
    { truthOf, score, contrastOf },
    budget,
  )
  const recallAt = (ef: string, ms: Stats | null = null): RecallAt => ({
    efSearch: ef,
    recall: mean(at(ef).recall),
    epsilonRecall: mean(at(ef).epsilon),
    knnMs: ms,
  })
  const complete = measured === queries.length && heldOut.queries === cases.heldOut.length
  return {
    complete,
    ...(complete
      ? {}
      : {
          note: `budget ran out after ${measured} of ${queries.length} questions and ${heldOut.queries} of ${cases.heldOut.length} held-out chunks`,
        }),
    queries: measured,
    session: recallAt(session!.ef),
    byEfSearch: [...knnIdsByEf.keys()].map((ef) => recallAt(String(ef))),
    others: otherEfSearch.map((ef) => recallAt(String(ef), summarize(knnMs.get(String(ef))!))),
    contrast: median(contrasts),
    heldOut,
    hybridTop5Agreement: mean(agreements.map((agreement) => agreement.service)),
    hybridTop5AgreementHnswOnly: mean(agreements.map((agreement) => agreement.hnswOnly)),
    vectorListRecall: mean(agreements.map((agreement) => agreement.vectorListRecall)),
    widenedSearches: agreements.filter((agreement) => agreement.widened).length,
    exactTiesAt10: ties,
    exactMs: summarize(exactMs),
    exactPlan,
  }
}

async function measureHeldOut(
  sql: Sql,
  space: SpaceRow,
  heldOut: QueryCase[],
  efValues: number[],
  sessionEf: number,
  measure: {
    truthOf: (query: QueryCase) => Promise<Truth>
    score: (query: QueryCase, truth: Truth, ids: string[]) => Promise<{ recall: number; epsilon: number }>
    contrastOf: (query: QueryCase, truth: Truth) => Promise<number>
  },
  budget: Budget,
): Promise<QuerySetRecall> {
  const contrasts: number[] = []
  // The session's ef_search is one point of the curve; its figures are the headline ones.
  const byEf = new Map([...new Set([...efValues, sessionEf])].map((ef) => [ef, { recall: [] as number[], epsilon: [] as number[] }]))
  for (const query of heldOut) {
    if (budget.expired) break
    const truth = await measure.truthOf(query)
    contrasts.push(await measure.contrastOf(query, truth))
    for (const [ef, figures] of byEf) {
      const ids = await withSettings(sql, `SET LOCAL hnsw.ef_search = ${ef}`, async (tx) =>
        (await tx.query<{ chunk_id: string }>(bareKnnSql(space.dimensions), [query.literal, space.id])).map((row) => row.chunk_id),
      )
      const atEf = await measure.score(query, truth, ids)
      figures.recall.push(atEf.recall)
      figures.epsilon.push(atEf.epsilon)
    }
  }
  const atSession = byEf.get(sessionEf)!
  return {
    queries: atSession.recall.length,
    recall: mean(atSession.recall),
    epsilonRecall: mean(atSession.epsilon),
    contrast: median(contrasts),
    byEfSearch: efValues.map((ef) => ({
      efSearch: String(ef),
      recall: mean(byEf.get(ef)!.recall),
      epsilonRecall: mean(byEf.get(ef)!.epsilon),
      knnMs: null,
    })),
  }
}

interface Agreement {
  service: number
  hnswOnly: number
  vectorListRecall: number
  /** The search ran its wider kNN (few full-text matches). */
  widened: boolean
}

/** Share of the top 5 articles the fused search shows that it would also show with an exact vector leg. */
async function hybridAgreement(sql: Sql, space: ActiveSpaceRow, query: QueryCase): Promise<Agreement> {
  // The legs as searchKnowledge runs them (scored text matches, the wider kNN when they are few).
  const {
    nearest: approximate,
    matches,
    widened,
  } = await searchLegs(sql, query.text, { space, vector: query.vector }, candidates, { configs: allTextConfigs })
  // The HNSW answers as the search's first kNN gets them (wider in a large space), without the text matches.
  const hnswAnswers = await nearestChunks(sql, space, query.vector, candidates, {}, knnOptions(space))
  const exact = await withSettings(sql, 'SET LOCAL enable_indexscan = off', (tx) => nearestChunks(tx, space, query.vector, candidates, {}))
  const top = (hits: SearchHit[]) => hits.slice(0, 5).map((hit) => hit.articleId)
  // The exact top 40 is already the best of any union, so the service's ranking of it is the truth.
  const truth = new Set(top(rankArticles(exact, matches, candidates)))
  const share = (ids: string[]) => (truth.size ? ids.filter((id) => truth.has(id)).length / truth.size : 1)
  const exactTen = new Set(exact.slice(0, 10).map((row) => row.chunk_id))
  return {
    service: share(top(rankArticles(approximate, matches, candidates))),
    hnswOnly: share(top(fuse(hnswAnswers, textList(matches, candidates)))),
    vectorListRecall:
      vectorCandidates(approximate, matches, candidates)
        .slice(0, 10)
        .filter((row) => exactTen.has(row.chunk_id)).length / Math.max(1, exactTen.size),
    widened,
  }
}

/** A fixed sample of chunk ids to measure a query's distance to "any chunk". */
async function randomChunkIds(sql: Sql, space: SpaceRow): Promise<string[]> {
  const rows = await sql.query<{ chunk_id: string }>(
    `SELECT chunk_id FROM kb_chunk_embeddings WHERE space_id = $1 ORDER BY md5(chunk_id::text) LIMIT ${contrastSample}`,
    [space.id],
  )
  return rows.map((row) => row.chunk_id)
}

function withSettings<T>(sql: Sql, settings: string, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return sql.transaction(async (tx) => {
    await tx.exec(settings)
    return fn(tx)
  })
}

function mean(values: number[]): number | null {
  return values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 1000) / 1000 : null
}

function median(values: number[]): number | null {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b)
  return finite.length ? Math.round(finite[Math.floor(finite.length / 2)]! * 1000) / 1000 : null
}
