import { classificationReport, type ClassificationReport, type ScoredPrediction } from '../src/triage/classifier/metrics.js'
import { departments, type Department } from '../src/triage/classifier/types.js'

/**
 * Deterministic scorers the eval runs over its predictions. Department metrics come from the
 * classifier's own metrics module, so the eval and cross-validation define them the same way.
 */

export interface DepartmentScores extends ClassificationReport {
  /** confusion[actual][predicted] = count. */
  confusion: Record<Department, Record<Department, number>>
  byLanguage: Record<string, ClassificationReport>
}

export function scoreDepartments(predictions: readonly ScoredPrediction[]): DepartmentScores {
  const confusion = Object.fromEntries(
    departments.map((actual) => [actual, Object.fromEntries(departments.map((predicted) => [predicted, 0]))]),
  ) as DepartmentScores['confusion']
  for (const prediction of predictions) confusion[prediction.actual][prediction.predicted]++
  const languages = [...new Set(predictions.map((prediction) => prediction.language ?? 'unknown'))].sort()
  const byLanguage = Object.fromEntries(
    languages.map((language) => [
      language,
      classificationReport(predictions.filter((prediction) => (prediction.language ?? 'unknown') === language)),
    ]),
  )
  return { ...classificationReport(predictions), confusion, byLanguage }
}

export interface RetrievalScores {
  recallAt1: number
  recallAt3: number
  recallAt5: number
  mrr: number
  n: number
}

/** Recall@k and mean reciprocal rank; `rank` is 1-based, null when the target was not returned. */
export function scoreRetrieval(ranks: ReadonlyArray<number | null>): RetrievalScores | null {
  if (ranks.length === 0) return null
  const within = (k: number) => ranks.filter((rank) => rank !== null && rank <= k).length / ranks.length
  const mrr = ranks.reduce<number>((sum, rank) => sum + (rank ? 1 / rank : 0), 0) / ranks.length
  return { recallAt1: within(1), recallAt3: within(3), recallAt5: within(5), mrr, n: ranks.length }
}

/** Rank of `target` in a ranked list of ids, 1-based; null when absent. */
export function rankOf(ranked: readonly string[], target: string): number | null {
  const index = ranked.indexOf(target)
  return index < 0 ? null : index + 1
}

export interface BinaryScores {
  /** null when nothing was predicted positive (precision) or nothing is positive (recall). */
  precision: number | null
  recall: number | null
  truePositives: number
  falsePositives: number
  falseNegatives: number
  n: number
}

/** Precision and recall of a yes/no decision against the expected answer. */
export function scoreBinary(items: ReadonlyArray<{ expected: boolean; predicted: boolean }>): BinaryScores {
  let truePositives = 0
  let falsePositives = 0
  let falseNegatives = 0
  for (const { expected, predicted } of items) {
    if (expected && predicted) truePositives++
    else if (predicted) falsePositives++
    else if (expected) falseNegatives++
  }
  const ratio = (part: number, whole: number) => (whole ? part / whole : null)
  return {
    precision: ratio(truePositives, truePositives + falsePositives),
    recall: ratio(truePositives, truePositives + falseNegatives),
    truePositives,
    falsePositives,
    falseNegatives,
    n: items.length,
  }
}

/**
 * Per reason code: was it detected where a case expects it, and expected where it was detected.
 * Codes nobody writes down (low_confidence, no_knowledge) get detections but no recall.
 */
export function scoreReasons(
  items: ReadonlyArray<{ expected: readonly string[]; detected: readonly string[] }>,
): Record<string, BinaryScores> {
  const codes = [...new Set(items.flatMap((item) => [...item.expected, ...item.detected]))].sort()
  return Object.fromEntries(
    codes.map((code) => [
      code,
      scoreBinary(items.map((item) => ({ expected: item.expected.includes(code), predicted: item.detected.includes(code) }))),
    ]),
  )
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

/** Per-class precision, recall and F1 of a binary task, and their macro average (the signal tasks' headline). */
export interface SignalScores {
  macroF1: number
  accuracy: number
  positive: { precision: number; recall: number; f1: number; support: number }
  negative: { precision: number; recall: number; f1: number; support: number }
  n: number
}

export function scoreSignal(items: ReadonlyArray<{ expected: boolean; predicted: boolean }>): SignalScores {
  const side = (label: boolean) => {
    let tp = 0
    let fp = 0
    let fn = 0
    for (const { expected, predicted } of items) {
      if (predicted === label && expected === label) tp++
      else if (predicted === label) fp++
      else if (expected === label) fn++
    }
    const precision = tp + fp ? tp / (tp + fp) : 0
    const recall = tp + fn ? tp / (tp + fn) : 0
    return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, support: tp + fn }
  }
  const positive = side(true)
  const negative = side(false)
  const correct = items.filter((item) => item.expected === item.predicted).length
  return {
    macroF1: (positive.f1 + negative.f1) / 2,
    accuracy: items.length ? correct / items.length : 0,
    positive,
    negative,
    n: items.length,
  }
}
