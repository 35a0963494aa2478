import { upsertArticles, type KnowledgeDeps } from '../../src/knowledge/ingest.js'
import type { Embedder } from '../../src/providers/embeddings/embedder.js'
import { ensureSpaceIndexes, type SpaceRow } from '../../src/storage/queries/knowledge.js'
import type { Sql } from '../../src/storage/sql.js'
import { bulkLoadArticles } from './bulk-load.js'
import type { SyntheticArticle } from './corpus.js'
import { Budget, perSecond, roundMs, timed } from './measure.js'

export interface PhaseOutcome {
  complete: boolean
  note?: string
}

export interface IngestOutcome extends PhaseOutcome {
  articles: number
  chunks: number
  ms: number
  chunksPerSecond: number | null
  failed: number
}

type Log = (message: string, force?: boolean) => void
const chunkCount = (articles: SyntheticArticle[], counts: Map<string, number>) =>
  articles.reduce((sum, article) => sum + counts.get(article.externalId)!, 0)

/** The real ingest path, 100 articles per call as an import would send them; stops when the budget runs out. */
export async function ingestArticles(
  deps: KnowledgeDeps,
  articles: SyntheticArticle[],
  counts: Map<string, number>,
  budget: Budget,
  log: Log,
): Promise<IngestOutcome> {
  return (await ingestSideBySide([{ deps }], articles, counts, budget, log))[0]!
}

/** One database that ingests; `beforeBatch` runs untimed before each call. */
export interface IngestTarget {
  deps: KnowledgeDeps
  beforeBatch?: () => Promise<void>
}

/**
 * The same articles into several databases, batch by batch in turn, so a slow minute of a shared
 * machine falls on all of them alike.
 */
export async function ingestSideBySide(
  targets: IngestTarget[],
  articles: SyntheticArticle[],
  counts: Map<string, number>,
  budget: Budget,
  log: Log,
): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = targets.map(() => ({ complete: true, articles: 0, chunks: 0, ms: 0, chunksPerSecond: null, failed: 0 }))
  for (let start = 0; start < articles.length; start += 100) {
    if (budget.expired) {
      for (const outcome of outcomes) Object.assign(outcome, { complete: false, note: `stopped after ${budget.minutes} min budget` })
      break
    }
    const batch = articles.slice(start, start + 100)
    // Alternating who goes first, so neither always meets the caches (and the JIT) the other warmed.
    for (let turn = 0; turn < targets.length; turn++) {
      const index = (turn + start / 100) % targets.length
      const target = targets[index]!
      const outcome = outcomes[index]!
      await target.beforeBatch?.()
      const { ms, value } = await timed(() => upsertArticles(target.deps, batch))
      outcome.ms += ms
      outcome.failed += value.failed.length
      outcome.articles += value.created + value.updated
      outcome.chunks += chunkCount(batch, counts)
    }
    log(
      `upsertArticles ${outcomes[0]!.chunks} chunks, ${outcomes.map((outcome) => perSecond(outcome.chunks, outcome.ms)).join(' / ')} chunks/s`,
    )
  }
  for (const outcome of outcomes) {
    outcome.ms = roundMs(outcome.ms)
    outcome.chunksPerSecond = perSecond(outcome.chunks, outcome.ms)
  }
  return outcomes
}

/** Fast loading of the rest: both search indexes are dropped first and rebuilt afterwards (timed by `buildIndexes`). */
export async function bulkLoad(
  sql: Sql,
  embedder: Embedder,
  space: SpaceRow,
  articles: SyntheticArticle[],
  counts: Map<string, number>,
  budget: Budget,
  log: Log,
): Promise<IngestOutcome> {
  await sql.exec(`DROP INDEX IF EXISTS ${space.index_name}; DROP INDEX IF EXISTS kb_chunks_fts`)
  const outcome: IngestOutcome = { complete: true, articles: 0, chunks: 0, ms: 0, chunksPerSecond: null, failed: 0 }
  for (let start = 0; start < articles.length; start += 200) {
    if (budget.expired) {
      Object.assign(outcome, {
        complete: false,
        note: `stopped after ${budget.minutes} min budget: the knowledge base is smaller than asked`,
      })
      break
    }
    const batch = articles.slice(start, start + 200)
    const { ms } = await timed(() => bulkLoadArticles(sql, embedder, batch))
    outcome.ms += ms
    outcome.articles += batch.length
    outcome.chunks += chunkCount(batch, counts)
    log(`bulk ${outcome.chunks}/${chunkCount(articles, counts)} chunks`)
  }
  outcome.ms = roundMs(outcome.ms)
  outcome.chunksPerSecond = perSecond(outcome.chunks, outcome.ms)
  return outcome
}

export interface IndexBuild extends PhaseOutcome {
  hnswMs: number | null
  ginMs: number | null
  maintenanceWorkMem: string
  vectors: number
}

/**
 * (Re)builds the HNSW index through the service's own DDL (`ensureSpaceIndexes`), and the full-text GIN index
 * when it was dropped for the bulk load. On PostgreSQL a statement timeout bounds the build.
 */
export async function buildIndexes(
  sql: Sql,
  space: SpaceRow,
  options: { gin: boolean; maintenanceWorkMem: string; budget: Budget },
): Promise<IndexBuild> {
  const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM kb_chunk_embeddings WHERE space_id = $1', [space.id])
  const result: IndexBuild = { complete: true, hnswMs: null, ginMs: null, maintenanceWorkMem: options.maintenanceWorkMem, vectors: row!.n }
  const limits = async (tx: Sql) => {
    await tx.exec(`SET LOCAL maintenance_work_mem = '${options.maintenanceWorkMem}'`)
    if (sql.dialect === 'postgres') await tx.exec(`SET LOCAL statement_timeout = ${Math.max(1000, options.budget.remainingMs)}`)
  }
  try {
    if (options.gin) {
      result.ginMs = roundMs(
        (
          await timed(() =>
            sql.transaction(async (tx) => {
              await limits(tx)
              await tx.exec('CREATE INDEX IF NOT EXISTS kb_chunks_fts ON kb_chunks USING gin (fts) WITH (fastupdate = off)')
            }),
          )
        ).ms,
      )
    }
    await sql.exec(`DROP INDEX IF EXISTS ${space.index_name}`)
    result.hnswMs = roundMs(
      (
        await timed(() =>
          sql.transaction(async (tx) => {
            await limits(tx)
            await ensureSpaceIndexes(tx, space)
          }),
        )
      ).ms,
    )
  } catch (error) {
    Object.assign(result, { complete: false, note: `index build failed: ${(error as Error).message}` })
  }
  return result
}
