import type { Deps } from '../../deps.js'
import type { Sql } from '../../storage/sql.js'
import * as exampleQueries from '../../storage/queries/escalation-examples.js'
import * as modelQueries from '../../storage/queries/escalation-models.js'
import { runInSlices, type SliceOptions } from '../classifier/steps.js'
import { modelVersion, trainEscalationModelSteps, type EscalationExample, type EscalationModel } from './detector/model.js'
import { deserializeModel, serializeModel } from './detector/serialize.js'
import { currentPolicy } from './policy-store.js'
import { textReasonsOf, type StoredPolicy } from './policy.js'

/**
 * Serves the escalation detector: the policy in force and a model trained for it on the shipped corpus,
 * the leads' and agents' verdicts and a company's own reasons. When the policy or the verdicts change,
 * a new model is trained in the background (in slices, so requests keep being answered) while the
 * previous one keeps serving; no restart is needed. Trained models are stored by version, so another
 * process or the next start loads the model instead of training it again.
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

/** Where trained models are kept between processes; the default is the escalation_models table. */
export interface ModelStore {
  get(sql: Sql, version: string): Promise<Uint8Array | undefined>
  put(sql: Sql, version: string, model: Uint8Array): Promise<void>
}

export const databaseModelStore: ModelStore = {
  get: (sql, version) => modelQueries.findEscalationModel(sql, version),
  put: (sql, version, model) => modelQueries.storeEscalationModel(sql, version, model),
}

export interface DetectorOptions {
  /** The shipped corpus (training/*.jsonl) as parsed lines; read once. */
  readCorpus(): Promise<unknown[]>
  store?: ModelStore
  slicing?: SliceOptions
  now?: () => number
}

/** A lead's or agent's verdict on a real inquiry counts as much as this many written examples. */
export const verdictWeight = 5
const stampCheckIntervalMs = 2000

export function createEscalationDetector(options: DetectorOptions): EscalationDetector {
  const store = options.store ?? databaseModelStore
  const now = options.now ?? Date.now
  let corpus: Promise<CorpusExample[]> | undefined
  let state: (DetectorState & { stamp: string }) | undefined
  let training: Promise<void> | undefined
  let checkedAt = 0
  let hasAccounts = true

  const trainFor = async (deps: Pick<Deps, 'sql' | 'logger'>, policy: StoredPolicy, stamp: string) => {
    const examples = await trainingSet(deps.sql, policy, await (corpus ??= readCorpusOnce(options)))
    const codes = textReasonsOf(policy.policy).map((reason) => reason.code)
    const version = modelVersion(examples, codes)
    let model = state?.model.version === version ? state.model : undefined
    model ??= await loadStored(deps, version)
    if (!model) {
      const started = now()
      model = await runInSlices(trainEscalationModelSteps(examples, codes, {}, state?.model), options.slicing)
      deps.logger.info({ version, examples: examples.length, trainingMs: now() - started }, 'escalation detector trained')
      await store
        .put(deps.sql, version, serializeModel(model))
        .catch((error: Error) =>
          deps.logger.warn({ err: error.message }, 'could not store the escalation model; it will be trained again at the next start'),
        )
    }
    state = { policy, model, stamp, hasAccounts }
  }

  const loadStored = async (deps: Pick<Deps, 'sql' | 'logger'>, version: string) => {
    const bytes = await store.get(deps.sql, version)
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
      training = trainFor(deps, policy, stamp).finally(() => (training = undefined))
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

async function readCorpusOnce(options: DetectorOptions): Promise<CorpusExample[]> {
  const lines = await options.readCorpus()
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
