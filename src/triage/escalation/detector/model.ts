import { fitStacker, stackLogit, type Stacker } from '../../classifier/stacker.js'
import { stratifiedFolds } from '../../classifier/random.js'
import { runToEnd, type Steps } from '../../classifier/steps.js'
import { sigmoid } from '../../classifier/types.js'
import { ruleHits } from '../rules.js'
import { fitLogisticLbfgs, type LbfgsOptions } from './lbfgs.js'
import { extractFeatures, featureBuckets, type RuleHit, type TextFeatures } from './text-features.js'

/**
 * One binary model per text reason: logistic regression over Naive-Bayes-scaled binary features
 * (NB-LR, Wang & Manning 2012), fitted exactly, calibrated by Platt scaling on out-of-fold scores, with
 * a decision threshold chosen on those same out-of-fold scores. Measurements: docs/escalation.md and eval/report.md.
 */

/** A labelled text: `labels[reason]` true (applies) or false (does not); a missing reason is unknown. */
export interface EscalationExample {
  text: string
  labels: Readonly<Record<string, boolean>>
  /** How much the example counts (a lead's verdict more than a written example); default 1. */
  weight?: number
}

export interface DetectorOptions {
  /** liblinear's C on NB-scaled binary features; chosen by cross-validation on the corpus. */
  c: number
  /** Laplace smoothing of the NB log-count ratios. */
  alpha: number
  /** Folds for the out-of-fold scores that calibrate the model and choose its threshold. */
  folds: number
  /** A reason with fewer positive examples is not learned (its score is 0). */
  minPositives: number
  maxIterations: number
  /** The threshold maximises F-beta out of fold: beta > 1 weighs recall higher (a missed case costs more). */
  beta: number
}

/** Bumped when features or training change, so a stored model of the old kind is never loaded. */
export const detectorAlgorithm = 'esc-v2'

// beta 1.5: the targets ask for recall 0.95 at precision 0.85, so a missed case weighs more than a false alarm.
export const defaultDetectorOptions: DetectorOptions = { c: 0.1, alpha: 1, folds: 3, minPositives: 5, maxIterations: 150, beta: 1.5 }

/** What the model knows about one reason. */
export interface ReasonModel {
  /** Linear weight per feature bucket, the NB ratio folded in (w · r). */
  weights: Float32Array
  bias: number
  platt: Stacker
  /** Calibrated probability from which the reason counts as present (F1-optimal out of fold). */
  threshold: number
  positives: number
  examples: number
  /** What the reason was trained on (its labelled examples and the options): equal keys, equal models. */
  key?: string
}

export interface ReasonScore {
  probability: number
  /** The phrases that pushed the score up most, as written in the text (computed when asked). */
  phrases(): string[]
}

export interface EscalationModel {
  version: string
  reasons: ReadonlyMap<string, ReasonModel>
  /** Calibrated probability of every learned reason, with the phrases behind it; `hits` when the caller has them already. */
  score(text: string, hits?: readonly RuleHit[]): Map<string, ReasonScore>
}

/**
 * Trains one model per reason in `codes`; deterministic for the same examples and options. A reason of
 * `previous` whose labelled examples are the same is taken over instead of trained again: a lead's
 * verdict or an erased customer changes the reasons they name, so only those are retrained.
 */
export function trainEscalationModel(
  examples: readonly EscalationExample[],
  codes: readonly string[],
  options: Partial<DetectorOptions> = {},
  previous?: EscalationModel,
): EscalationModel {
  return runToEnd(trainEscalationModelSteps(examples, codes, options, previous))
}

export function* trainEscalationModelSteps(
  examples: readonly EscalationExample[],
  codes: readonly string[],
  options: Partial<DetectorOptions> = {},
  previous?: EscalationModel,
): Steps<EscalationModel> {
  const settings = { ...defaultDetectorOptions, ...options }
  const features = new Map<string, Int32Array>()
  const reasons = new Map<string, ReasonModel>()
  // A canonical order (folds and columns follow it), sorted once; each reason takes its labelled examples
  // from it, an order that does not depend on the examples it has no label for: its model can be reused
  // when only those change.
  const sorted = examples
    .map((example) => ({ example, line: exampleKey(example) }))
    .sort((a, b) => (a.line < b.line ? -1 : a.line > b.line ? 1 : 0))
  for (const code of codes) {
    const members = sorted.filter(({ example }) => code in example.labels)
    const labels = Uint8Array.from(members, ({ example }) => (example.labels[code] ? 1 : 0))
    const positives = labels.reduce((sum, label) => sum + label, 0)
    if (positives < settings.minPositives || positives === labels.length) continue
    const key = reasonKey(
      code,
      members.map(({ line }) => line),
      settings,
    )
    const reused = previous?.reasons.get(code)
    if (reused?.key === key) {
      reasons.set(code, reused)
      continue
    }
    const ids: Int32Array[] = []
    for (const { example } of members) {
      let row = features.get(example.text)
      if (!row) {
        features.set(example.text, (row = featuresOf(example.text).ids))
        yield
      }
      ids.push(row)
    }
    const { rows, buckets } = compactColumns(ids)
    const sample = { rows, labels, weights: members.map(({ example }) => example.weight ?? 1) }
    reasons.set(code, { ...(yield* trainReason(sample, buckets, settings)), key })
  }
  return createModel(modelVersion(examples, codes, settings), reasons)
}

interface Sample {
  rows: Int32Array[]
  labels: Uint8Array
  weights: number[]
}

/**
 * The final fit on all rows, then one fit per fold started from it (a few steps each) for the
 * out-of-fold scores that calibrate it and choose its threshold.
 */
function* trainReason(sample: Sample, buckets: Int32Array, settings: DetectorOptions): Steps<Omit<ReasonModel, 'key'>> {
  const final = yield* fitNbLogistic(sample, buckets.length, settings)
  const folds = stratifiedFolds(sample.labels, settings.folds, 1)
  const outOfFold = new Float64Array(sample.rows.length)
  for (let fold = 0; fold < settings.folds; fold++) {
    const train = sample.rows.flatMap((_, index) => (folds[index] !== fold ? [index] : []))
    const part = {
      rows: train.map((i) => sample.rows[i]!),
      labels: Uint8Array.from(train, (i) => sample.labels[i]!),
      weights: train.map((i) => sample.weights[i]!),
    }
    const fitted = yield* fitNbLogistic(part, buckets.length, settings, final.fit)
    sample.rows.forEach((row, index) => {
      if (folds[index] === fold) outOfFold[index] = columnLogit(fitted, row)
    })
  }
  const platt = fitStacker(
    Array.from(outOfFold, (logit) => [logit]),
    sample.labels,
  )
  const probabilities = Array.from(outOfFold, (logit) => sigmoid(stackLogit(platt, [logit])))
  const weights = new Float32Array(featureBuckets)
  buckets.forEach((bucket, column) => (weights[bucket] = final.fit[column]! * final.ratio[column]!))
  return {
    weights,
    bias: final.fit[buckets.length]!,
    platt,
    threshold: bestThreshold(probabilities, sample.labels, settings.beta),
    positives: sample.labels.reduce((sum, label) => sum + label, 0),
    examples: sample.rows.length,
  }
}

interface NbFit {
  ratio: Float64Array
  /** Weight per column, then the bias. */
  fit: Float64Array
}

/** NB log-count ratios from the sample, then logistic regression on the ratio-valued rows. */
function* fitNbLogistic(sample: Sample, width: number, settings: DetectorOptions, initial?: Float64Array): Steps<NbFit> {
  const ratio = nbRatios(sample, width, settings.alpha)
  const lbfgs: LbfgsOptions = {
    c: settings.c,
    balanced: true,
    maxIterations: settings.maxIterations,
    tolerance: 1e-5,
    exampleWeights: sample.weights,
    initial,
  }
  return { ratio, fit: yield* fitLogisticLbfgs(sample.rows, sample.labels, ratio, lbfgs) }
}

/** r = log((p / |p|₁) / (q / |q|₁)) with p, q the smoothed, weighted feature counts of each class. */
function nbRatios(sample: Sample, width: number, alpha: number): Float64Array {
  const counts = [new Float64Array(width).fill(alpha), new Float64Array(width).fill(alpha)]
  sample.rows.forEach((row, index) => {
    const into = counts[sample.labels[index]! ? 1 : 0]!
    for (const column of row) into[column]! += sample.weights[index]!
  })
  const [negative, positive] = counts.map((count) => count.reduce((sum, value) => sum + value, 0))
  const ratio = new Float64Array(width)
  for (let column = 0; column < width; column++)
    ratio[column] = Math.log(counts[1]![column]! / positive! / (counts[0]![column]! / negative!))
  return ratio
}

/** Renumbers the buckets the texts use as columns 0..n-1: the optimiser then works on short dense vectors. */
function compactColumns(ids: readonly Int32Array[]): { rows: Int32Array[]; buckets: Int32Array } {
  const columnOf = new Map<number, number>()
  const rows = ids.map((row) => {
    const columns = new Int32Array(row.length)
    row.forEach((bucket, k) => {
      let column = columnOf.get(bucket)
      if (column === undefined) columnOf.set(bucket, (column = columnOf.size))
      columns[k] = column
    })
    return columns
  })
  return { rows, buckets: Int32Array.from(columnOf.keys()) }
}

function columnLogit(fitted: NbFit, row: Int32Array): number {
  let logit = fitted.fit[fitted.ratio.length]!
  for (const column of row) logit += fitted.fit[column]! * fitted.ratio[column]!
  return logit
}

/** The F-beta-optimal threshold on out-of-fold probabilities, kept within [0.1, 0.8]. */
function bestThreshold(probabilities: number[], labels: Uint8Array, beta: number): number {
  let best = { threshold: 0.5, f: -1 }
  for (let threshold = 0.1; threshold <= 0.8001; threshold += 0.025) {
    let tp = 0
    let fp = 0
    let fn = 0
    probabilities.forEach((probability, index) => {
      const predicted = probability >= threshold
      if (predicted && labels[index]) tp++
      else if (predicted) fp++
      else if (labels[index]) fn++
    })
    const f = tp ? ((1 + beta * beta) * tp) / ((1 + beta * beta) * tp + beta * beta * fn + fp) : 0
    if (f > best.f + 1e-9) best = { threshold: Math.round(threshold * 1000) / 1000, f }
  }
  return best.threshold
}

export function featuresOf(text: string): TextFeatures {
  return extractFeatures(text, ruleHits(text))
}

/** A model from its parts (training, or a stored model read back). */
export function createModel(version: string, reasons: ReadonlyMap<string, ReasonModel>): EscalationModel {
  const models = [...reasons]
  // All reasons' weights of a bucket side by side: one scattered read per feature instead of one per reason.
  const interleaved = new Float32Array(featureBuckets * models.length)
  models.forEach(([, model], r) => model.weights.forEach((weight, bucket) => (interleaved[bucket * models.length + r] = weight)))
  return {
    version,
    reasons,
    score(text, hits = ruleHits(text)) {
      const features = extractFeatures(text, hits)
      const logits = Float64Array.from(models, ([, model]) => model.bias)
      for (const id of features.ids) {
        const base = id * models.length
        for (let r = 0; r < models.length; r++) logits[r]! += interleaved[base + r]!
      }
      const scores = new Map<string, ReasonScore>()
      models.forEach(([code, model], r) => {
        scores.set(code, {
          probability: sigmoid(stackLogit(model.platt, [logits[r]!])),
          phrases: () => strongestPhrases(features, model.weights, text),
        })
      })
      return scores
    },
  }
}

/**
 * The phrases behind a score: each feature's weight is shared among the tokens that produced it; the
 * three tokens with the largest positive share are widened to their positive neighbours (at most four
 * tokens) and cut from the original text.
 */
function strongestPhrases(features: TextFeatures, weights: Float32Array, text: string): string[] {
  const share = new Float64Array(features.tokens.length)
  features.ids.forEach((id, position) => {
    const origins = features.origins[position]!
    for (const token of origins) share[token]! += weights[id]! / origins.length
  })
  const ranked = Array.from(share.keys())
    .filter((token) => share[token]! > 0.05 && features.tokens[token]!.kind === 'word')
    .sort((a, b) => share[b]! - share[a]!)
  const phrases: string[] = []
  const used = new Set<number>()
  for (const token of ranked) {
    if (phrases.length === 3) break
    if (used.has(token)) continue
    let [from, to] = [token, token]
    const widens = (index: number) =>
      index >= 0 && index < share.length && share[index]! > 0 && features.tokens[index]!.kind === 'word' && !used.has(index)
    while (to - from < 3 && widens(from - 1)) from--
    while (to - from < 3 && widens(to + 1)) to++
    for (let index = from; index <= to; index++) used.add(index)
    phrases.push(text.normalize('NFC').slice(features.tokens[from]!.start, features.tokens[to]!.end))
  }
  return phrases
}

/** FNV-1a (64 bits as two 32-bit hashes) of the algorithm, the options, the reason and its sorted lines. */
function reasonKey(code: string, lines: readonly string[], settings: DetectorOptions): string {
  return `${code}:${fnv64([detectorAlgorithm, JSON.stringify(settings), code, ...lines])}`
}

function fnv64(lines: readonly string[]): string {
  const hashes = [0x811c9dc5, 0x050c5d1f]
  for (const line of lines) {
    for (let index = 0; index < line.length; index++) {
      for (let h = 0; h < 2; h++) hashes[h] = Math.imul(hashes[h]! ^ line.charCodeAt(index), 0x01000193)
    }
    for (let h = 0; h < 2; h++) hashes[h] = Math.imul(hashes[h]! ^ 10, 0x01000193)
  }
  return hashes.map((hash) => (hash >>> 0).toString(16).padStart(8, '0')).join('')
}

function exampleKey(example: EscalationExample): string {
  return `${JSON.stringify(Object.entries(example.labels).sort())}\t${example.weight ?? 1}\t${example.text}`
}

/** What a model trained on these examples would be called: FNV-1a of the sorted labelled lines and the options. */
export function modelVersion(
  examples: readonly EscalationExample[],
  codes: readonly string[],
  options: Partial<DetectorOptions> = {},
): string {
  const settings = { ...defaultDetectorOptions, ...options }
  const lines = examples.map(exampleKey).sort()
  // 64 bits, so two training sets practically never share a name.
  return `${detectorAlgorithm}:${fnv64([JSON.stringify(settings), codes.join(','), ...lines])}`
}
