import type { SearchHit } from '../knowledge/search.js'
import { foldWord } from './classifier/features.js'
import { sigmoid } from './classifier/types.js'
import { relevanceModels } from './relevance-models.js'

/**
 * How likely a search hit is the article that answers the inquiry, in 0–1: a small logistic model per
 * embedding space over what the search says about the hit, fitted offline on labelled question →
 * article pairs (`npm run calibrate:relevance`), so that 0.8 means about 8 in 10 such hits are right.
 * Cosine similarity alone is not comparable across spaces, nor even across questions of one space.
 */

/** The hit's features, in the order of a model's weights. */
export const relevanceFeatureNames = [
  'similarity',
  'fusedScore',
  'vectorRankInverse',
  'textRankInverse',
  'bothTop2',
  'similarityLead',
  'titleWordsInQuestion',
] as const

/** A fitted model: logit = bias + Σ weights[i] · features[i]. */
export interface RelevanceModel {
  /** The embedding space it was fitted in (`provider:model:dimensions`); other spaces get no relevance. */
  spaceId: string
  features: readonly string[]
  weights: readonly number[]
  bias: number
  /** What it was fitted on, for the record: script, data versions, pair counts. */
  fittedOn: Record<string, unknown>
}

/** The search a hit came from: its other hits and the question's words. */
export interface RelevanceContext {
  hits: readonly SearchHit[]
  questionWords: ReadonlySet<string>
}

export function relevanceContext(question: string, hits: readonly SearchHit[]): RelevanceContext {
  return { hits, questionWords: new Set(wordsOf(question)) }
}

/**
 * One hit's features. `similarityLead` is its similarity minus the best of the other hits': positive
 * for a clear winner, negative for a hit far below the best, so the same cosine counts differently at
 * the top and further down. RRF scores are multiplied by 60 (the fusion constant) to be of order one.
 * `titleWordsInQuestion`: an article whose title the question names is more often the answer.
 */
export function relevanceFeatures(hit: SearchHit, context: RelevanceContext): number[] {
  const similarity = hit.similarity ?? 0
  const top2 = (rank: number | null) => rank !== null && rank <= 2
  const others = context.hits.filter((other) => other.articleId !== hit.articleId)
  const bestOther = others.reduce((best, other) => Math.max(best, other.similarity ?? 0), 0)
  const titleWords = [...new Set(wordsOf(hit.title))]
  const named = titleWords.filter((word) => context.questionWords.has(word)).length
  return [
    similarity,
    hit.score * 60,
    hit.vectorRank ? 1 / hit.vectorRank : 0,
    hit.textRank ? 1 / hit.textRank : 0,
    top2(hit.vectorRank) && top2(hit.textRank) ? 1 : 0,
    similarity - bestOther,
    titleWords.length ? named / titleWords.length : 0,
  ]
}

/** Lower-case folded words of four letters or more, cut to six: a crude stem that needs no language. */
function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]{4,}/gu) ?? []).map((word) => foldWord(word).slice(0, 6))
}

export function predictRelevance(model: Pick<RelevanceModel, 'weights' | 'bias'>, features: readonly number[]): number {
  return sigmoid(model.weights.reduce((sum, weight, index) => sum + weight * features[index]!, model.bias))
}

/** The committed model for a space, or undefined when that space has not been calibrated. */
export function relevanceModelFor(spaceId: string): RelevanceModel | undefined {
  return relevanceModels.find((model) => model.spaceId === spaceId)
}

/** Relevance of `hit` in the search it came from, rounded to three decimals. */
export function relevanceOf(model: RelevanceModel, hit: SearchHit, context: RelevanceContext): number {
  return Math.round(predictRelevance(model, relevanceFeatures(hit, context)) * 1000) / 1000
}

/** How a relevance reads in words: `good` gets a ready reply, `maybe` and `weak` one to open first. */
export type RelevanceBand = 'good' | 'maybe' | 'weak' | 'unrated'

/** At 0.5 a suggestion is right more often than not; under 0.25, three in four such are filler. */
export const relevanceBands = { good: 0.5, maybe: 0.25 } as const

export function relevanceBand(relevance: number | null | undefined): RelevanceBand {
  if (relevance === null || relevance === undefined) return 'unrated'
  return relevance >= relevanceBands.good ? 'good' : relevance >= relevanceBands.maybe ? 'maybe' : 'weak'
}
