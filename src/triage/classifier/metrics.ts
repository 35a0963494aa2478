import { createExampleIndex, type NeighbourSearch } from './knn.js'
import { trainDepartmentModel, type DepartmentModel, type DepartmentModelOptions } from './model.js'
import { seededRandom, stratifiedFolds } from './random.js'
import { departments, labelOf, type Department, type LabelledExample } from './types.js'

/**
 * Classification and calibration metrics, and k-fold cross-validation that yields out-of-fold
 * predictions. Labels are imbalanced (about two technical inquiries per commercial one), so macro-F1
 * is the headline figure, not accuracy.
 */

/** One scored prediction: what was predicted, with what confidence, and the truth. */
export interface ScoredPrediction {
  actual: Department
  predicted: Department
  /** Probability the model gave its predicted department. */
  confidence: number
  language?: string
}

export interface ClassScores {
  precision: number
  recall: number
  f1: number
  support: number
}

/** One bin of a reliability diagram: predictions whose confidence lies in [lower, upper). */
export interface ReliabilityBin {
  lower: number
  upper: number
  count: number
  meanConfidence: number
  accuracy: number
}

export interface ClassificationReport {
  count: number
  accuracy: number
  macroF1: number
  ece: number
  classes: Record<Department, ClassScores>
  reliability: ReliabilityBin[]
}

export function accuracy(predictions: readonly ScoredPrediction[]): number {
  if (predictions.length === 0) return 0
  return predictions.filter((prediction) => prediction.predicted === prediction.actual).length / predictions.length
}

/** Precision, recall and F1 of one class; 0 where a denominator is 0. */
export function classScores(predictions: readonly ScoredPrediction[], department: Department): ClassScores {
  let truePositives = 0
  let predicted = 0
  let support = 0
  for (const prediction of predictions) {
    if (prediction.predicted === department) predicted++
    if (prediction.actual === department) support++
    if (prediction.predicted === department && prediction.actual === department) truePositives++
  }
  const precision = predicted ? truePositives / predicted : 0
  const recall = support ? truePositives / support : 0
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0
  return { precision, recall, f1, support }
}

/** Unweighted mean of the per-class F1 scores. */
export function macroF1(predictions: readonly ScoredPrediction[]): number {
  return departments.reduce((sum, department) => sum + classScores(predictions, department).f1, 0) / departments.length
}

/** Equal-width bins over [0, 1]; the last bin includes 1. Empty bins are kept, with zeros. */
export function reliabilityBins(predictions: readonly ScoredPrediction[], bins = 10): ReliabilityBin[] {
  const result = Array.from({ length: bins }, (_, index) => ({
    lower: index / bins,
    upper: (index + 1) / bins,
    count: 0,
    confidence: 0,
    correct: 0,
  }))
  for (const prediction of predictions) {
    const bin = result[Math.min(bins - 1, Math.floor(prediction.confidence * bins))]!
    bin.count++
    bin.confidence += prediction.confidence
    if (prediction.predicted === prediction.actual) bin.correct++
  }
  return result.map(({ lower, upper, count, confidence, correct }) => ({
    lower,
    upper,
    count,
    meanConfidence: count ? confidence / count : 0,
    accuracy: count ? correct / count : 0,
  }))
}

/** ECE: the count-weighted mean gap between confidence and accuracy over equal-width bins. */
export function expectedCalibrationError(predictions: readonly ScoredPrediction[], bins = 10): number {
  if (predictions.length === 0) return 0
  return reliabilityBins(predictions, bins).reduce(
    (sum, bin) => sum + (bin.count / predictions.length) * Math.abs(bin.accuracy - bin.meanConfidence),
    0,
  )
}

export function classificationReport(predictions: readonly ScoredPrediction[]): ClassificationReport {
  return {
    count: predictions.length,
    accuracy: accuracy(predictions),
    macroF1: macroF1(predictions),
    ece: expectedCalibrationError(predictions),
    classes: { technical: classScores(predictions, 'technical'), commercial: classScores(predictions, 'commercial') },
    reliability: reliabilityBins(predictions),
  }
}

/** Trains a model on the training folds; `search` finds neighbours among any examples it accepts. */
export type Trainer = (examples: LabelledExample[], search: NeighbourSearch) => Pick<DepartmentModel, 'predict'>

export interface CrossValidationOptions {
  /** Neighbours passed to `predict` for each held-out example, as pgvector would; 0 for none. */
  neighbours?: number
  /** Defaults to `trainDepartmentModel` with `model` options. */
  train?: Trainer
  model?: DepartmentModelOptions
}

export interface CrossValidationResult {
  /** In fold order; `fold` is the held-out fold (0..k-1) the example was predicted in. */
  predictions: Array<ScoredPrediction & { example: LabelledExample; fold: number }>
  overall: ClassificationReport
  byLanguage: Record<string, ClassificationReport>
}

/**
 * Stratified k-fold cross-validation. Each held-out example is predicted by a model trained on the other
 * folds, with its neighbours from those folds only, found by one shared index whose neighbour lists are
 * computed once and filtered per fold (the inner folds of the model's stacker reuse them as well).
 */
export function crossValidate(
  examples: readonly LabelledExample[],
  k = 5,
  seed = 1,
  options: CrossValidationOptions = {},
): CrossValidationResult {
  const neighbours = options.neighbours ?? options.model?.neighbours ?? 20
  const train: Trainer = options.train ?? ((fold, search) => trainDepartmentModel(fold, { ...options.model, search }))
  const folds = stratifiedFolds(
    Uint8Array.from(examples, (example) => labelOf(example.department)),
    k,
    seed,
  )
  const index = createExampleIndex(examples)
  // Brute-force neighbours are the main cost; a trainer that needs none (neighbours: 0) skips them.
  if (neighbours > 0) index.precompute()
  const predictions: CrossValidationResult['predictions'] = []
  for (let fold = 0; fold < k; fold++) {
    const training = new Set(examples.filter((_, position) => folds[position] !== fold))
    const model = train([...training], index.nearest)
    examples.forEach((example, position) => {
      if (folds[position] !== fold) return
      const found = neighbours > 0 ? index.nearest(example, neighbours, (candidate) => training.has(candidate)) : []
      const { department, confidence } = model.predict({ text: example.text, neighbours: found })
      predictions.push({ example, fold, actual: example.department, predicted: department, confidence, language: example.language })
    })
  }
  const languages = [...new Set(predictions.map((prediction) => prediction.language ?? ''))].sort()
  const byLanguage = Object.fromEntries(
    languages.map((language) => [language, classificationReport(predictions.filter((prediction) => prediction.language === language))]),
  )
  return { predictions, overall: classificationReport(predictions), byLanguage }
}

/** A difference ours − baseline and its paired-bootstrap percentile interval. */
export interface DifferenceInterval {
  difference: number
  lower: number
  upper: number
}

export interface PairedDifferences {
  count: number
  macroF1: DifferenceInterval
  accuracy: DifferenceInterval
}

/** Macro-F1 of both systems on one held-out fold of one run. */
export interface FoldComparison {
  run: number
  fold: number
  ours: number
  baseline: number
  difference: number
}

export interface PairedComparison {
  folds: FoldComparison[]
  /** Folds where ours has the higher macro-F1; ties count as neither. */
  wins: number
  losses: number
  overall: PairedDifferences
  byLanguage: Record<string, PairedDifferences>
}

export interface PairedBootstrapOptions {
  resamples?: number
  seed?: number
  /** Coverage of the percentile interval. */
  level?: number
}

type Compared = Pick<CrossValidationResult, 'predictions'>

/**
 * Compares two systems cross-validated on the same folds (one pair per CV run, e.g. per seed). A
 * difference is the mean over runs of (ours − baseline). The interval is a paired bootstrap: tickets are
 * drawn with replacement, each drawn ticket brings both systems' predictions from every run, and the
 * statistic is recomputed on the resample; per language only that language's tickets are drawn. Seeded,
 * so the same inputs give the same interval.
 */
export function pairedComparison(
  runs: ReadonlyArray<{ ours: Compared; baseline: Compared }>,
  options: PairedBootstrapOptions = {},
): PairedComparison {
  const { resamples = 1000, seed = 1, level = 0.95 } = options
  const first = runs[0]?.ours.predictions ?? []
  const position = new Map(first.map((prediction, index) => [prediction.example, index]))
  // codes[run][system][ticket] = 2 · predicted technical + actually technical, in the first run's order.
  const codes = runs.map((run) =>
    [run.ours, run.baseline].map((system) => {
      if (system.predictions.length !== first.length) throw new Error('the runs do not cover the same examples')
      const coded = new Uint8Array(first.length)
      for (const prediction of system.predictions) {
        const index = position.get(prediction.example)
        if (index === undefined) throw new Error('the runs do not cover the same examples')
        coded[index] = 2 * labelOf(prediction.predicted) + labelOf(prediction.actual)
      }
      return coded
    }),
  )

  const folds: FoldComparison[] = []
  runs.forEach((run, runIndex) => {
    const foldNumbers = [...new Set(run.ours.predictions.map((prediction) => prediction.fold))].sort((a, b) => a - b)
    for (const fold of foldNumbers) {
      const ours = macroF1(run.ours.predictions.filter((prediction) => prediction.fold === fold))
      const baseline = macroF1(run.baseline.predictions.filter((prediction) => prediction.fold === fold))
      folds.push({ run: runIndex, fold, ours, baseline, difference: ours - baseline })
    }
  })

  const random = seededRandom(seed)
  const compare = (tickets: number[]): PairedDifferences => {
    const point = differences(codes, tickets)
    const macro: number[] = []
    const accurate: number[] = []
    const drawn = new Array<number>(tickets.length)
    for (let resample = 0; resample < resamples; resample++) {
      for (let draw = 0; draw < tickets.length; draw++) drawn[draw] = tickets[Math.floor(random() * tickets.length)]!
      const { macroF1, accuracy } = differences(codes, drawn)
      macro.push(macroF1)
      accurate.push(accuracy)
    }
    return {
      count: tickets.length,
      macroF1: { difference: point.macroF1, ...percentileInterval(macro, level) },
      accuracy: { difference: point.accuracy, ...percentileInterval(accurate, level) },
    }
  }
  const all = first.map((_, index) => index)
  const languages = [...new Set(first.map((prediction) => prediction.language ?? ''))].sort()
  return {
    folds,
    wins: folds.filter((fold) => fold.difference > 0).length,
    losses: folds.filter((fold) => fold.difference < 0).length,
    overall: compare(all),
    byLanguage: Object.fromEntries(
      languages.map((language) => [language, compare(all.filter((index) => (first[index]!.language ?? '') === language))]),
    ),
  }
}

/** Mean over runs of ours − baseline, macro-F1 and accuracy, on the given tickets (repeats allowed). */
function differences(codes: Uint8Array[][], tickets: readonly number[]): { macroF1: number; accuracy: number } {
  let macro = 0
  let accurate = 0
  for (const systems of codes) {
    const [ours, baseline] = systems.map((coded) => {
      // counts[2 · predicted + actual], technical = 1.
      const counts = [0, 0, 0, 0]
      for (const ticket of tickets) counts[coded[ticket]!]!++
      const [bothCommercial, missedTechnical, missedCommercial, bothTechnical] = counts as [number, number, number, number]
      const f1 = (hits: number, wrong: number) => (hits ? (2 * hits) / (2 * hits + wrong) : 0)
      return {
        macroF1: (f1(bothTechnical, missedTechnical + missedCommercial) + f1(bothCommercial, missedTechnical + missedCommercial)) / 2,
        accuracy: tickets.length ? (bothCommercial + bothTechnical) / tickets.length : 0,
      }
    })
    macro += ours!.macroF1 - baseline!.macroF1
    accurate += ours!.accuracy - baseline!.accuracy
  }
  return { macroF1: macro / codes.length, accuracy: accurate / codes.length }
}

/** The central `level` share of the values: nearest-rank percentiles. */
function percentileInterval(values: number[], level: number): { lower: number; upper: number } {
  if (values.length === 0) return { lower: Number.NaN, upper: Number.NaN }
  const sorted = [...values].sort((a, b) => a - b)
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1))]!
  return { lower: at((1 - level) / 2), upper: at(1 - (1 - level) / 2) }
}
