import type { RemovedCounts } from '../../knowledge/neutral-draft.js'
import type { Sql } from '../sql.js'

// What neutralising a lead's reply took out of its draft (migrations/0017_article_review.sql). Kept apart
// from the article's own statements: only drafts made from an escalation have it.

export async function setArticleReview(sql: Sql, articleId: string, removed: RemovedCounts): Promise<void> {
  await sql.query('UPDATE kb_articles SET review_removed = $2::jsonb WHERE id = $1', [articleId, JSON.stringify(removed)])
}

export async function findArticleReview(sql: Sql, articleId: string): Promise<{ removed: RemovedCounts } | null> {
  const [row] = await sql.query<{ review_removed: RemovedCounts | null }>('SELECT review_removed FROM kb_articles WHERE id = $1', [
    articleId,
  ])
  return row?.review_removed ? { removed: row.review_removed } : null
}
