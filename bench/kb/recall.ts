import type { SpaceRow } from '../../src/storage/queries/knowledge.js'
import type { Sql } from '../../src/storage/sql.js'
import { Budget, summarize, type Stats } from './measure.js'
import { bareKnnSql, type QueryCase } from './search.js'

/** Mean recall@10 and bare-kNN latency at one hnsw.ef_search. */
export interface RecallAt {
  efSearch: string
  recall: number | null
  /** Latency of the bare kNN at this ef_search, measured in the recall loop (not interleaved). */
  knnMs: Stats | null
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
  /** Queries whose 10th and 11th exact neighbours are equally far: there, either id is a right answer. */
  exactTiesAt10: number
  /** Milliseconds of one exact (sequential-scan) query. */
  exactMs: Stats | null
  exactPlan: string
}

/** Exact top 11 with distances: the same ORDER BY, run with index scans disabled for its transaction. */
const exactSql = (dims: number) =>
  `SELECT chunk_id, embedding::vector(${dims}) <=> $1::vector(${dims}) AS distance FROM kb_chunk_embeddings WHERE space_id = $2 ORDER BY embedding::vector(${dims}) <=> $1::vector(${dims}) LIMIT 11`

const otherEfSearch = [40]

/** recall@10 of the HNSW answers (from the latency run, and at pgvector's default ef_search) against exact search. */
export async function measureRecall(sql: Sql, space: SpaceRow, queries: QueryCase[], knnIdsByEf: Map<number, string[][]>, budget: Budget): Promise<RecallResult> {
  const dims = space.dimensions
  const [session] = await sql.query<{ ef: string }>(`SELECT current_setting('hnsw.ef_search') AS ef`)
  const knnIds = knnIdsByEf.get(Number(session!.ef))
  if (!knnIds) throw new Error(`no latency-run answers at the session's ef_search ${session!.ef}`)
  const withSettings = <T>(settings: string, fn: (tx: Sql) => Promise<T>) =>
    sql.transaction(async (tx) => {
      await tx.exec(settings)
      return fn(tx)
    })
  const exactPlan = await withSettings('SET LOCAL enable_indexscan = off', async (tx) =>
    (await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${exactSql(dims)}`, [queries[0]!.literal, space.id])).map((row) => row['QUERY PLAN']).join('\n'))
  const recalls = new Map<string, number[]>([...[...knnIdsByEf.keys(), ...otherEfSearch].map((ef) => [String(ef), []] as [string, number[]])])
  const knnMs = new Map<string, number[]>(otherEfSearch.map((ef) => [String(ef), []]))
  const exactMs: number[] = []
  let ties = 0
  let measured = 0
  for (const [index, query] of queries.entries()) {
    if (budget.expired || !knnIds[index]) break
    const start = performance.now()
    const exact = await withSettings('SET LOCAL enable_indexscan = off', (tx) => tx.query<{ chunk_id: string; distance: number }>(exactSql(dims), [query.literal, space.id]))
    exactMs.push(performance.now() - start)
    const truth = new Set(exact.slice(0, 10).map((row) => row.chunk_id))
    if (exact[10] && Math.abs(exact[10].distance - exact[9]!.distance) < 1e-9) ties++
    const recall = (ids: string[]) => ids.filter((id) => truth.has(id)).length / Math.max(1, truth.size)
    for (const [ef, ids] of knnIdsByEf) recalls.get(String(ef))!.push(recall(ids[index]!))
    for (const ef of otherEfSearch) {
      const ids = await withSettings(`SET LOCAL hnsw.ef_search = ${ef}`, async (tx) => {
        const began = performance.now()
        const rows = await tx.query<{ chunk_id: string }>(bareKnnSql(dims), [query.literal, space.id])
        knnMs.get(String(ef))!.push(performance.now() - began)
        return rows.map((row) => row.chunk_id)
      })
      recalls.get(String(ef))!.push(recall(ids))
    }
    measured++
  }
  const mean = (values: number[]) => (values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 1000) / 1000 : null)
  const complete = measured === queries.length
  return {
    complete,
    ...(complete ? {} : { note: `budget ran out after ${measured} of ${queries.length} queries` }),
    queries: measured,
    session: { efSearch: session!.ef, recall: mean(recalls.get(session!.ef)!), knnMs: null },
    byEfSearch: [...knnIdsByEf.keys()].map((ef) => ({ efSearch: String(ef), recall: mean(recalls.get(String(ef))!), knnMs: null })),
    others: otherEfSearch.map((ef) => ({ efSearch: String(ef), recall: mean(recalls.get(String(ef))!), knnMs: summarize(knnMs.get(String(ef))!) })),
    exactTiesAt10: ties,
    exactMs: summarize(exactMs),
    exactPlan,
  }
}
