import { seededRandom, shuffleInPlace } from '../../src/triage/classifier/random.js'
import { fitStacker } from '../../src/triage/classifier/stacker.js'
import { predictRelevance } from '../../src/triage/relevance.js'
import { keepAboveFloor } from '../../src/triage/suggestions.js'
import type { LabelledQuery } from './pairs.js'

/** The L2 penalty of the fit: small, as there are thousands of pairs for six weights. */
const l2 = 1

/** Fits the relevance model on every hit of the queries (Newton's method, Platt's soft targets). */
export function fitRelevance(queries: readonly LabelledQuery[]): { weights: number[]; bias: number } {
  const hits = queries.flatMap((query) => query.hits)
  const fitted = fitStacker(
    hits.map((hit) => hit.features),
    hits.map((hit) => hit.label),
    { l2 },
  )
  return { weights: [...fitted.weights], bias: fitted.bias }
}

/** A held-out relevance: the hit, and what a model fitted without its question said of it. */
export interface HeldOutHit {
  query: LabelledQuery
  index: number
  relevance: number
  label: 0 | 1
}

/**
 * k-fold cross-validation by question: all hits of one question are in the same fold, and each fold is
 * scored by a model fitted on the others. Folds are drawn per source so each holds both.
 */
export function crossValidateRelevance(queries: readonly LabelledQuery[], k = 5, seed = 19): HeldOutHit[] {
  const folds = new Map<LabelledQuery, number>()
  const random = seededRandom(seed)
  for (const source of ['own', 'adobe'] as const) {
    const members = shuffleInPlace(
      queries.filter((query) => query.source === source),
      random,
    )
    members.forEach((query, index) => folds.set(query, index % k))
  }
  const heldOut: HeldOutHit[] = []
  for (let fold = 0; fold < k; fold++) {
    const model = fitRelevance(queries.filter((query) => folds.get(query) !== fold))
    for (const query of queries.filter((entry) => folds.get(entry) === fold)) {
      query.hits.forEach((hit, index) => heldOut.push({ query, index, relevance: predictRelevance(model, hit.features), label: hit.label }))
    }
  }
  return heldOut
}

export interface ReliabilityBin {
  lower: number
  upper: number
  count: number
  meanRelevance: number
  shareRight: number
}

/** Ten equal-width bins of relevance against the share of right articles, and their count-weighted gap (ECE). */
export function relevanceReliability(items: ReadonlyArray<{ relevance: number; label: 0 | 1 }>, bins = 10) {
  const table = Array.from({ length: bins }, (_, index) => ({ lower: index / bins, upper: (index + 1) / bins, count: 0, sum: 0, right: 0 }))
  for (const item of items) {
    const bin = table[Math.min(bins - 1, Math.floor(item.relevance * bins))]!
    bin.count++
    bin.sum += item.relevance
    bin.right += item.label
  }
  const reliability: ReliabilityBin[] = table.map(({ lower, upper, count, sum, right }) => ({
    lower,
    upper,
    count,
    meanRelevance: count ? sum / count : 0,
    shareRight: count ? right / count : 0,
  }))
  const ece = items.length
    ? reliability.reduce((total, bin) => total + (bin.count / items.length) * Math.abs(bin.shareRight - bin.meanRelevance), 0)
    : 0
  return { n: items.length, ece, reliability }
}

/** What a floor would show, per question: the hits at or above it, at most `count`, in the search's order. */
export interface ShownScores {
  floor: number
  /** Shown suggestions that are not the question's target. */
  fillerShare: number
  /** Questions with a target whose target is among the shown suggestions. */
  targetRecall: number
  /** Questions that would get no suggestion at all (`noKnowledge`), with and without a target. */
  noKnowledgeWithTarget: number
  noKnowledgeWithoutTarget: number
  shown: number
}

export function scoreShown(heldOut: readonly HeldOutHit[], floor: number, count = 3): ShownScores {
  const byQuery = new Map<LabelledQuery, HeldOutHit[]>()
  for (const hit of heldOut) byQuery.set(hit.query, [...(byQuery.get(hit.query) ?? []), hit])
  const questions = [...byQuery].map(([query, hits]) => {
    const kept = keepAboveFloor(
      [...hits].sort((a, b) => a.index - b.index),
      floor,
      count,
    )
    return {
      hasTarget: Boolean(query.target),
      shown: kept.length,
      filler: kept.filter((hit) => hit.label === 0).length,
      found: kept.some((hit) => hit.label === 1),
    }
  })
  return tallyShown(floor, questions)
}

/** What one question was shown: how many suggestions, how many of them filler, and whether its target was among them. */
export interface ShownQuestion {
  hasTarget: boolean
  shown: number
  filler: number
  found: boolean
}

/** The shares over all questions, for a floor simulated on held-out relevances or applied by the pipeline. */
export function tallyShown(floor: number, questions: readonly ShownQuestion[]): ShownScores {
  const shown = questions.reduce((sum, question) => sum + question.shown, 0)
  const filler = questions.reduce((sum, question) => sum + question.filler, 0)
  const targeted = questions.filter((question) => question.hasTarget)
  const untargeted = questions.filter((question) => !question.hasTarget)
  const share = (part: number, whole: number) => (whole ? part / whole : 0)
  return {
    floor,
    fillerShare: share(filler, shown),
    targetRecall: share(targeted.filter((question) => question.found).length, targeted.length),
    noKnowledgeWithTarget: share(targeted.filter((question) => question.shown === 0).length, targeted.length),
    noKnowledgeWithoutTarget: share(untargeted.filter((question) => question.shown === 0).length, untargeted.length),
    shown,
  }
}
