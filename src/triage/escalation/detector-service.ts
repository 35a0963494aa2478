import type { Deps } from '../../deps.js'
import type { Sql } from '../../storage/sql.js'
import * as exampleQueries from '../../storage/queries/escalation-examples.js'
import { runInSlices, type SliceOptions } from '../classifier/steps.js'
import { databaseModelStore, modelNotTrained, type ModelStore, type TrainingMode } from '../model-store.js'
import {
  detectorAlgorithm,
  modelVersion,
  trainEscalationModelSteps,
  type EscalationExample,
  type EscalationModel,
} from './detector/model.js'
import { deserializeModel, serializeModel } from './detector/serialize.js'
import { currentPolicy } from './policy-store.js'
import { textReasonsOf, type StoredPolicy } from './policy.js'

/**
 * Serves the escalation detector: the policy in force and a model trained for it on the shipped corpus,
 * the leads' and agents' verdicts and a company's own reasons. When the policy or the verdicts change,
 * a new model is trained in the background (in slices, so requests keep being answered) while the
 * previous one keeps serving; no restart is needed. Trained models are stored in the database with the
 * stamp of the policy and verdicts they fit, so another process, a Worker isolate (load-only: it never
 * trains) or the next start loads the model instead of training it again.
 */
export interface EscalationDetector {
  /** The policy in force and the model for it; waits for the first model only. */
  current(deps: Pick<Deps, 'sql' | 'config' | 'logger'>): Promise<DetectorState>
  /** Picks up a changed policy or new verdicts now; `wait` also waits for the retraining. */
  refresh(deps: Pick<Deps, 'sql' | 'config' | 'logger'>, options?: { wait?: boolean }): Promise<void>
}

export interface DetectorState {
  policy: StoredPolicy
  model: EscalationModel
  /** Whether the account directory holds anything, as of the last check (triage skips the look-up otherwise). */
  hasAccounts?: boolean
}

export interface DetectorOptions {
  /** The shipped corpus (training/*.jsonl) as parsed lines; read once, and only to train. */
  readCorpus?: () => Promise<unknown[]>
  store?: ModelStore
  /** `load-only` (a Worker isolate): load the stored model, or the newest one while it is trained elsewhere. */
  mode?: TrainingMode
  slicing?: SliceOptions
  now?: () => number
}

const scope = { kind: 'escalation' } as const

/** A lead's or agent's verdict on a real inquiry counts as much as this many written examples. */
export const verdictWeight = 5
const stampCheckIntervalMs = 2000

export function createEscalationDetector(options: DetectorOptions): EscalationDetector {
  const store = options.store ?? databaseModelStore
  const now = options.now ?? Date.now
  let corpus: Promise<CorpusExample[]> | undefined
  // `stamp` is undefined while a load-only process serves an older model than the inputs ask for.
  let state: (DetectorState & { stamp: string | undefined }) | undefined
  let training: Promise<void> | undefined
  let checkedAt = 0
  let hasAccounts = true

  const obtain = async (deps: Pick<Deps, 'sql' | 'logger'>, policy: StoredPolicy, stamp: string) => {
    const stored = await store.findForStamp(deps.sql, scope, stamp, `${detectorAlgorithm}:`)
    const loaded = stored && (state?.model.version === stored.version ? state.model : await loadStored(deps, stored.version))
    const model = loaded ?? (options.mode === 'load-only' ? undefined : await trainFor(deps, policy, stamp))
    if (model) state = { policy, model, stamp, hasAccounts }
    else await fallBack(deps, policy)
  }

  const trainFor = async (deps: Pick<Deps, 'sql' | 'logger'>, policy: StoredPolicy, stamp: string) => {
    if (!options.readCorpus) throw new Error('the escalation detector cannot train without its corpus')
    const examples = await trainingSet(deps.sql, policy, await (corpus ??= readCorpusOnce(options.readCorpus)))
    const codes = textReasonsOf(policy.policy).map((reason) => reason.code)
    const version = modelVersion(examples, codes)
    const artifact = { ...scope, version, stamp, policyVersion: policy.version }
    const known = (state?.model.version === version ? state.model : undefined) ?? (await loadStored(deps, version))
    if (known) {
      // The same training set under new inputs (a policy with the same text reasons, say): stamped, not stored twice.
      if (!(await store.restamp(deps.sql, artifact))) await storeModel(deps, artifact, known)
      return known
    }
    const started = now()
    const model = await runInSlices(trainEscalationModelSteps(examples, codes, {}, state?.model), options.slicing)
    deps.logger.info({ version, examples: examples.length, trainingMs: now() - started }, 'escalation detector trained')
    await storeModel(deps, artifact, model)
    return model
  }

  const storeModel = (deps: Pick<Deps, 'sql' | 'logger'>, artifact: { version: string; stamp: string }, model: EscalationModel) =>
    store
      .save(deps.sql, { ...scope, ...artifact }, serializeModel(model), async (tx) =>
        artifact.stamp.endsWith(`|${(await exampleQueries.readEscalationInputs(tx)).examplesStamp}`),
      )
      .then((stored) => {
        if (!stored) deps.logger.info({ version: artifact.version }, 'escalation model not stored: its verdicts changed while it trained')
      })
      .catch((error: Error) =>
        deps.logger.warn({ err: error.message }, 'could not store the escalation model; it will be trained again at the next start'),
      )

  // Load-only, and nothing stored for these inputs yet: the newest stored model serves until one is.
  const fallBack = async (deps: Pick<Deps, 'sql' | 'logger'>, policy: StoredPolicy) => {
    const newest = await store.findNewest(deps.sql, scope, `${detectorAlgorithm}:`)
    const model = newest && (state?.model.version === newest.version ? state.model : await loadStored(deps, newest.version))
    if (!model) throw modelNotTrained('escalation detector')
    // Said once when the served model falls behind (or changes), not at every check.
    if (!state || state.stamp !== undefined || state.model.version !== model.version)
      deps.logger.warn(
        { version: model.version, trainedFor: newest.stamp, policyVersion: policy.version },
        'no escalation model is stored for the current policy and verdicts yet; the newest stored one serves until it is',
      )
    state = { policy, model, stamp: undefined, hasAccounts }
  }

  const loadStored = async (deps: Pick<Deps, 'sql' | 'logger'>, version: string) => {
    const bytes = await store.read(deps.sql, scope, version)
    return bytes ? deserializeModel(bytes) : undefined
  }

  const refresh: EscalationDetector['refresh'] = async (deps, { wait = false } = {}) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const [policy, inputs] = await Promise.all([currentPolicy(deps), exampleQueries.readEscalationInputs(deps.sql)])
      const stamp = `${policy.version}|${inputs.examplesStamp}`
      checkedAt = now()
      hasAccounts = inputs.hasAccounts
      // A new policy applies at once (weights, due hours, thresholds); its model follows when trained.
      if (state && (state.policy.version !== policy.version || state.hasAccounts !== hasAccounts)) state = { ...state, policy, hasAccounts }
      if (state?.stamp === stamp) return
      if (training) {
        if (!wait && state) return
        await training
        continue
      }
      training = obtain(deps, policy, stamp).finally(() => (training = undefined))
      if (wait || !state) await training
      return
    }
  }

  return {
    refresh,
    async current(deps) {
      if (!state) await refresh(deps, { wait: true })
      else if (now() - checkedAt > stampCheckIntervalMs) {
        checkedAt = now()
        void refresh(deps).catch((error: Error) =>
          deps.logger.warn({ err: error.message }, 'escalation detector refresh failed; the previous model keeps serving'),
        )
      }
      return state!
    },
  }
}

interface CorpusExample {
  text: string
  reasons: string[]
}

async function readCorpusOnce(readCorpus: () => Promise<unknown[]>): Promise<CorpusExample[]> {
  const lines = await readCorpus()
  return lines.map((line) => {
    const { subject, body, reasons } = line as { subject?: string; body: string; reasons: string[] }
    return { text: [subject, body].filter(Boolean).join('\n\n'), reasons }
  })
}

/**
 * The corpus with every text reason labelled (a company's own reasons as absent: the corpus was
 * written before them), the stored verdicts with the reasons they name, and each own reason's examples.
 */
async function trainingSet(sql: Sql, policy: StoredPolicy, corpus: readonly CorpusExample[]): Promise<EscalationExample[]> {
  const codes = textReasonsOf(policy.policy).map((reason) => reason.code)
  const fromCorpus = corpus.map((line) => ({
    text: line.text,
    labels: Object.fromEntries(codes.map((code) => [code, line.reasons.includes(code)])),
  }))
  const verdicts = (await exampleQueries.listEscalationExamples(sql)).map((row) => ({
    text: row.text,
    labels: pick(row.labels, codes),
    weight: verdictWeight,
  }))
  const own = textReasonsOf(policy.policy).flatMap((reason) =>
    (reason.examples ?? []).map((text) => ({ text, labels: { [reason.code]: true } })),
  )
  return [...fromCorpus, ...verdicts.filter((verdict) => Object.keys(verdict.labels).length > 0), ...own]
}

function pick(labels: Record<string, boolean>, codes: readonly string[]): Record<string, boolean> {
  return Object.fromEntries(Object.entries(labels).filter(([code]) => codes.includes(code)))
}
