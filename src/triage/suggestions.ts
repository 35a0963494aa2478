import { cutAtWord } from '../cut-text.js'
import type { SearchHit } from '../knowledge/search.js'
import type { EmbeddingSpace } from '../providers/embeddings/embedder.js'
import { replyTemplate } from '../../prompts/reply-template.js'
import { relevanceContext, relevanceOf, type RelevanceModel } from './relevance.js'
import type { Suggestion } from './triage-result.js'

/** A search hit with its relevance (null in a space without a relevance model), optionally pinned to the top. */
export type SuggestedHit = RatedHit & { pinned?: 'safety' }

export type RatedHit = SearchHit & { relevance: number | null }

/**
 * When an inquiry reports a hazard (smoke, a shock, water in the flat), the agent's first reply must say
 * what to do at once, not answer the question the search matched best. So the safety article goes
 * first and the other hits follow in their order, without repeating it.
 */
export function withSafetyArticleFirst(hits: RatedHit[], safety: RatedHit, count: number): SuggestedHit[] {
  const others = hits.filter((hit) => hit.articleId !== safety.articleId)
  return [{ ...safety, pinned: 'safety' as const }, ...others].slice(0, count)
}

/**
 * Cosine similarity below which the best article is not considered an answer, in a space without a
 * relevance model (see chooseSuggestions). Measured for the hashing embedder on the eval set before it
 * had one; the others are starting points, set with NO_KNOWLEDGE_SIMILARITY.
 */
export const defaultNoKnowledgeSimilarity: Record<EmbeddingSpace['provider'], number> = {
  hashing: 0.15,
  transformers: 0.8,
  openai: 0.35,
  'workers-ai': 0.5,
}

export function isRelevant(hit: SearchHit, threshold: number): boolean {
  if ((hit.similarity ?? 0) >= threshold) return true
  // Both rankings putting it on top is strong evidence even when the vectors are weak (short texts).
  return hit.vectorRank !== null && hit.textRank !== null && hit.vectorRank <= 2 && hit.textRank <= 2
}

/**
 * The hits to suggest, and why there are none when there are none. In a space with a relevance model
 * each hit is rated and those under `floor` are dropped; without one (a space nobody calibrated) the
 * older similarity threshold decides and relevance is null.
 */
export function chooseSuggestions(
  hits: readonly SearchHit[],
  options: { question: string; model: RelevanceModel | undefined; floor: number; threshold: number; count: number },
): { chosen: RatedHit[]; rate: (hit: SearchHit) => number | null; noKnowledge: string | undefined } {
  const { model, floor, threshold, count } = options
  const context = relevanceContext(options.question, hits)
  const rate = (hit: SearchHit) => (model ? relevanceOf(model, hit, context) : null)
  const rated = hits.map((hit) => ({ ...hit, relevance: rate(hit) }))
  const chosen = model
    ? keepAboveFloor(rated as Array<SearchHit & { relevance: number }>, floor, count)
    : rated.filter((hit) => isRelevant(hit, threshold)).slice(0, count)
  if (chosen.length > 0) return { chosen, rate, noKnowledge: undefined }
  const best = rated[0]
  const noKnowledge = !best
    ? 'the knowledge base has no article for this inquiry'
    : best.relevance !== null
      ? `best article "${best.title}" is not relevant enough (relevance ${best.relevance.toFixed(2)}, needs ${floor})`
      : `best article "${best.title}" is not close enough (similarity ${(best.similarity ?? 0).toFixed(2)}, needs ${threshold})`
  return { chosen, rate, noKnowledge }
}

/**
 * The hits at or above the relevance floor, at most `count`, in the search's order. No padding: a hit
 * under the floor is more likely filler than an answer, and no suggestion is an honest answer.
 */
export function keepAboveFloor<T extends { relevance: number }>(hits: readonly T[], floor: number, count: number): T[] {
  return hits.filter((hit) => hit.relevance >= floor).slice(0, count)
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
    relevance: hit.relevance,
    snippet: shorten(hit.snippet),
    language: hit.language,
    reply: replyTemplate.render({
      language: context.language,
      articleLanguage: hit.language,
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
