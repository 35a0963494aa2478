import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { isUuid } from '../auth/api-keys.js'
import { z } from 'zod'
import * as queries from '../storage/queries/knowledge.js'
import { findArticleReview } from '../storage/queries/article-review.js'
import { articleFields, departments } from './article-input.js'
import type { ArticleReview } from './neutral-draft.js'

export interface ArticleView {
  id: string
  externalId: string
  title: string
  body: string
  language: string
  department: string
  tags: string[]
  url: string | null
  status: 'draft' | 'published'
  chunks: number
  createdAt: string
  updatedAt: string
  /** What was taken out of a lead's reply to make this draft; null for other articles. */
  review: ArticleReview | null
}

export async function getArticle(deps: Pick<Deps, 'sql'>, id: string): Promise<ArticleView> {
  const row = isUuid(id) ? await queries.findArticle(deps.sql, id) : undefined
  if (!row) throw new AppError('not_found', `No knowledge-base article with id ${id}`)
  return {
    id: row.id,
    externalId: row.external_id,
    title: row.title,
    body: row.body,
    language: row.language,
    department: row.department,
    tags: row.tags,
    url: row.url,
    status: row.status,
    chunks: await queries.countChunks(deps.sql, row.id),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    review: await findArticleReview(deps.sql, row.id),
  }
}

/** Deletes the article with its chunks and vectors (cascade); unknown ids are 404. */
export async function deleteArticle(deps: Pick<Deps, 'sql'>, id: string): Promise<void> {
  if (!isUuid(id) || !(await queries.deleteArticle(deps.sql, id)))
    throw new AppError('not_found', `No knowledge-base article with id ${id}`)
}

/** An article in a list: without its body and chunk count. */
export type ArticleSummary = Omit<ArticleView, 'body' | 'chunks' | 'review'>

/** What an editor filters the article list by; the API's query and the UI's form share it. */
export const ArticleFilterSchema = z.object({
  status: z.enum(['draft', 'published']).optional(),
  language: articleFields.language.optional(),
  department: z.enum(departments).optional(),
  tag: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
})
export type ArticleFilter = z.input<typeof ArticleFilterSchema>

/** Articles matching the filter, most recently changed first; `cursor` is the id of the previous page's last article. */
export async function listArticles(
  deps: Pick<Deps, 'sql'>,
  filter: queries.ArticleListFilter,
): Promise<{ items: ArticleSummary[]; nextCursor: string | null }> {
  const page = await queries.listArticles(deps.sql, filter)
  return {
    items: page.rows.map((row) => ({
      id: row.id,
      externalId: row.external_id,
      title: row.title,
      language: row.language,
      department: row.department,
      tags: row.tags,
      url: row.url,
      status: row.status,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    })),
    nextCursor: page.nextCursor,
  }
}
