import { sha256Hex } from '../auth/crypto.js'
import type { Deps } from '../deps.js'
import { fieldErrorsFrom, type FieldError } from '../errors.js'
import type { Embedder } from '../providers/embeddings/embedder.js'
import * as queries from '../storage/queries/knowledge.js'
import { addToSetting, writeSetting } from '../storage/queries/settings.js'
import { ArticleInputSchema, textSearchConfig, type ArticleInput } from './article-input.js'
import { chunkArticle, type Chunk } from './chunk.js'
import { writableEmbedders } from './writable-spaces.js'

export type KnowledgeDeps = Pick<Deps, 'sql' | 'embeddings' | 'logger'>

export interface IngestFailure {
  index: number
  externalId?: string
  reason: string
  errors?: FieldError[]
}

export interface IngestResult {
  created: number
  updated: number
  unchanged: number
  failed: IngestFailure[]
  items: Array<{ index: number; externalId: string; articleId: string; outcome: 'created' | 'updated' | 'unchanged' }>
}

interface Prepared {
  index: number
  article: ArticleInput
  contentHash: string
  chunks: Chunk[]
  /** Where this article's chunks start in the batch's list of vectors. */
  offset: number
}

/**
 * Bulk upsert by external id. Unchanged content (same hash, already embedded) is skipped; changed
 * content is re-chunked and re-embedded. Each article is written in its own transaction, so one bad
 * article never leaves another half-written, and the rest of the batch is still processed.
 */
export async function upsertArticles(
  deps: KnowledgeDeps,
  inputs: unknown[],
  options: { status?: 'draft' | 'published' } = {},
): Promise<IngestResult> {
  const status = options.status ?? 'published'
  const result: IngestResult = { created: 0, updated: 0, unchanged: 0, failed: [], items: [] }
  const valid = validateAll(inputs, result.failed)
  const embedders = await writableEmbedders(deps)
  const states = new Map(
    (
      await queries.findArticleStates(
        deps.sql,
        valid.map((entry) => entry.article.externalId),
        embedders[0]!.id,
      )
    ).map((row) => [row.external_id, row]),
  )
  const changed: Prepared[] = []
  let offset = 0
  for (const { index, article } of valid) {
    const contentHash = await hashArticle(article, status)
    const state = states.get(article.externalId)
    if (state && state.content_hash === contentHash && state.embedded) {
      const existing = await queries.findArticleByExternalId(deps.sql, article.externalId)
      result.unchanged++
      result.items.push({ index, externalId: article.externalId, articleId: existing!.id, outcome: 'unchanged' })
      continue
    }
    const chunks = status === 'published' ? chunkArticle(article.body) : []
    changed.push({ index, article, contentHash, chunks, offset })
    offset += chunks.length
  }
  const vectors = await embedChunks(embedders, changed).catch((error: unknown) => {
    for (const entry of changed)
      result.failed.push({
        index: entry.index,
        externalId: entry.article.externalId,
        reason: `embedding failed: ${(error as Error).message}`,
      })
    return undefined
  })
  if (!vectors) return result
  for (const entry of changed) {
    try {
      const written = await writeArticle(deps, entry, status, embedders, vectors)
      written.created ? result.created++ : result.updated++
      result.items.push({
        index: entry.index,
        externalId: entry.article.externalId,
        articleId: written.id,
        outcome: written.created ? 'created' : 'updated',
      })
    } catch (error) {
      deps.logger.warn({ externalId: entry.article.externalId, err: (error as Error).message }, 'article not written')
      result.failed.push({ index: entry.index, externalId: entry.article.externalId, reason: (error as Error).message })
    }
  }
  const written = changed
    .filter((entry) => !result.failed.some((failure) => failure.index === entry.index))
    .reduce((sum, entry) => sum + entry.chunks.length, 0)
  if (written > 0) await noteChunksWritten(deps.sql, written)
  return result
}

/** Where the last statistics refresh left the chunk count, and how many chunks were written since. */
export const textStatisticsSetting = 'kb_text_statistics'
export interface TextStatisticsState {
  /** Chunks when statistics were last refreshed (absent: never). */
  chunks?: number
  written: number
}

/**
 * Chunks written since the last refresh, as a share of the chunks then, from which on statistics are
 * refreshed again; and a floor, since no word can be common (over 1 000 chunks) in a small knowledge base.
 * Refreshing after every call that changed 20 or more articles slowed ingest of 10k chunks on PostgreSQL
 * from 119 to 86 chunks/s (bench:kb): ANALYZE reads up to 30 000 rows, more each time, while the word
 * frequencies of a growing knowledge base change little from one batch to the next.
 */
const refreshAfterGrowth = 0.2
const refreshAfterChunks = 100

/** Counts written chunks and refreshes the statistics once enough have been written since the last refresh. */
export async function noteChunksWritten(sql: KnowledgeDeps['sql'], chunks: number): Promise<boolean> {
  const state = await addToSetting<TextStatisticsState>(sql, textStatisticsSetting, 'written', chunks)
  if (state.written < Math.max(refreshAfterChunks, refreshAfterGrowth * (state.chunks ?? 0))) return false
  await refreshTextStatistics(sql)
  return true
}

/**
 * Full-text search leaves out words found in more than 5% of chunks, judged by the statistics ANALYZE
 * keeps. PostgreSQL's autovacuum refreshes them too; PGlite has no autovacuum, so bulk writes do it.
 */
export async function refreshTextStatistics(sql: KnowledgeDeps['sql']): Promise<void> {
  await sql.exec('ANALYZE kb_chunks; SELECT kb_refresh_common_lexemes()')
  // reltuples is ANALYZE's count of the rows, fresh from the line above.
  const [row] = await sql.query<{ chunks: number }>(
    `SELECT greatest(reltuples, 0)::float8 AS chunks FROM pg_class WHERE oid = 'kb_chunks'::regclass`,
  )
  await writeSetting(sql, textStatisticsSetting, { chunks: Math.round(row?.chunks ?? 0), written: 0 } satisfies TextStatisticsState)
}

function validateAll(inputs: unknown[], failed: IngestFailure[]): Array<{ index: number; article: ArticleInput }> {
  const seen = new Set<string>()
  const valid: Array<{ index: number; article: ArticleInput }> = []
  inputs.forEach((input, index) => {
    const parsed = ArticleInputSchema.safeParse(input)
    const externalId =
      typeof (input as { externalId?: unknown })?.externalId === 'string' ? (input as { externalId: string }).externalId : undefined
    if (!parsed.success) {
      const errors = fieldErrorsFrom(parsed.error.issues)
      failed.push({
        index,
        ...(externalId ? { externalId } : {}),
        reason: errors.map((error) => `${error.field}: ${error.message}`).join('; '),
        errors,
      })
    } else if (seen.has(parsed.data.externalId)) {
      failed.push({ index, externalId: parsed.data.externalId, reason: 'externalId appears more than once in this request' })
    } else {
      seen.add(parsed.data.externalId)
      valid.push({ index, article: parsed.data })
    }
  })
  return valid
}

function hashArticle(article: ArticleInput, status: string): Promise<string> {
  return sha256Hex(
    JSON.stringify([article.title, article.body, article.language, article.department, article.tags, article.url ?? null, status]),
  )
}

/** What gets embedded: the title and heading path give a short chunk its context. */
export function embeddingText(title: string, chunk: Pick<Chunk, 'headingPath' | 'content'>): string {
  return [title, chunk.headingPath, chunk.content].filter(Boolean).join('\n')
}

/** One embed call per space for the whole batch: providers batch far better than per article. */
async function embedChunks(embedders: Embedder[], changed: Prepared[]): Promise<Map<string, Float32Array[]>> {
  const texts = changed.flatMap((entry) => entry.chunks.map((chunk) => embeddingText(entry.article.title, chunk)))
  const bySpace = new Map<string, Float32Array[]>()
  for (const embedder of embedders) bySpace.set(embedder.id, texts.length ? await embedder.embed(texts, { purpose: 'passage' }) : [])
  return bySpace
}

async function writeArticle(
  deps: KnowledgeDeps,
  entry: Prepared,
  status: 'draft' | 'published',
  embedders: Embedder[],
  vectors: Map<string, Float32Array[]>,
) {
  const { article, offset } = entry
  return deps.sql.transaction(async (tx) => {
    const written = await queries.upsertArticle(tx, { ...article, url: article.url, status, contentHash: entry.contentHash })
    const chunkIds = await queries.replaceChunks(
      tx,
      {
        id: written.id,
        externalId: article.externalId,
        title: article.title,
        language: article.language,
        department: article.department,
        textConfig: textSearchConfig(article.language),
      },
      entry.chunks,
    )
    for (const embedder of embedders) {
      const spaceVectors = vectors.get(embedder.id)!.slice(offset, offset + chunkIds.length)
      await queries.insertEmbeddings(
        tx,
        embedder.id,
        chunkIds.map((chunkId, i) => ({ chunkId, language: article.language, department: article.department, vector: spaceVectors[i]! })),
      )
    }
    return written
  })
}
