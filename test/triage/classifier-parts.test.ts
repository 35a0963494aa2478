import { describe, expect, it } from 'vitest'
import { fitAndVectorize, fitFeaturizer, foldWord } from '../../src/triage/classifier/features.js'
import { createExampleIndex, knnScore } from '../../src/triage/classifier/knn.js'
import { predictLogit, trainLogistic } from '../../src/triage/classifier/logistic.js'
import {
  classificationReport,
  expectedCalibrationError,
  macroF1,
  reliabilityBins,
  type ScoredPrediction,
} from '../../src/triage/classifier/metrics.js'
import { seededRandom, stratifiedFolds } from '../../src/triage/classifier/random.js'
import { fitStacker, stackLogit } from '../../src/triage/classifier/stacker.js'
import { sigmoid, type Department, type LabelledExample } from '../../src/triage/classifier/types.js'

describe('features', () => {
  it('folds umlauts and ß, so every spelling of a word gives the same vector', () => {
    expect(foldWord('rückerstattung')).toBe('ruckerstattung')
    expect(foldWord('rueckerstattung')).toBe('ruckerstattung')
    expect(foldWord('straße')).toBe('strasse')
    const featurizer = fitFeaturizer([], { idf: false })
    const vectors = ['Rückerstattung', 'Rueckerstattung', 'Ruckerstattung'].map((text) => featurizer.vectorize(text))
    for (const vector of vectors.slice(1)) expect(vector).toEqual(vectors[0])
  })

  it('gives unit-length vectors with ascending indices inside the bucket range, and an empty one for no words', () => {
    const { featurizer, vectors } = fitAndVectorize(['Der Router ist kaputt', 'Rechnung falsch', 'router router router'])
    for (const vector of [...vectors, featurizer.vectorize('Ein völlig neuer Text')]) {
      const norm = Math.hypot(...vector.values)
      expect(norm).toBeCloseTo(1, 5)
      for (let position = 1; position < vector.indices.length; position++) {
        expect(vector.indices[position]!).toBeGreaterThan(vector.indices[position - 1]!)
      }
      expect(Math.max(...vector.indices)).toBeLessThan(2 ** 18)
    }
    expect(featurizer.vectorize('  !!! ').indices).toHaveLength(0)
  })

  it('weighs repetitions sublinearly and words shared by every text down (IDF)', () => {
    const featurizer = fitFeaturizer([], { idf: false, charNgrams: false })
    // Words and "router rechnung" occur three times, "rechnung router" twice: 1 + ln 3 against 1 + ln 2, not 3 against 2.
    const { values } = featurizer.vectorize('router rechnung router rechnung router rechnung')
    expect(values).toHaveLength(4)
    expect(Math.max(...values) / Math.min(...values)).toBeCloseTo((1 + Math.log(3)) / (1 + Math.log(2)), 5)
    const { featurizer: weighted } = fitAndVectorize(['bitte router', 'bitte rechnung', 'bitte lieferung'], { charNgrams: false })
    const vector = weighted.vectorize('bitte router')
    const [common, rare] = [...vector.values].sort((a, b) => a - b)
    expect(common!).toBeLessThan(rare!)
  })
})

describe('logistic regression', () => {
  it('separates two vocabularies and is deterministic for a seed', () => {
    const texts = ['router kaputt', 'wlan geht nicht', 'display defekt', 'rechnung falsch', 'bestellung stornieren', 'zahlung doppelt']
    const labels = [1, 1, 1, 0, 0, 0]
    const { featurizer, vectors } = fitAndVectorize(texts)
    const model = trainLogistic(vectors, labels, { dimensions: featurizer.options.buckets, epochs: 20 })
    expect(predictLogit(model, featurizer.vectorize('router defekt'))).toBeGreaterThan(0)
    expect(predictLogit(model, featurizer.vectorize('rechnung stornieren'))).toBeLessThan(0)
    const again = trainLogistic(vectors, labels, { dimensions: featurizer.options.buckets, epochs: 20 })
    // Compared by hand: a deep equality over 2^18 weights takes the matcher seconds.
    expect(again.bias).toBe(model.bias)
    expect(again.weights.every((weight, index) => weight === model.weights[index])).toBe(true)
  })
})

describe('kNN', () => {
  it('scores no neighbours as 0 and a technical majority as positive, symmetrically', () => {
    expect(knnScore([])).toBe(0)
    const neighbours = [
      { department: 'technical' as const, similarity: 0.8 },
      { department: 'technical' as const, similarity: 0.7 },
      { department: 'commercial' as const, similarity: 0.6 },
    ]
    const score = knnScore(neighbours)
    expect(score).toBeGreaterThan(0)
    const flipped = neighbours.map((neighbour) => ({ ...neighbour, department: neighbour.department === 'technical' ? ('commercial' as const) : ('technical' as const) }))
    expect(knnScore(flipped)).toBeCloseTo(-score, 12)
  })

  it('returns the same neighbours from the precomputed lists as from a fresh search', () => {
    const random = seededRandom(5)
    const examples: LabelledExample[] = Array.from({ length: 120 }, (_, index) => {
      const embedding = Float32Array.from({ length: 16 }, () => random() - 0.5)
      const norm = Math.hypot(...embedding)
      return { text: `${index}`, language: 'en', department: index % 3 ? 'technical' : 'commercial', embedding: embedding.map((value) => value / norm) }
    })
    const accept = (candidate: LabelledExample) => Number(candidate.text) % 4 !== 0
    const fresh = createExampleIndex(examples, 8)
    const cached = createExampleIndex(examples, 8)
    cached.precompute()
    for (const example of examples.slice(0, 30)) {
      // k = 10 exceeds the cache of 8, so this also checks the fallback to a full search.
      for (const k of [5, 10]) expect(cached.nearest(example, k, accept)).toEqual(fresh.nearest(example.embedding, k, (candidate) => candidate !== example && accept(candidate)))
    }
    expect(fresh.nearest(examples[0]!, 1)[0]!.similarity).toBeLessThan(0.9999)
  })
})

describe('stacker', () => {
  it('recovers a Platt scaling and stays finite on separable scores', () => {
    const random = seededRandom(9)
    const rows = Array.from({ length: 4000 }, () => [random() * 8 - 4])
    const labels = rows.map(([score]) => (random() < sigmoid(2 * score! - 1) ? 1 : 0))
    const fitted = fitStacker(rows, labels, { l2: 0 })
    expect(fitted.weights[0]!).toBeCloseTo(2, 0)
    expect(fitted.bias).toBeCloseTo(-1, 0)
    const separable = fitStacker([[-2], [-1], [1], [2]], [0, 0, 1, 1])
    expect(sigmoid(stackLogit(separable, [2]))).toBeLessThan(0.95)
    expect(sigmoid(stackLogit(separable, [2]))).toBeGreaterThan(0.5)
  })
})

describe('stratified folds', () => {
  it('spread each class evenly and repeat for the same seed', () => {
    const labels = Array.from({ length: 103 }, (_, index) => (index % 3 === 0 ? 0 : 1))
    const folds = stratifiedFolds(labels, 5, 1)
    for (let fold = 0; fold < 5; fold++) {
      const minority = labels.filter((label, index) => label === 0 && folds[index] === fold).length
      expect(minority === 6 || minority === 7).toBe(true)
    }
    expect(stratifiedFolds(labels, 5, 1)).toEqual(folds)
    expect(stratifiedFolds(labels, 5, 2)).not.toEqual(folds)
  })
})

describe('metrics', () => {
  const repeat = (count: number, actual: Department, predicted: Department, confidence = 0.9): ScoredPrediction[] =>
    Array.from({ length: count }, () => ({ actual, predicted, confidence }))

  it('computes macro-F1 from a known confusion matrix', () => {
    // technical: 40 right, 10 called commercial; commercial: 30 right, 20 called technical.
    const predictions = [...repeat(40, 'technical', 'technical'), ...repeat(10, 'technical', 'commercial'), ...repeat(30, 'commercial', 'commercial'), ...repeat(20, 'commercial', 'technical')]
    const report = classificationReport(predictions)
    expect(report.accuracy).toBeCloseTo(0.7, 12)
    expect(report.classes.technical).toMatchObject({ support: 50, recall: 0.8 })
    expect(report.classes.technical.precision).toBeCloseTo(2 / 3, 12)
    expect(report.classes.commercial).toMatchObject({ support: 50, precision: 0.75, recall: 0.6 })
    expect(report.classes.technical.f1).toBeCloseTo(8 / 11, 12)
    expect(report.classes.commercial.f1).toBeCloseTo(2 / 3, 12)
    expect(macroF1(predictions)).toBeCloseTo((8 / 11 + 2 / 3) / 2, 12)
    expect(macroF1(repeat(5, 'technical', 'technical'))).toBe(0.5)
  })

  it('computes ECE and reliability bins on a toy case', () => {
    // 10 at 0.95 with 8 right (gap 0.15) and 10 at 0.65 with 7 right (gap 0.05): ECE = (0.15 + 0.05) / 2.
    const predictions = [
      ...repeat(8, 'technical', 'technical', 0.95),
      ...repeat(2, 'commercial', 'technical', 0.95),
      ...repeat(7, 'commercial', 'commercial', 0.65),
      ...repeat(3, 'technical', 'commercial', 0.65),
    ]
    expect(expectedCalibrationError(predictions)).toBeCloseTo(0.1, 12)
    const bins = reliabilityBins(predictions)
    expect(bins).toHaveLength(10)
    expect(bins[6]).toMatchObject({ lower: 0.6, upper: 0.7, count: 10 })
    expect(bins[6]!.meanConfidence).toBeCloseTo(0.65, 12)
    expect(bins[6]!.accuracy).toBeCloseTo(0.7, 12)
    expect(bins[9]!.count).toBe(10)
    expect(bins[9]!.lower).toBeCloseTo(0.9, 12)
    expect(bins[9]!.meanConfidence).toBeCloseTo(0.95, 12)
    expect(bins[9]!.accuracy).toBeCloseTo(0.8, 12)
    expect(reliabilityBins(repeat(3, 'technical', 'technical', 1))[9]!.count).toBe(3)
    expect(expectedCalibrationError(repeat(4, 'technical', 'technical', 1))).toBe(0)
    expect(expectedCalibrationError([])).toBe(0)
  })
})
