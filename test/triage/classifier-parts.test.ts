import { describe, expect, it } from 'vitest'
import { fitAndVectorize, fitFeaturizer, foldWord } from '../../src/triage/classifier/features.js'
import { createExampleIndex, knnScore } from '../../src/triage/classifier/knn.js'
import { predictLogit, trainLogistic } from '../../src/triage/classifier/logistic.js'
import {
  classificationReport,
  expectedCalibrationError,
  macroF1,
  pairedComparison,
  reliabilityBins,
  type CrossValidationResult,
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
    const flipped = neighbours.map((neighbour) => ({
      ...neighbour,
      department: neighbour.department === 'technical' ? ('commercial' as const) : ('technical' as const),
    }))
    expect(knnScore(flipped)).toBeCloseTo(-score, 12)
  })

  it('returns the same neighbours from the precomputed lists as from a fresh search', () => {
    const random = seededRandom(5)
    const examples: LabelledExample[] = Array.from({ length: 120 }, (_, index) => {
      const embedding = Float32Array.from({ length: 16 }, () => random() - 0.5)
      const norm = Math.hypot(...embedding)
      return {
        text: `${index}`,
        language: 'en',
        department: index % 3 ? 'technical' : 'commercial',
        embedding: embedding.map((value) => value / norm),
      }
    })
    const accept = (candidate: LabelledExample) => Number(candidate.text) % 4 !== 0
    const fresh = createExampleIndex(examples, 8)
    const cached = createExampleIndex(examples, 8)
    cached.precompute()
    for (const example of examples.slice(0, 30)) {
      // k = 10 exceeds the cache of 8, so this also checks the fallback to a full search.
      for (const k of [5, 10])
        expect(cached.nearest(example, k, accept)).toEqual(
          fresh.nearest(example.embedding, k, (candidate) => candidate !== example && accept(candidate)),
        )
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
    const predictions = [
      ...repeat(40, 'technical', 'technical'),
      ...repeat(10, 'technical', 'commercial'),
      ...repeat(30, 'commercial', 'commercial'),
      ...repeat(20, 'commercial', 'technical'),
    ]
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

describe('paired comparison', () => {
  // 60 tickets over 3 folds, de and en alternating, two thirds technical.
  const examples: LabelledExample[] = Array.from({ length: 60 }, (_, index) => ({
    text: `ticket ${index}`,
    department: index % 3 === 0 ? 'commercial' : 'technical',
    language: index % 2 ? 'en' : 'de',
    embedding: new Float32Array([1]),
  }))
  const flip = (department: Department): Department => (department === 'technical' ? 'commercial' : 'technical')
  /** A CV result that gets wrong the tickets `wrong` picks; `order` permutes the prediction order. */
  const system = (wrong: (index: number) => boolean, order = (index: number) => index): Pick<CrossValidationResult, 'predictions'> => ({
    predictions: examples
      .map((_, position) => order(position))
      .map((index) => {
        const example = examples[index]!
        const predicted = wrong(index) ? flip(example.department) : example.department
        return { example, fold: index % 3, actual: example.department, predicted, confidence: 0.8, language: example.language }
      }),
  })
  const ours = system((index) => index % 10 === 0)
  const baseline = system(
    (index) => index % 4 === 1 || index % 10 === 0,
    (index) => 59 - index,
  )

  it('reports the differences of the whole set, per language and per fold, with the same folds paired', () => {
    const comparison = pairedComparison([{ ours, baseline }], { resamples: 200 })
    expect(comparison.overall.count).toBe(60)
    expect(comparison.overall.macroF1.difference).toBeCloseTo(macroF1(ours.predictions) - macroF1(baseline.predictions), 12)
    expect(comparison.overall.accuracy.difference).toBeCloseTo(
      classificationReport(ours.predictions).accuracy - classificationReport(baseline.predictions).accuracy,
      12,
    )
    for (const language of ['de', 'en']) {
      const only = (run: typeof ours) => run.predictions.filter((prediction) => prediction.language === language)
      expect(comparison.byLanguage[language]!.count).toBe(30)
      expect(comparison.byLanguage[language]!.macroF1.difference).toBeCloseTo(macroF1(only(ours)) - macroF1(only(baseline)), 12)
    }
    expect(comparison.folds.map(({ run, fold }) => [run, fold])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
    ])
    for (const fold of comparison.folds) {
      const inFold = (run: typeof ours) => run.predictions.filter((prediction) => prediction.fold === fold.fold)
      expect(fold.difference).toBeCloseTo(macroF1(inFold(ours)) - macroF1(inFold(baseline)), 12)
    }
    expect(comparison.wins + comparison.losses).toBeLessThanOrEqual(3)
    expect(comparison.wins).toBe(comparison.folds.filter((fold) => fold.difference > 0).length)
    const { difference, lower, upper } = comparison.overall.macroF1
    expect(lower).toBeLessThan(difference)
    expect(upper).toBeGreaterThan(difference)
    expect(lower).toBeGreaterThan(0) // ours' errors are a subset of the baseline's
  })

  it('averages over runs, is seeded, and gives a zero interval for identical systems', () => {
    const twice = pairedComparison(
      [
        { ours, baseline },
        { ours: baseline, baseline: ours },
      ],
      { resamples: 50 },
    )
    expect(twice.overall.macroF1.difference).toBeCloseTo(0, 12)
    expect(twice.folds).toHaveLength(6)
    expect(pairedComparison([{ ours, baseline }], { resamples: 50, seed: 7 })).toEqual(
      pairedComparison([{ ours, baseline }], { resamples: 50, seed: 7 }),
    )
    const same = pairedComparison([{ ours, baseline: ours }], { resamples: 50 })
    expect(same.overall.macroF1).toEqual({ difference: 0, lower: 0, upper: 0 })
    expect(same.byLanguage.de!.accuracy).toEqual({ difference: 0, lower: 0, upper: 0 })
    expect([same.wins, same.losses]).toEqual([0, 0])
  })

  it('refuses runs over different examples', () => {
    const fewer = { predictions: ours.predictions.slice(1) }
    expect(() => pairedComparison([{ ours, baseline: fewer }])).toThrow(/same examples/)
  })
})
