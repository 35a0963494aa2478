import { cutAtWord } from '../cut-text.js'
import type { SearchHit } from '../knowledge/search.js'
import type { EmbeddingSpace } from '../providers/embeddings/embedder.js'
import { replyTemplate } from '../../prompts/reply-template.js'
import type { Suggestion } from './triage-result.js'

/** A search hit, optionally pinned to the top. */
export type SuggestedHit = SearchHit & { pinned?: 'safety' }

/**
 * When an inquiry reports a hazard (smoke, a shock, water in the flat), the agent's first reply must say
 * what to do at once, not answer the question the search matched best. So the safety article goes
 * first and the other hits follow in their order, without repeating it.
 */
export function withSafetyArticleFirst(hits: SearchHit[], safety: SearchHit, count: number): SuggestedHit[] {
  const others = hits.filter((hit) => hit.articleId !== safety.articleId)
  return [{ ...safety, pinned: 'safety' as const }, ...others].slice(0, count)
}

/**
 * Cosine similarity below which the best article is not considered an answer. Measured for the hashing
 * embedder on the eval set (inquiries with and without a target article); the others are starting
 * points to calibrate with `npm run eval` and set with NO_KNOWLEDGE_SIMILARITY.
 */
export const defaultNoKnowledgeSimilarity: Record<EmbeddingSpace['provider'], number> = {
  hashing: 0.15,
  transformers: 0.8,
  openai: 0.35,
}

export function isRelevant(hit: SearchHit, threshold: number): boolean {
  if ((hit.similarity ?? 0) >= threshold) return true
  // Both rankings putting it on top is strong evidence even when the vectors are weak (short texts).
  return hit.vectorRank !== null && hit.textRank !== null && hit.vectorRank <= 2 && hit.textRank <= 2
}

const snippetLength = 280

/** Suggestions built from the articles without an LLM: greeting, the answering passage, closing. */
export function templateSuggestions(hits: SuggestedHit[], context: { language: string; customerName?: string | undefined }): Suggestion[] {
  return hits.map((hit) => ({
    articleId: hit.articleId,
    externalId: hit.externalId,
    title: hit.title,
    url: hit.url,
    score: hit.score,
    similarity: hit.similarity,
    snippet: shorten(hit.snippet),
    reply: replyTemplate.render({
      language: context.language,
      customerName: context.customerName,
      title: hit.title,
      passage: hit.snippet,
      url: hit.url,
    }).text,
    source: 'template' as const,
    ...(hit.pinned ? { pinned: hit.pinned } : {}),
  }))
}

function shorten(text: string): string {
  const flat = text
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/\s+/g, ' ')
    .trim()
  return cutAtWord(flat, snippetLength)
}
