import type { Principal } from '../auth/roles.js'
import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { insertAudit } from '../storage/queries/audit.js'
import { getArticle, type ArticleView } from './articles.js'
import { upsertArticles } from './ingest.js'
import { needsReviewTag } from './neutral-draft.js'

/**
 * Publishes a draft (a lead's answer turned into an article, or an import with --draft): it is chunked
 * and embedded now, and retrieval finds it from the next search on. Publishing twice is a conflict.
 */
export async function publishArticle(
  deps: Pick<Deps, 'sql' | 'embeddings' | 'logger' | 'clock'>,
  principal: Principal,
  id: string,
): Promise<ArticleView> {
  const draft = await getArticle(deps, id)
  if (draft.status !== 'draft') throw new AppError('conflict', 'The article is published already.')
  const result = await upsertArticles(
    deps,
    [
      {
        externalId: draft.externalId,
        title: draft.title,
        body: draft.body,
        language: draft.language,
        department: draft.department,
        tags: draft.tags.filter((tag) => tag !== needsReviewTag), // publishing is the review
        ...(draft.url ? { url: draft.url } : {}),
      },
    ],
    { status: 'published' },
  )
  if (result.failed.length) throw new AppError('validation_failed', `The draft cannot be published: ${result.failed[0]!.reason}`)
  const published = await getArticle(deps, id)
  await insertAudit(
    deps.sql,
    {
      actor: principal,
      action: 'publish',
      entityType: 'kb_article',
      entityId: id,
      before: { status: 'draft' },
      after: { status: 'published', chunks: published.chunks },
    },
    deps.clock.now(),
  )
  return published
}
