import type { Deps } from '../deps.js'
import * as queries from '../storage/queries/examples.js'
import { createExampleIndex, type ExampleIndex } from './classifier/knn.js'
import { departmentAlgorithm, trainDepartmentModelInSlices, type DepartmentModel } from './classifier/model.js'
import { deserializeDepartmentModel, serializeDepartmentModel } from './classifier/serialize.js'
import { runInSlices, type SliceOptions, type Steps } from './classifier/steps.js'
import type { Department, LabelledExample } from './classifier/types.js'
import { databaseModelStore, modelNotTrained, type ModelStore, type TrainingMode } from './model-store.js'

export interface DepartmentPrediction {
  department: Department
  confidence: number
  probabilities: Record<Department, number>
  /** Model version (training-set hash) and how many labelled examples it learnt from. */
  version: string
  neighbours: number
}

/** Classifies inquiries with a model trained from the stored examples, retrained when they change. */
export interface DepartmentClassifier {
  classify(
    deps: Pick<Deps, 'sql' | 'logger'>,
    input: { text: string; vector: Float32Array; space: { id: string; dimensions: number } },
  ): Promise<DepartmentPrediction>
  /** Loads or trains now if the examples changed (start-up and tests call this; requests never wait for it). */
  refresh(deps: Pick<Deps, 'sql' | 'logger'>, space: { id: string }): Promise<void>
}

// The model is trained for 20 neighbours (trainDepartmentModel default); fetch the same number.
const neighbourCount = 20
const stampCheckIntervalMs = 2000
// Up to this many examples the neighbours are found in memory (exact, about 1 ms for 4 000 hashing
// vectors) instead of by a kNN statement (1.6 ms on PostgreSQL and 2.8 ms on PGlite for 414 examples,
// 15–20 ms under load: the largest database cost of a triage). Beyond it the HNSW index wins.
const inMemoryNeighboursLimit = 20_000

export interface ClassifierArtifactOptions {
  store?: ModelStore
  /** `load-only` (a Worker isolate): never trains; loads the stored model, or the newest while one is trained elsewhere. */
  mode?: TrainingMode
  /** `database`: neighbours by pgvector's index, no example rows in memory (an isolate's cold start stays small). */
  neighbours?: 'memory' | 'database'
}

/**
 * The neighbours come from an exact in-memory index of the stored examples (pgvector's HNSW index for
 * very large sets). The index and then the linear part and the calibration are rebuilt in the background
 * when the stored training set changes (checked at most every 2 s); the index is replaced as soon as the
 * examples are loaded, before the slower training, and the previous model keeps serving until the new
 * one is ready. No restart is needed. Training runs in slices
 * (`slicing`), so requests are answered between them instead of waiting seconds for thousands of
 * examples; tests inject `slicing.pause` to hold training mid-way. A trained model is stored in the
 * database with the examples' stamp and space; any process finding one for the current stamp loads it.
 */
export function createDepartmentClassifier(
  clock: () => number = Date.now,
  slicing: SliceOptions = {},
  artifacts: ClassifierArtifactOptions = {},
): DepartmentClassifier {
  const store = artifacts.store ?? databaseModelStore
  // `stamp` is undefined while a load-only process serves an older model than the examples ask for.
  let model: { value: DepartmentModel; stamp: string | undefined; space: string } | undefined
  let neighbourIndex: { space: string; index: ExampleIndex } | undefined
  let training: Promise<void> | undefined
  let checkedAt = 0

  const obtain = async (deps: Pick<Deps, 'sql' | 'logger'>, space: { id: string }, stamp: string) => {
    const rows = artifacts.neighbours === 'database' ? undefined : await queries.listExamplesWithEmbeddings(deps.sql, space.id)
    const examples = rows && (await runInSlices(parseExamples(rows), slicing))
    if (examples)
      neighbourIndex = examples.length <= inMemoryNeighboursLimit ? { space: space.id, index: createExampleIndex(examples) } : undefined
    const scope = { kind: 'department', spaceId: space.id } as const
    const stored = await store.findForStamp(deps.sql, scope, stamp, `${departmentAlgorithm}:`)
    const loaded = stored && (await load(deps, scope, stored.version))
    if (loaded) model = { value: loaded, stamp, space: space.id }
    else if (artifacts.mode === 'load-only') await fallBack(deps, scope)
    else model = { value: await train(deps, scope, stamp, examples ?? []), stamp, space: space.id }
  }

  const load = async (deps: Pick<Deps, 'sql'>, scope: { kind: 'department'; spaceId: string }, version: string) => {
    if (model?.value.version === version && model.space === scope.spaceId) return model.value
    const bytes = await store.read(deps.sql, scope, version)
    return bytes && deserializeDepartmentModel(bytes)
  }

  const train = async (
    deps: Pick<Deps, 'sql' | 'logger'>,
    scope: { kind: 'department'; spaceId: string },
    stamp: string,
    examples: LabelledExample[],
  ) => {
    const started = clock()
    const value = await trainDepartmentModelInSlices(examples, {}, slicing)
    deps.logger.info({ version: value.version, examples: examples.length, trainingMs: clock() - started }, 'department classifier trained')
    await store
      .save(
        deps.sql,
        { ...scope, version: value.version, stamp },
        serializeDepartmentModel(value),
        async (tx) => (await queries.readExamplesStamp(tx)) === stamp,
      )
      .then((stored) => {
        if (!stored) deps.logger.info({ version: value.version }, 'department model not stored: its examples changed while it trained')
      })
      .catch((error: Error) =>
        deps.logger.warn({ err: error.message }, 'could not store the department model; other processes keep the previous one'),
      )
    return value
  }

  // Load-only, and nothing stored for these examples yet: the newest stored model of the space serves until one is.
  const fallBack = async (deps: Pick<Deps, 'sql' | 'logger'>, scope: { kind: 'department'; spaceId: string }) => {
    const newest = await store.findNewest(deps.sql, scope, `${departmentAlgorithm}:`)
    const value = newest && (await load(deps, scope, newest.version))
    if (!value) throw modelNotTrained(`department classifier for the embedding space ${scope.spaceId}`)
    // Said once when the served model falls behind (or changes), not at every check.
    if (!model || model.stamp !== undefined || model.value.version !== value.version)
      deps.logger.warn(
        { version: value.version, trainedFor: newest.stamp, space: scope.spaceId },
        'no department model is stored for the current examples yet; the newest stored one serves until it is',
      )
    model = { value, stamp: undefined, space: scope.spaceId }
  }

  const refresh: DepartmentClassifier['refresh'] = async (deps, space) => {
    // Twice at most: a training already running may be for an older stamp or another space.
    for (let attempt = 0; attempt < 2; attempt++) {
      const stamp = await queries.readExamplesStamp(deps.sql)
      checkedAt = clock()
      if (model && model.stamp === stamp && model.space === space.id) return
      if (training) {
        await training
        continue
      }
      training = obtain(deps, space, stamp).finally(() => (training = undefined))
      return training
    }
  }

  return {
    refresh,
    async classify(deps, input) {
      if (!model || model.space !== input.space.id) await refresh(deps, input.space)
      else if (clock() - checkedAt > stampCheckIntervalMs) {
        checkedAt = clock()
        void refresh(deps, input.space).catch((error: Error) =>
          deps.logger.warn({ err: error.message }, 'classifier retraining failed; the previous model keeps serving'),
        )
      }
      const neighbours =
        neighbourIndex?.space === input.space.id
          ? neighbourIndex.index.nearest(input.vector, neighbourCount)
          : await queries.nearestExamples(deps.sql, input.space, input.vector, neighbourCount)
      const prediction = model!.value.predict({ text: input.text, neighbours })
      return {
        department: prediction.department,
        confidence: prediction.confidence,
        probabilities: prediction.probabilities,
        version: model!.value.version,
        neighbours: neighbours.length,
      }
    },
  }
}

/** Stored rows to training examples; parsing thousands of vector literals is itself worth slicing. */
function* parseExamples(rows: readonly queries.StoredExample[]): Steps<LabelledExample[]> {
  const examples: LabelledExample[] = []
  for (const row of rows) {
    examples.push({ text: row.text, department: row.department, language: row.language, embedding: queries.parseVector(row.embedding) })
    yield
  }
  return examples
}
