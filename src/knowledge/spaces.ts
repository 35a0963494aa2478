import type { Sql } from '../storage/sql.js'
import * as queries from '../storage/queries/knowledge.js'
import type { EmbeddingSpace } from '../providers/embeddings/embedder.js'
import { spaceId } from '../providers/embeddings/embedder.js'

/** Index names must be identifiers: a readable prefix and a hash of the space id keep them unique. */
export async function indexNameFor(id: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(id)))
  const hex = [...digest.slice(0, 6)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
  return `kb_emb_hnsw_${hex}`
}

/**
 * Makes sure the space exists with its index. With no active space yet (a new installation) it
 * becomes active at once; otherwise it stays `building` until a re-index has filled it.
 */
export async function ensureSpace(sql: Sql, space: EmbeddingSpace): Promise<queries.SpaceRow> {
  const id = spaceId(space)
  let row = await queries.findSpace(sql, id)
  if (!row) {
    await queries.insertSpace(sql, id, space, await indexNameFor(id))
    row = (await queries.findSpace(sql, id))!
  }
  await queries.ensureSpaceIndexes(sql, row)
  if (row.status !== 'active' && !(await queries.findActiveSpace(sql)) && !(await hasArticles(sql))) {
    await queries.activateSpace(sql, id)
    row = (await queries.findSpace(sql, id))!
  }
  return row
}

async function hasArticles(sql: Sql): Promise<boolean> {
  return (await sql.query('SELECT 1 FROM kb_articles LIMIT 1')).length > 0
}

export function toSpace(row: queries.SpaceRow): EmbeddingSpace {
  return { provider: row.provider as EmbeddingSpace['provider'], model: row.model, dimensions: row.dimensions }
}
