import type { EmbeddingSpace } from '../../providers/embeddings/embedder.js'
import type { Sql } from '../sql.js'
import { vectorLiteral } from '../vector-param.js'

export interface SpaceRow {
  id: string
  provider: string
  model: string
  dimensions: number
  index_name: string
  status: 'building' | 'active' | 'retired'
}

export interface ArticleRow {
  id: string
  external_id: string
  title: string
  body: string
  language: string
  department: string
  tags: string[]
  url: string | null
  status: 'draft' | 'published'
  content_hash: string
  created_at: Date
  updated_at: Date
}

export interface ChunkInsert {
  ordinal: number
  headingPath: string
  content: string
}

const articleColumns = 'id, external_id, title, body, language, department, tags, url, status, content_hash, created_at, updated_at'

export async function findSpace(sql: Sql, id: string): Promise<SpaceRow | undefined> {
  const [row] = await sql.query<SpaceRow>(
    'SELECT id, provider, model, dimensions, index_name, status FROM embedding_spaces WHERE id = $1',
    [id],
  )
  return row
}

export interface ActiveSpaceRow extends SpaceRow {
  /**
   * The space holds at most `hnswExhaustiveFactor` × hnsw.ef_search vectors, so a kNN through its
   * HNSW index finds the exact nearest chunks (see hnswExhaustiveFactor).
   */
  knn_exact: boolean
  /** Vectors in the space's HNSW index as the planner statistics last counted them (0 before any). */
  indexed_vectors: number
  /** Languages of the published articles: a question in another language is also searched translated. */
  languages?: string[]
}

/**
 * Up to this many times the session's hnsw.ef_search, HNSW answers are exact; 10 keeps a margin
 * (figures: bench/kb-notes.md#exhaustive-hnsw).
 */
export const hnswExhaustiveFactor = 10

/**
 * The active space, with whether its kNN is exact (counting stops after the bound, so this stays cheap
 * at any size), its index's size from the statistics (reltuples, kept by VACUUM and ANALYZE) and the
 * languages of the published articles (remembered with the space, so searches know them at no cost).
 */
export async function findActiveSpace(sql: Sql): Promise<ActiveSpaceRow | undefined> {
  const [row] = await sql.query<ActiveSpaceRow>(
    `SELECT s.id, s.provider, s.model, s.dimensions, s.index_name, s.status,
            (SELECT count(*) FROM (SELECT 1 FROM kb_chunk_embeddings e WHERE e.space_id = s.id LIMIT b.vectors + 1) v) <= b.vectors AS knn_exact,
            coalesce((SELECT greatest(c.reltuples, 0)::float8 FROM pg_class c
                       WHERE c.relname = s.index_name AND c.relnamespace = current_schema()::regnamespace), 0) AS indexed_vectors,
            coalesce((SELECT array_agg(l.language ORDER BY l.language)
                        FROM (SELECT DISTINCT language FROM kb_articles WHERE status = 'published') l), '{}') AS languages
       FROM embedding_spaces s,
            (SELECT $1::int * coalesce(nullif(current_setting('hnsw.ef_search', true), '')::int, 40) AS vectors) b
      WHERE s.status = 'active'`,
    [hnswExhaustiveFactor],
  )
  return row
}

/** Registers a space as `building`; ensureSpaceIndexes gives it its indexes. */
export async function insertSpace(sql: Sql, id: string, space: EmbeddingSpace, indexName: string): Promise<void> {
  await sql.query(
    `INSERT INTO embedding_spaces (id, provider, model, dimensions, index_name, status)
     VALUES ($1, $2, $3, $4, $5, 'building') ON CONFLICT (id) DO NOTHING`,
    [id, space.provider, space.model, space.dimensions, indexName],
  )
}

/**
 * Graph parameters of every space index: higher recall than pgvector's defaults at the same query time,
 * for a longer build (figures: bench/kb-notes.md#hnsw-build-parameters).
 */
const hnswBuild = { m: 24, efConstruction: 128 }

/**
 * Creates the space's partial HNSW indexes where missing (idempotent, so start-up can always call it).
 * The index expression casts to the space's fixed dimension, which lets one table hold vectors of
 * several sizes.
 */
export async function ensureSpaceIndexes(sql: Sql, space: Pick<SpaceRow, 'id' | 'dimensions' | 'index_name'>): Promise<void> {
  const literal = space.id.replace(/'/g, "''")
  const indexName = space.index_name
  // One index per table that holds vectors: knowledge chunks and labelled training examples.
  for (const [table, name] of [
    ['kb_chunk_embeddings', indexName],
    ['training_example_embeddings', `${indexName}_ex`],
  ] as const) {
    await sql.exec(
      `CREATE INDEX IF NOT EXISTS ${name} ON ${table}
       USING hnsw ((embedding::vector(${space.dimensions})) vector_cosine_ops) WITH (m = ${hnswBuild.m}, ef_construction = ${hnswBuild.efConstruction})
       WHERE space_id = '${literal}'`,
    )
  }
}

/** Makes `id` the space searches use; the previous active one is retired, in the same transaction. */
export async function activateSpace(sql: Sql, id: string): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query(`UPDATE embedding_spaces SET status = 'retired' WHERE status = 'active' AND id <> $1`, [id])
    await tx.query(`UPDATE embedding_spaces SET status = 'active', activated_at = now() WHERE id = $1`, [id])
  })
}

export async function findArticleByExternalId(sql: Sql, externalId: string): Promise<ArticleRow | undefined> {
  const [row] = await sql.query<ArticleRow>(`SELECT ${articleColumns} FROM kb_articles WHERE external_id = $1`, [externalId])
  return row
}

export async function findArticle(sql: Sql, id: string): Promise<ArticleRow | undefined> {
  const [row] = await sql.query<ArticleRow>(`SELECT ${articleColumns} FROM kb_articles WHERE id = $1`, [id])
  return row
}

/** Content hashes of these external ids, and whether each has vectors in `spaceId`. */
export function findArticleStates(sql: Sql, externalIds: string[], spaceId: string) {
  return sql.query<{ external_id: string; content_hash: string; status: string; embedded: boolean }>(
    `SELECT a.external_id, a.content_hash, a.status,
            (a.status = 'draft' OR EXISTS (SELECT 1 FROM kb_chunks c JOIN kb_chunk_embeddings e ON e.chunk_id = c.id
                                           WHERE c.article_id = a.id AND e.space_id = $2)) AS embedded
       FROM kb_articles a WHERE a.external_id = ANY($1::text[])`,
    [externalIds, spaceId],
  )
}

export interface ArticleWrite {
  externalId: string
  title: string
  body: string
  language: string
  department: string
  tags: string[]
  url: string | undefined
  status: 'draft' | 'published'
  contentHash: string
}

/** Inserts or updates by external id; `created` tells which happened. */
export async function upsertArticle(sql: Sql, article: ArticleWrite): Promise<{ id: string; created: boolean }> {
  const [row] = await sql.query<{ id: string; created: boolean }>(
    `INSERT INTO kb_articles (external_id, title, body, language, department, tags, url, status, content_hash)
     VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9)
     ON CONFLICT (external_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body, language = EXCLUDED.language,
       department = EXCLUDED.department, tags = EXCLUDED.tags, url = EXCLUDED.url, status = EXCLUDED.status,
       content_hash = EXCLUDED.content_hash, updated_at = now()
     RETURNING id, (xmax = 0) AS created`,
    [
      article.externalId,
      article.title,
      article.body,
      article.language,
      article.department,
      article.tags,
      article.url ?? null,
      article.status,
      article.contentHash,
    ],
  )
  return row!
}

/**
 * Replaces an article's chunks; their full-text vectors are built here, in the article's language. A
 * chunk's id is derived from what it holds (the article's external id and title, its place and its
 * text), not drawn at random: searches break ties in rank by chunk id, so the same knowledge base ranks
 * the same way in every installation and on both databases. Changed text gives a new id, so an
 * embedding computed for the old text can never attach to the new one.
 */
export async function replaceChunks(
  sql: Sql,
  article: { id: string; externalId: string; title: string; language: string; department: string; textConfig: string },
  chunks: ChunkInsert[],
): Promise<string[]> {
  await sql.query('DELETE FROM kb_chunks WHERE article_id = $1', [article.id])
  if (chunks.length === 0) return []
  const rows = await sql.query<{ id: string; ordinal: number }>(
    `INSERT INTO kb_chunks (id, article_id, ordinal, heading_path, content, language, department, fts)
     SELECT md5(concat_ws(chr(31), $9::text, $5::text, c.ordinal, c.heading_path, c.content))::uuid, $1, c.ordinal, c.heading_path, c.content, $2, $3,
            setweight(to_tsvector($4::regconfig, $5 || ' ' || c.heading_path), 'A') || setweight(to_tsvector($4::regconfig, c.content), 'B')
       FROM unnest($6::int[], $7::text[], $8::text[]) AS c (ordinal, heading_path, content)
     RETURNING id, ordinal`,
    [
      article.id,
      article.language,
      article.department,
      article.textConfig,
      article.title,
      chunks.map((chunk) => chunk.ordinal),
      chunks.map((chunk) => chunk.headingPath),
      chunks.map((chunk) => chunk.content),
      article.externalId,
    ],
  )
  return rows.sort((a, b) => a.ordinal - b.ordinal).map((row) => row.id)
}

export async function insertEmbeddings(
  sql: Sql,
  spaceId: string,
  rows: Array<{ chunkId: string; language: string; department: string; vector: Float32Array }>,
): Promise<void> {
  if (rows.length === 0) return
  await sql.query(
    `INSERT INTO kb_chunk_embeddings (space_id, chunk_id, language, department, embedding)
     SELECT $1, e.chunk_id, e.language, e.department, e.embedding::vector
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) AS e (chunk_id, language, department, embedding)
       JOIN kb_chunks c ON c.id = e.chunk_id -- skips chunks deleted meanwhile (a concurrent re-index)
     ON CONFLICT (space_id, chunk_id) DO UPDATE SET embedding = EXCLUDED.embedding`,
    [
      spaceId,
      rows.map((row) => row.chunkId),
      rows.map((row) => row.language),
      rows.map((row) => row.department),
      rows.map((row) => vectorLiteral(row.vector)),
    ],
  )
}

export async function deleteArticle(sql: Sql, id: string): Promise<boolean> {
  return (await sql.query('DELETE FROM kb_articles WHERE id = $1 RETURNING id', [id])).length > 0
}

export async function countChunks(sql: Sql, articleId: string): Promise<number> {
  const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM kb_chunks WHERE article_id = $1', [articleId])
  return row?.n ?? 0
}

export interface CandidateRow {
  chunk_id: string
  article_id: string
  external_id: string
  title: string
  url: string | null
  language: string
  department: string
  heading_path: string
  content: string
  score: number
}

export interface CandidateFilter {
  departments?: string[]
  language?: string
}

const candidateColumns = `c.id AS chunk_id, c.article_id, a.external_id, a.title, a.url, a.language, a.department, c.heading_path, c.content`

/**
 * Nearest chunks through the space's HNSW index: the inner query orders by exactly the indexed
 * expression, filters inside the scan (iterative scans keep going until `limit` rows pass), and only
 * the few winners are joined to their articles. `efSearchFactor` widens the graph search for this one
 * statement: hnsw.ef_search times the factor (at most pgvector's 1 000), set in its own transaction.
 */
export function nearestChunks(
  sql: Sql,
  space: { id: string; dimensions: number },
  vector: Float32Array,
  limit: number,
  filter: CandidateFilter,
  options: { efSearchFactor?: number } = {},
): Promise<CandidateRow[]> {
  const dims = Math.trunc(space.dimensions)
  const run = (target: Sql) =>
    target.query<CandidateRow>(
      `SELECT ${candidateColumns}, 1 - n.distance AS score
       FROM (SELECT chunk_id, embedding::vector(${dims}) <=> $1::vector(${dims}) AS distance
               FROM kb_chunk_embeddings
              WHERE space_id = $2
                AND ($4::text[] IS NULL OR department = ANY($4::text[]))
                AND ($5::text IS NULL OR language = $5)
              ORDER BY embedding::vector(${dims}) <=> $1::vector(${dims})
              LIMIT $3) n
       JOIN kb_chunks c ON c.id = n.chunk_id
       JOIN kb_articles a ON a.id = c.article_id
      ORDER BY n.distance, c.id`,
      [vector, space.id, limit, filter.departments ?? null, filter.language ?? null],
    )
  if (!options.efSearchFactor) return run(sql)
  return sql.transaction(async (tx) => {
    // The materialized CTE reads the setting before set_config changes it, in one round trip.
    const [previous] = await tx.query<{ ef: string }>(
      `WITH p AS MATERIALIZED (SELECT coalesce(nullif(current_setting('hnsw.ef_search', true), ''), '40') AS ef)
       SELECT p.ef, set_config('hnsw.ef_search', least(1000, round($1::float8 * p.ef::int))::int::text, true) FROM p`,
      [options.efSearchFactor],
    )
    const rows = await run(tx)
    // Put it back: inside a caller's transaction this is a savepoint, and SET LOCAL would outlive it.
    await tx.query(`SELECT set_config('hnsw.ef_search', $1, true)`, [previous!.ef])
    return rows
  })
}

/** A chunk of a tagged article; score is its similarity, null without a vector in the space. */
export type TaggedChunkRow = Omit<CandidateRow, 'score'> & { score: number | null }

/**
 * The chunk nearest the question among the published articles carrying `tag` (case-insensitive) in
 * `language`: for the safety tag, the section on the hazard the customer reports. Such articles are few,
 * so this compares exactly (no index). Score is the chunk's similarity, null when it has no vector in
 * this space yet (such chunks come last, the first section first).
 */
export async function nearestTaggedChunk(
  sql: Sql,
  space: { id: string; dimensions: number },
  vector: Float32Array,
  filter: { tag: string; language: string },
): Promise<TaggedChunkRow | undefined> {
  const dims = Math.trunc(space.dimensions)
  const [row] = await sql.query<TaggedChunkRow>(
    `SELECT ${candidateColumns}, 1 - (e.embedding::vector(${dims}) <=> $1::vector(${dims})) AS score
       FROM kb_articles a
       JOIN kb_chunks c ON c.article_id = a.id
       LEFT JOIN kb_chunk_embeddings e ON e.chunk_id = c.id AND e.space_id = $2
      WHERE a.status = 'published' AND a.language = $4
        AND EXISTS (SELECT 1 FROM unnest(a.tags) AS t(tag) WHERE lower(t.tag) = lower($3))
      ORDER BY score DESC NULLS LAST, a.external_id, c.ordinal
      LIMIT 1`,
    [vector, space.id, filter.tag, filter.language],
  )
  return row
}

/** A full-text match with its cosine similarity to the question in the given space (null: no vector there yet). */
export interface TextCandidateRow extends CandidateRow {
  similarity: number | null
  /** 1-based place in the full-text ranking; null for a match that is here only for its similarity. */
  text_rank: number | null
  /** With scoring: how many matches got a similarity (all of them, up to `scoredMatches`); otherwise null. */
  scored_matches: number | null
}

/** How a text search also feeds the vector list: the space and question vector, and how many matches get a distance. */
export interface TextMatchScoring {
  space: { id: string; dimensions: number }
  vector: Float32Array
  /** The best matches by full-text rank whose exact similarity is computed (each costs one vector read). */
  scoredMatches: number
}

/**
 * Best full-text matches, ranked: the first `limit` by rank. With `scoreIn`, the best
 * `scoreIn.scoredMatches` matches by rank also get their exact vector similarity to the question (one
 * distance per match, no index), and the `limit` most similar of them come back too (text_rank null
 * unless ranked as well), so the search can put chunks the HNSW graph missed into the vector list.
 */
export function textMatches(
  sql: Sql,
  question: string,
  limit: number,
  filter: CandidateFilter & { configs: readonly string[] },
  scoreIn?: TextMatchScoring,
): Promise<TextCandidateRow[]> {
  const matches = `SELECT id, ts_rank(fts, q) AS rank
               FROM kb_chunks, kb_text_query($1, $5::regconfig[]) AS q
              WHERE fts @@ q
                AND ($3::text[] IS NULL OR department = ANY($3::text[]))
                AND ($4::text IS NULL OR language = $4)
              ORDER BY rank DESC, id` // id (derived from the content): equal ranks come in the same order everywhere
  const joined = `JOIN kb_chunks c ON c.id = t.id
       JOIN kb_articles a ON a.id = c.article_id`
  const params = [question, limit, filter.departments ?? null, filter.language ?? null, filter.configs]
  if (!scoreIn) {
    return sql.query<TextCandidateRow>(
      `SELECT ${candidateColumns}, t.rank AS score, NULL::float8 AS similarity, t.text_rank, NULL::int AS scored_matches
         FROM (SELECT id, rank, row_number() OVER (ORDER BY rank DESC, id)::int AS text_rank FROM (${matches} LIMIT $2) m) t
       ${joined}
      ORDER BY t.text_rank`,
      params,
    )
  }
  const dims = Math.trunc(scoreIn.space.dimensions)
  return sql.query<TextCandidateRow>(
    // The distances are computed in a CTE of their own, so the window functions buffer narrow rows:
    // computed above them, every row carried its 4 kB vector into count()'s buffer, which then spilled
    // to disk (bench:kb at 100k chunks: text leg 41 ms against 27 ms).
    `WITH scored AS MATERIALIZED (
       SELECT m.id, m.rank, 1 - (e.embedding::vector(${dims}) <=> $7::vector(${dims})) AS similarity
         FROM (${matches} LIMIT $8) m
         LEFT JOIN kb_chunk_embeddings e ON e.chunk_id = m.id AND e.space_id = $6),
     ranked AS (
       SELECT id, rank, similarity, row_number() OVER (ORDER BY rank DESC, id)::int AS text_rank, count(similarity) OVER ()::int AS scored_matches
         FROM scored)
     SELECT ${candidateColumns}, t.rank AS score, t.similarity, CASE WHEN t.text_rank <= $2 THEN t.text_rank END AS text_rank, t.scored_matches
       FROM (SELECT * FROM ranked WHERE text_rank <= $2
             UNION
             (SELECT * FROM ranked WHERE similarity IS NOT NULL ORDER BY similarity DESC LIMIT $2)) t
       ${joined}
      ORDER BY t.text_rank, t.similarity DESC`,
    [...params, scoreIn.space.id, scoreIn.vector, Math.max(limit, Math.trunc(scoreIn.scoredMatches))],
  )
}

export interface UnembeddedChunk {
  id: string
  title: string
  heading_path: string
  content: string
  language: string
  department: string
}

/** A batch of chunks that have no vector in `spaceId` yet; a re-index drains this until it is empty. */
export function findUnembeddedChunks(sql: Sql, spaceId: string, limit: number): Promise<UnembeddedChunk[]> {
  return sql.query<UnembeddedChunk>(
    `SELECT c.id, a.title, c.heading_path, c.content, c.language, c.department
       FROM kb_chunks c JOIN kb_articles a ON a.id = c.article_id
      WHERE NOT EXISTS (SELECT 1 FROM kb_chunk_embeddings e WHERE e.chunk_id = c.id AND e.space_id = $1)
      ORDER BY c.id
      LIMIT $2`,
    [spaceId, limit],
  )
}

export async function countSpaceCoverage(sql: Sql, spaceId: string): Promise<{ chunks: number; embedded: number }> {
  const [row] = await sql.query<{ chunks: number; embedded: number }>(
    `SELECT (SELECT count(*)::int FROM kb_chunks) AS chunks,
            (SELECT count(*)::int FROM kb_chunk_embeddings WHERE space_id = $1) AS embedded`,
    [spaceId],
  )
  return row!
}

export async function countArticles(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM kb_articles')
  return row?.n ?? 0
}

/** Articles in one status, most recently changed first, without their bodies; keyset paging by the last id. */
export interface ArticleListFilter {
  status?: 'draft' | 'published' | undefined
  language?: string | undefined
  department?: string | undefined
  tag?: string | undefined
  limit: number
  cursor?: string | undefined
}

export async function listArticles(
  sql: Sql,
  filter: ArticleListFilter,
): Promise<{ rows: Array<Omit<ArticleRow, 'body' | 'content_hash'>>; nextCursor: string | null }> {
  const rows = await sql.query<Omit<ArticleRow, 'body' | 'content_hash'>>(
    `SELECT id, external_id, title, language, department, tags, url, status, created_at, updated_at FROM kb_articles
      WHERE ($1::text IS NULL OR status = $1)
        AND ($2::text IS NULL OR language = $2)
        AND ($3::text IS NULL OR department = $3)
        AND ($4::text IS NULL OR $4 = ANY(tags))
        AND ($5::uuid IS NULL OR (updated_at, id) < (SELECT updated_at, id FROM kb_articles WHERE id = $5::uuid))
      ORDER BY updated_at DESC, id DESC LIMIT $6`,
    [
      filter.status ?? null,
      filter.language ?? null,
      filter.department ?? null,
      filter.tag ?? null,
      filter.cursor ?? null,
      filter.limit + 1,
    ],
  )
  const page = rows.slice(0, filter.limit)
  return { rows: page, nextCursor: rows.length > filter.limit ? page[page.length - 1]!.id : null }
}
