import { createExampleIndex, type NeighbourSearch } from './knn.js'
import { trainDepartmentModel, type DepartmentModel, type DepartmentModelOptions } from './model.js'
import { stratifiedFolds } from './random.js'
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
  const result = Array.from({ length: bins }, (_, index) => ({ lower: index / bins, upper: (index + 1) / bins, count: 0, confidence: 0, correct: 0 }))
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
  predictions: Array<ScoredPrediction & { example: LabelledExample }>
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
  const folds = stratifiedFolds(Uint8Array.from(examples, (example) => labelOf(example.department)), k, seed)
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
      predictions.push({ example, actual: example.department, predicted: department, confidence, language: example.language })
    })
  }
  const languages = [...new Set(predictions.map((prediction) => prediction.language ?? ''))].sort()
  const byLanguage = Object.fromEntries(
    languages.map((language) => [language, classificationReport(predictions.filter((prediction) => prediction.language === language))]),
  )
  return { predictions, overall: classificationReport(predictions), byLanguage }
}
