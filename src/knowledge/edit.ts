import { z } from 'zod'
import type { Principal } from '../auth/roles.js'
import type { Deps } from '../deps.js'
import { AppError, fieldErrorsFrom } from '../errors.js'
import { insertAudit } from '../storage/queries/audit.js'
import { articleFields } from './article-input.js'
import { getArticle, type ArticleView } from './articles.js'
import { upsertArticles } from './ingest.js'

/** The fields an editor may change; all optional, so a form or a PATCH sends only what changed. */
export const ArticleEditSchema = z
  .object({
    title: articleFields.title.optional(),
    body: articleFields.body.optional(),
    language: articleFields.language.optional(),
    department: articleFields.department.optional(),
    tags: articleFields.tags.optional(),
    expectedUpdatedAt: z.iso
      .datetime()
      .optional()
      .meta({ description: 'The updatedAt the editor loaded; a newer article is a conflict instead of a lost edit' }),
  })
  .strict()
  .meta({ id: 'ArticleEdit' })

export type ArticleEdit = z.input<typeof ArticleEditSchema>

const editable = ['title', 'body', 'language', 'department', 'tags'] as const

/**
 * Changes an article in place. A draft stays a draft (publishing is its own step); a published article
 * is re-chunked and re-embedded at once, so search never serves text that is no longer there.
 */
export async function editArticle(
  deps: Pick<Deps, 'sql' | 'embeddings' | 'logger' | 'clock'>,
  principal: Principal,
  id: string,
  input: unknown,
): Promise<ArticleView> {
  const parsed = ArticleEditSchema.safeParse(input)
  if (!parsed.success)
    throw new AppError('validation_failed', 'The article was not changed.', { errors: fieldErrorsFrom(parsed.error.issues) })
  const { expectedUpdatedAt, ...edit } = parsed.data
  const article = await getArticle(deps, id)
  if (expectedUpdatedAt && Date.parse(expectedUpdatedAt) !== Date.parse(article.updatedAt))
    throw new AppError('conflict', 'The article was changed by someone else meanwhile; reload it and edit again.')
  const changed = editable.filter((field) => edit[field] !== undefined && JSON.stringify(edit[field]) !== JSON.stringify(article[field]))
  if (changed.length === 0) return article
  const next = { ...pick(article), ...edit }
  const result = await upsertArticles(deps, [{ externalId: article.externalId, ...next, ...(article.url ? { url: article.url } : {}) }], {
    status: article.status,
  })
  const failure = result.failed[0]
  if (failure) throw new AppError('validation_failed', `The article was not changed: ${failure.reason}`, { errors: failure.errors ?? [] })
  await insertAudit(
    deps.sql,
    {
      actor: principal,
      action: 'edit',
      entityType: 'kb_article',
      entityId: id,
      before: Object.fromEntries(changed.map((field) => [field, article[field]])),
      after: Object.fromEntries(changed.map((field) => [field, next[field]])),
    },
    deps.clock.now(),
  )
  return getArticle(deps, id)
}

function pick(article: ArticleView) {
  return { title: article.title, body: article.body, language: article.language, department: article.department, tags: article.tags }
}
