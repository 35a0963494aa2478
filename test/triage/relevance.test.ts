import { describe, expect, it } from 'vitest'
import { crossValidateRelevance, fitRelevance, relevanceReliability, scoreShown } from '../../eval/relevance/fit.js'
import type { LabelledQuery } from '../../eval/relevance/pairs.js'
import { scoreShownSuggestions } from '../../eval/relevance/measure.js'
import type { SearchHit } from '../../src/knowledge/search.js'
import { seededRandom } from '../../src/triage/classifier/random.js'
import {
  predictRelevance,
  relevanceBand,
  relevanceContext,
  relevanceFeatureNames,
  relevanceFeatures,
  relevanceModelFor,
  type RelevanceModel,
} from '../../src/triage/relevance.js'
import { chooseSuggestions, keepAboveFloor } from '../../src/triage/suggestions.js'

const hit = (id: string, fields: Partial<SearchHit> = {}): SearchHit => ({
  articleId: id,
  externalId: id,
  title: `Article ${id}`,
  url: null,
  language: 'en',
  department: 'technical',
  score: 1 / 61,
  snippet: 'text',
  headingPath: '',
  vectorRank: 1,
  textRank: 1,
  similarity: 0.5,
  ...fields,
})

// A model that reads only the similarity lead: a clear winner is relevant, the rest is not.
const leadOnly: RelevanceModel = {
  spaceId: 'test:lead:1',
  features: relevanceFeatureNames,
  weights: relevanceFeatureNames.map((name) => (name === 'similarityLead' ? 40 : 0)),
  bias: 0,
  fittedOn: {},
}

describe('relevance features', () => {
  it('measure a hit against the other hits of its search and the question', () => {
    const hits = [
      hit('a', { similarity: 0.6, title: 'Washing machine error codes' }),
      hit('b', { similarity: 0.4, vectorRank: 2, textRank: null }),
    ]
    const context = relevanceContext('The washing machine shows error E18', hits)
    const [first, second] = hits.map((entry) => relevanceFeatures(entry, context))
    expect(first).toHaveLength(relevanceFeatureNames.length)
    expect(first![relevanceFeatureNames.indexOf('similarityLead')]).toBeCloseTo(0.2)
    expect(second![relevanceFeatureNames.indexOf('similarityLead')]).toBeCloseTo(-0.2)
    expect(first![relevanceFeatureNames.indexOf('bothTop2')]).toBe(1)
    expect(second![relevanceFeatureNames.indexOf('bothTop2')]).toBe(0)
    expect(second![relevanceFeatureNames.indexOf('textRankInverse')]).toBe(0)
    // "washing", "machine", "error", "codes": three of four title words are in the question.
    expect(first![relevanceFeatureNames.indexOf('titleWordsInQuestion')]).toBeCloseTo(0.75)
  })

  it('has a committed model for the eval space and none for an uncalibrated one', () => {
    expect(relevanceModelFor('hashing:nordic-hash-v1:1024')?.weights).toHaveLength(relevanceFeatureNames.length)
    expect(relevanceModelFor('openai:text-embedding-3-small:1536')).toBeUndefined()
  })

  it('reads in words by band', () => {
    expect([0.9, 0.5, 0.3, 0.1, null, undefined].map(relevanceBand)).toEqual(['good', 'good', 'maybe', 'weak', 'unrated', 'unrated'])
  })
})

describe('the relevance floor', () => {
  const options = { question: 'q', model: leadOnly, floor: 0.5, threshold: 0.15, count: 3 }

  it('drops hits under the floor instead of padding to three', () => {
    const hits = [hit('a', { similarity: 0.7 }), hit('b', { similarity: 0.3 }), hit('c', { similarity: 0.29 })]
    const { chosen, noKnowledge } = chooseSuggestions(hits, options)
    expect(chosen.map((entry) => entry.externalId)).toEqual(['a'])
    expect(chosen[0]!.relevance).toBeGreaterThan(0.99)
    expect(noKnowledge).toBeUndefined()
  })

  it('answers no knowledge when nothing reaches the floor, naming the best relevance', () => {
    const hits = [hit('a', { similarity: 0.3 }), hit('b', { similarity: 0.3 })]
    const { chosen, noKnowledge } = chooseSuggestions(hits, { ...options, floor: 0.6 })
    expect(chosen).toEqual([])
    expect(noKnowledge).toBe('best article "Article a" is not relevant enough (relevance 0.50, needs 0.6)')
    expect(chooseSuggestions([], options).noKnowledge).toBe('the knowledge base has no article for this inquiry')
  })

  it('keeps the similarity threshold, and no relevance, in a space without a model', () => {
    const hits = [hit('a', { similarity: 0.2, vectorRank: 3 }), hit('b', { similarity: 0.1, vectorRank: 4, textRank: 5 })]
    const { chosen } = chooseSuggestions(hits, { ...options, model: undefined })
    expect(chosen.map((entry) => [entry.externalId, entry.relevance])).toEqual([['a', null]])
  })

  it('keeps the search order and at most `count`', () => {
    const rated = [0.9, 0.2, 0.8, 0.7, 0.95].map((relevance, index) => ({ id: index, relevance }))
    expect(keepAboveFloor(rated, 0.5, 3).map((entry) => entry.id)).toEqual([0, 2, 3])
  })
})

describe('the relevance calibrator', () => {
  // Synthetic searches whose right hit has a similarity lead drawn from a known logistic law.
  function synthetic(count: number, seed: number): LabelledQuery[] {
    const random = seededRandom(seed)
    return Array.from({ length: count }, (_, index) => {
      const hits = Array.from({ length: 6 }, (_, rank) => {
        const features = relevanceFeatureNames.map(() => 0)
        const lead = random() * 2 - 1
        features[relevanceFeatureNames.indexOf('similarityLead')] = lead
        features[relevanceFeatureNames.indexOf('vectorRankInverse')] = 1 / (rank + 1)
        const label = random() < 1 / (1 + Math.exp(-(4 * lead - 1))) ? 1 : 0
        return { externalId: `${index}-${rank}`, features, label: label as 0 | 1 }
      })
      return { id: `q${index}`, source: index % 3 ? 'own' : 'adobe', target: `${index}-0`, hits }
    })
  }

  it('recovers a known logistic law and is calibrated on held-out folds', () => {
    const queries = synthetic(600, 7)
    const model = fitRelevance(queries)
    expect(model.weights[relevanceFeatureNames.indexOf('similarityLead')]).toBeCloseTo(4, 0)
    expect(model.bias).toBeCloseTo(-1, 0)
    const heldOut = crossValidateRelevance(queries, 5, 1)
    expect(heldOut).toHaveLength(600 * 6)
    const { ece, reliability } = relevanceReliability(heldOut)
    expect(ece).toBeLessThan(0.03)
    expect(reliability).toHaveLength(10)
    expect(
      predictRelevance(
        model,
        relevanceFeatureNames.map(() => 0),
      ),
    ).toBeCloseTo(1 / (1 + Math.exp(1)), 1)
  })

  it('scores what a floor shows: filler share and target recall', () => {
    const query = (target: string | null, labels: Array<0 | 1>): LabelledQuery => ({
      id: String(target),
      source: 'own',
      target,
      hits: labels.map((label, index) => ({ externalId: `h${index}`, features: [], label })),
    })
    const a = query('h0', [1, 0, 0])
    const b = query(null, [0, 0, 0])
    const heldOut = [
      { query: a, index: 0, relevance: 0.9, label: 1 as const },
      { query: a, index: 1, relevance: 0.6, label: 0 as const },
      { query: a, index: 2, relevance: 0.1, label: 0 as const },
      { query: b, index: 0, relevance: 0.2, label: 0 as const },
    ]
    expect(scoreShown(heldOut, 0.5)).toMatchObject({ shown: 2, fillerShare: 0.5, targetRecall: 1, noKnowledgeWithoutTarget: 1 })
    expect(scoreShown(heldOut, 0.95)).toMatchObject({ shown: 0, targetRecall: 0, noKnowledgeWithTarget: 1 })
  })

  it("counts a shown article as filler unless it is the target, tagged relevant by the blind labels, or a safety case's pin", () => {
    const outcomes = [
      { id: 'c1', targetArticle: 'kb-a', suggested: ['kb-a', 'kb-a-en', 'kb-x'], pinned: null, reasons: [] },
      { id: 'c2', targetArticle: null, suggested: ['kb-safe', 'kb-y'], pinned: 'kb-safe', reasons: ['safety'] },
      { id: 'c3', targetArticle: 'kb-b', suggested: ['kb-safe'], pinned: 'kb-safe', reasons: [] },
    ]
    const relevant = new Map([['c1', new Set(['kb-a', 'kb-a-en'])]])
    const scores = scoreShownSuggestions(outcomes, 0.3, relevant)
    expect(scores).toMatchObject({ shown: 6, labelledCases: 1, targetRecall: 0.5 })
    expect(scores.fillerShare).toBeCloseTo(3 / 6) // kb-x, kb-y, and the pin where the case is not about safety
    expect(scores.fillerShareTargetOnly).toBeCloseTo(4 / 6) // kb-a-en counts as filler too
  })
})
