import { sha256Hex } from '../../src/auth/crypto.js'
import { textSearchConfig } from '../../src/knowledge/article-input.js'
import { chunkArticle } from '../../src/knowledge/chunk.js'
import { embeddingText } from '../../src/knowledge/ingest.js'
import type { Embedder } from '../../src/providers/embeddings/embedder.js'
import { insertEmbeddings } from '../../src/storage/queries/knowledge.js'
import type { Sql } from '../../src/storage/sql.js'
import type { SyntheticArticle } from './corpus.js'

/**
 * The fast path for the part of a large knowledge base that is not timed as ingest: the same rows
 * `upsertArticles` writes (same chunker, content hash, tsvector expression, vector text and
 * `insertEmbeddings`), but many articles per statement and one transaction per batch.
 */
export async function bulkLoadArticles(sql: Sql, embedder: Embedder, articles: SyntheticArticle[]): Promise<number> {
  const prepared = await Promise.all(
    articles.map(async (article) => ({
      article,
      chunks: chunkArticle(article.body),
      // The formula of hashArticle in src/knowledge/ingest.ts, so a later upsert sees these as unchanged.
      contentHash: await sha256Hex(
        JSON.stringify([article.title, article.body, article.language, article.department, article.tags, null, 'published']),
      ),
    })),
  )
  const texts = prepared.flatMap(({ article, chunks }) => chunks.map((chunk) => embeddingText(article.title, chunk)))
  const vectors = await embedder.embed(texts, { purpose: 'passage' })
  await sql.transaction(async (tx) => {
    const ids = await tx.query<{ id: string; external_id: string }>(
      `INSERT INTO kb_articles (external_id, title, body, language, department, tags, status, content_hash)
       SELECT a.external_id, a.title, a.body, a.language, a.department, ARRAY(SELECT jsonb_array_elements_text(a.tags::jsonb)), 'published', a.content_hash
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
              AS a (external_id, title, body, language, department, tags, content_hash)
       RETURNING id, external_id`,
      [
        ...columns(
          prepared.map(({ article, contentHash }) => [
            article.externalId,
            article.title,
            article.body,
            article.language,
            article.department,
            JSON.stringify(article.tags),
            contentHash,
          ]),
          7,
        ),
      ],
    )
    const articleIds = new Map(ids.map((row) => [row.external_id, row.id]))
    const chunkRows = prepared.flatMap(({ article, chunks }) =>
      chunks.map((chunk) => [
        articleIds.get(article.externalId)!,
        chunk.ordinal,
        chunk.headingPath,
        chunk.content,
        article.language,
        article.department,
        textSearchConfig(article.language),
        article.title,
      ]),
    )
    const inserted = await tx.query<{ id: string; article_id: string; ordinal: number }>(
      `INSERT INTO kb_chunks (article_id, ordinal, heading_path, content, language, department, fts)
       SELECT c.article_id, c.ordinal, c.heading_path, c.content, c.language, c.department,
              setweight(to_tsvector(c.config::regconfig, c.title || ' ' || c.heading_path), 'A') || setweight(to_tsvector(c.config::regconfig, c.content), 'B')
         FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
              AS c (article_id, ordinal, heading_path, content, language, department, config, title)
       RETURNING id, article_id, ordinal`,
      columns(chunkRows, 8),
    )
    const chunkIds = new Map(inserted.map((row) => [`${row.article_id}:${row.ordinal}`, row.id]))
    // chunkRows is in the order of `texts`, hence of `vectors`.
    await insertEmbeddings(
      tx,
      embedder.id,
      chunkRows.map((row, index) => ({
        chunkId: chunkIds.get(`${row[0]}:${row[1]}`)!,
        language: row[4] as string,
        department: row[5] as string,
        vector: vectors[index]!,
      })),
    )
  })
  return texts.length
}

function columns(rows: unknown[][], count: number): unknown[][] {
  return Array.from({ length: count }, (_, column) => rows.map((row) => row[column]))
}
