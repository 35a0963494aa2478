import { fitAndVectorizeSteps, type FeatureOptions, type Featurizer, type SparseVector } from './features.js'
import { createExampleIndex, knnScore, type KnnScoreOptions, type NeighbourSearch } from './knn.js'
import { predictLogit, trainLogisticSteps, type LogisticModel, type LogisticOptions } from './logistic.js'
import { seededRandom, shuffleInPlace, stratifiedFolds } from './random.js'
import { fitStacker, stackLogit, type Stacker } from './stacker.js'
import { runInSlices, runToEnd, type SliceOptions, type Steps } from './steps.js'
import { labelOf, sigmoid, type Department, type LabelledExample, type Neighbour } from './types.js'

/**
 * The department model: a linear model over hashed n-grams and a kNN vote over the embedding
 * neighbours, combined by a logistic stacker fitted on out-of-fold scores, so both its weights and the
 * probability it outputs come from predictions on examples the base models had not seen.
 */

/** Bumped whenever features, training or combination change, so stored decisions name their model. */
export const departmentAlgorithm = 'dept-v1'

/** Tuning knobs; the defaults were chosen by cross-validation on the dev tickets. */
export interface DepartmentModelOptions {
  features?: FeatureOptions
  logistic?: Omit<LogisticOptions, 'dimensions'>
  knn?: KnnScoreOptions
  /** Neighbours per inquiry; the service should pass as many from pgvector. */
  neighbours?: number
  folds?: number
  seed?: number
  /** Below this many examples (or fewer minority examples than folds) no stacker is fitted. */
  minStackExamples?: number
  /** Out-of-fold kNN is brute force, the main training cost: at most this many rows feed the stacker. */
  maxStackRows?: number
  /** Neighbour search for out-of-fold kNN; cross-validation passes one shared, cached index. */
  search?: NeighbourSearch
}

/** The classifier's answer for one inquiry. */
export interface DepartmentPrediction {
  department: Department
  /** Calibrated probability of `department`, in [0.5, 1]. */
  confidence: number
  probabilities: Record<Department, number>
  /** Raw log-odds for technical from each base model, for logs and escalation rules. */
  signals: { linear: number; knn: number }
}

/** How the scores are combined: fitted stacker, fixed weights (tiny sets), or one class only. */
export type CombinationMode = 'stacked' | 'fixed' | 'single-class'

/** A trained classifier; predicting is pure and takes microseconds. */
export interface DepartmentModel {
  /** `dept-v1:` plus a hash of the training set and options: the same data give the same version. */
  readonly version: string
  readonly exampleCount: number
  readonly mode: CombinationMode
  /** What it is made of: stored by serialize.ts, so another process loads it instead of training. */
  readonly parts: DepartmentModelParts
  predict(input: { text: string; neighbours: readonly Neighbour[] }): DepartmentPrediction
}

/** The learnt state of a model; the kNN neighbours are not part of it (they are the stored examples). */
export interface DepartmentModelParts {
  version: string
  exampleCount: number
  mode: CombinationMode
  knn?: KnnScoreOptions | undefined
  /** single-class: the class seen (none with no examples at all). */
  seen?: Department | undefined
  /** stacked and fixed: the featurizer, the linear model and how it is combined with the kNN vote. */
  linear?: { featurizer: Featurizer; model: LogisticModel; stacker: Stacker } | undefined
}

/** The model its parts make: the trained one, or one rebuilt from storage (which predicts identically). */
export function createDepartmentModel(parts: DepartmentModelParts): DepartmentModel {
  const { version, exampleCount, mode, knn, linear } = parts
  const predict: DepartmentModel['predict'] = linear
    ? (input) => predictStacked(linear.featurizer, linear.model, linear.stacker, input, knn)
    : (input) => predictSingleClass(parts.seen, knnScore(input.neighbours, knn))
  return { version, exampleCount, mode, parts, predict }
}

const defaults = { neighbours: 20, folds: 5, seed: 1, minStackExamples: 30, maxStackRows: 1000 }

// Weights for sets too small to fit a stacker: a little below what it learns on the dev tickets (0.65 and
// 0.58), because a linear model trained on a dozen texts is less reliable than one trained on thousands.
const fixedStacker: Stacker = { weights: [0.5, 0.5], bias: 0 }

/** With one class seen, its probability when no neighbour of the other class argues against it. */
export const singleClassConfidence = 0.6

/** Trains at once, blocking until done: tests, cross-validation, scripts. */
export function trainDepartmentModel(examples: readonly LabelledExample[], options: DepartmentModelOptions = {}): DepartmentModel {
  return runToEnd(trainDepartmentModelSteps(examples, options))
}

/**
 * Trains in slices, giving the event loop a turn between them, so a service keeps answering while a
 * model trains on thousands of examples. The model is identical to trainDepartmentModel's.
 */
export function trainDepartmentModelInSlices(
  examples: readonly LabelledExample[],
  options: DepartmentModelOptions = {},
  slicing: SliceOptions = {},
): Promise<DepartmentModel> {
  return runInSlices(trainDepartmentModelSteps(examples, options), slicing)
}

function* trainDepartmentModelSteps(examples: readonly LabelledExample[], options: DepartmentModelOptions): Steps<DepartmentModel> {
  const settings = { ...defaults, ...options }
  const labels = Uint8Array.from(examples, (example) => labelOf(example.department))
  const positives = labels.reduce((sum, label) => sum + label, 0)
  const minority = Math.min(positives, examples.length - positives)
  const { featurizer, vectors } = yield* fitAndVectorizeSteps(
    examples.map((example) => example.text),
    options.features,
  )
  const train = (rows: SparseVector[], rowLabels: ArrayLike<number>) =>
    trainLogisticSteps(rows, rowLabels, { seed: settings.seed, ...options.logistic, dimensions: featurizer.options.buckets })
  const version = `${departmentAlgorithm}:${contentHash(examples, options)}`
  const base = { version, exampleCount: examples.length, knn: options.knn }

  if (minority === 0) return createDepartmentModel({ ...base, mode: 'single-class', seen: examples[0]?.department })
  const model = yield* train(vectors, labels)
  const stacked = examples.length >= settings.minStackExamples && minority >= settings.folds
  const stacker = stacked ? yield* fitOutOfFold(examples, vectors, labels, settings, train) : fixedStacker
  return createDepartmentModel({ ...base, mode: stacked ? 'stacked' : 'fixed', linear: { featurizer, model, stacker } })
}

function predictStacked(
  featurizer: Featurizer,
  linear: LogisticModel,
  stacker: Stacker,
  input: { text: string; neighbours: readonly Neighbour[] },
  knnOptions: KnnScoreOptions | undefined,
): DepartmentPrediction {
  const signals = { linear: predictLogit(linear, featurizer.vectorize(input.text)), knn: knnScore(input.neighbours, knnOptions) }
  return fromProbability(sigmoid(stackLogit(stacker, [signals.linear, signals.knn])), signals)
}

/**
 * One class seen: the model cannot tell the classes apart, so it predicts that class with a modest
 * confidence. Neighbours of the other class (examples added since training) lower it and can flip it;
 * neighbours of the seen class carry no information, because every training example is of that class.
 */
function predictSingleClass(seen: Department | undefined, knn: number): DepartmentPrediction {
  const signals = { linear: 0, knn }
  if (!seen) return fromProbability(sigmoid(fixedStacker.weights[1]! * knn), signals)
  const towardsSeen = seen === 'technical' ? knn : -knn
  const logitSeen = Math.log(singleClassConfidence / (1 - singleClassConfidence)) + fixedStacker.weights[1]! * Math.min(0, towardsSeen)
  return fromProbability(seen === 'technical' ? sigmoid(logitSeen) : 1 - sigmoid(logitSeen), signals)
}

function fromProbability(technical: number, signals: DepartmentPrediction['signals']): DepartmentPrediction {
  const department: Department = technical >= 0.5 ? 'technical' : 'commercial'
  return {
    department,
    confidence: Math.max(technical, 1 - technical),
    probabilities: { technical, commercial: 1 - technical },
    signals,
  }
}

/**
 * Out-of-fold scores: each fold's linear score comes from a model trained on the other folds, its kNN
 * score from neighbours in the other folds only. The stacker fitted on them sees scores as they look for
 * unseen inquiries, not memorised ones.
 */
function* fitOutOfFold(
  examples: readonly LabelledExample[],
  vectors: SparseVector[],
  labels: Uint8Array,
  settings: typeof defaults & DepartmentModelOptions,
  train: (rows: SparseVector[], rowLabels: ArrayLike<number>) => Steps<LogisticModel>,
): Steps<Stacker> {
  const folds = stratifiedFolds(labels, settings.folds, settings.seed)
  const rows = stackRows(labels.length, settings.maxStackRows, settings.seed)
  const scores = new Map<number, number[]>()
  for (let fold = 0; fold < settings.folds; fold++) {
    const inTraining = vectors.map((_, index) => folds[index] !== fold)
    const model = yield* train(
      vectors.filter((_, index) => inTraining[index]),
      labels.filter((_, index) => inTraining[index]),
    )
    for (const row of rows) if (folds[row] === fold) scores.set(row, [predictLogit(model, vectors[row]!)])
  }
  const foldOf = new Map(examples.map((example, index) => [example, folds[index]!]))
  const search = settings.search ?? createExampleIndex(examples).nearest
  for (const row of rows) {
    // Examples outside this training set (a shared index also holds held-out ones) count as the row's own fold.
    const accept = (candidate: LabelledExample) => (foldOf.get(candidate) ?? folds[row]) !== folds[row]
    scores.get(row)!.push(knnScore(search(examples[row]!, settings.neighbours, accept), settings.knn))
    // One brute-force search over a few thousand vectors takes milliseconds: a chance to pause after each.
    yield
  }
  return fitStacker(
    rows.map((row) => scores.get(row)!),
    Array.from(rows, (row) => labels[row]!),
  )
}

/** All rows, or a seeded sample of `limit` of them, in ascending order. */
function stackRows(count: number, limit: number, seed: number): number[] {
  const all = Array.from({ length: count }, (_, index) => index)
  if (count <= limit) return all
  return shuffleInPlace(all, seededRandom(seed ^ 0x5eed))
    .slice(0, limit)
    .sort((a, b) => a - b)
}

/** FNV-1a over the sorted examples and the options: independent of example order, 8 hex digits. */
function contentHash(examples: readonly LabelledExample[], options: DepartmentModelOptions): string {
  const lines = examples.map((example) => `${example.department}\t${example.language}\t${example.text}`).sort()
  const { search: _search, ...tunables } = options
  let hash = 0x811c9dc5
  for (const line of [JSON.stringify(tunables), ...lines]) {
    for (let index = 0; index < line.length; index++) hash = Math.imul(hash ^ line.charCodeAt(index), 0x01000193)
    hash = Math.imul(hash ^ 0x0a, 0x01000193)
  }
  return (hash >>> 0).toString(16).padStart(8, '0')
}
