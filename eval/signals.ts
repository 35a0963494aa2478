import { access } from 'node:fs/promises'
import { join } from 'node:path'
import type { Deps } from '../src/deps.js'
import { z } from 'zod'
import { fitAndVectorize } from '../src/triage/classifier/features.js'
import { predictLogit, trainLogistic } from '../src/triage/classifier/logistic.js'
import { stratifiedFolds } from '../src/triage/classifier/random.js'
import { trainEscalationModel } from '../src/triage/escalation/detector/model.js'
import { inLineOrder, readCheckedLines } from './json-lines.js'
import { scoreSignal, type SignalScores } from './scorers.js'
import { FileInvalidError } from './tickets.js'
import { signalKinds, type SignalKind } from './signal-kinds.js'

/**
 * The escalation signals on real human-written text (../shared/data/signals-*, see its README): anger
 * on GermEval 2018's offensive German tweets, complaint on English complaint tweets, negative sentiment
 * on GermEval 2017's Deutsche Bahn feedback. The detector's learner (NB-LR, calibrated, threshold F1-
 * optimal out of fold within the training rows) is trained on each file's rows only and compared with the plain lexical baseline: logistic
 * regression over word and character n-grams (the department classifier's features), decision at 0.5.
 */

const SignalRowSchema = z.looseObject({
  text: z.string().trim().min(1, 'must not be empty'),
  offensive: z.boolean().optional(),
  complaint: z.boolean().optional(),
  sentiment: z.enum(['negative', 'neutral', 'positive']).optional(),
})

export interface SignalResult {
  mode: 'cv' | 'train-test'
  signal: SignalKind
  ours: SignalScores
  baseline: SignalScores
  n: number
  positives: number
  trainRows: number
  folds?: number
  seed?: number
}

interface Labelled {
  text: string
  label: boolean
}

/** Reads a signal file; every line must have a text and the field the signal is labelled by. */
export async function readSignalFile(file: string, kind: SignalKind): Promise<Labelled[]> {
  const { field, positive } = signalKinds[kind]
  const { rows: lines, problems } = await readCheckedLines(file, SignalRowSchema)
  const rows: Labelled[] = []
  for (const { line, value } of lines) {
    if (value[field] === undefined) problems.push(`line ${line}: field "${field}": is required for --signal ${kind}`)
    else rows.push({ text: value.text, label: positive(value) })
  }
  if (problems.length)
    throw new FileInvalidError(
      `${file} is invalid:\n${inLineOrder(problems)
        .slice(0, 20)
        .map((problem) => `  ${problem}`)
        .join('\n')}`,
    )
  if (!rows.some((row) => row.label) || rows.every((row) => row.label))
    throw new FileInvalidError(`${file}: --signal ${kind} needs rows of both classes`)
  return rows
}

/** k-fold cross-validation on one file, folds stratified by the label and seeded. */
export function crossValidateSignal(
  rows: readonly Labelled[],
  kind: SignalKind,
  folds: number,
  seed: number,
  log: (line: string) => void,
): SignalResult {
  const assignment = stratifiedFolds(
    Uint8Array.from(rows, (row) => (row.label ? 1 : 0)),
    folds,
    seed,
  )
  const ours: boolean[] = []
  const baseline: boolean[] = []
  for (let fold = 0; fold < folds; fold++) {
    const train = rows.filter((_, index) => assignment[index] !== fold)
    const test = rows.flatMap((row, index) => (assignment[index] === fold ? [{ row, index }] : []))
    const predict = trainBoth(train, kind)
    for (const { row, index } of test) [ours[index], baseline[index]] = predict(row.text)
    log(`signal ${kind}: fold ${fold + 1}/${folds} done`)
  }
  const score = (predicted: boolean[]) => scoreSignal(rows.map((row, index) => ({ expected: row.label, predicted: predicted[index]! })))
  return {
    mode: 'cv',
    signal: kind,
    ours: score(ours),
    baseline: score(baseline),
    n: rows.length,
    positives: rows.filter((row) => row.label).length,
    trainRows: Math.round((rows.length * (folds - 1)) / folds),
    folds,
    seed,
  }
}

/** Trains on one file, scores the other. */
export function trainTestSignal(train: readonly Labelled[], test: readonly Labelled[], kind: SignalKind): SignalResult {
  const predict = trainBoth(train, kind)
  const predictions = test.map((row) => predict(row.text))
  const score = (which: 0 | 1) => scoreSignal(test.map((row, index) => ({ expected: row.label, predicted: predictions[index]![which] })))
  return {
    mode: 'train-test',
    signal: kind,
    ours: score(0),
    baseline: score(1),
    n: test.length,
    positives: test.filter((row) => row.label).length,
    trainRows: train.length,
  }
}

/** Ours and the baseline, trained on the same rows: a function from text to [ours, baseline]. */
function trainBoth(train: readonly Labelled[], kind: SignalKind): (text: string) => [boolean, boolean] {
  // The threshold for the metric measured here: F1 out of fold, where triage leans to recall (F1.5) for its own targets.
  const model = trainEscalationModel(
    train.map((row) => ({ text: row.text, labels: { [kind]: row.label } })),
    [kind],
    { beta: 1 },
  )
  const threshold = model.reasons.get(kind)!.threshold
  const { featurizer, vectors } = fitAndVectorize(train.map((row) => row.text))
  const linear = trainLogistic(
    vectors,
    train.map((row) => (row.label ? 1 : 0)),
    { dimensions: featurizer.options.buckets },
  )
  return (text) => [(model.score(text).get(kind)?.probability ?? 0) >= threshold, predictLogit(linear, featurizer.vectorize(text)) >= 0]
}

/** Where the shared public data lives beside the project (absent on a clean clone elsewhere). */
export const sharedDataDir = new URL('../../shared/data/', import.meta.url).pathname

/** The two standard signal measurements, plus how the shipped detector does on them untrained. */
export interface SignalsReport {
  anger: SignalResult & { shipped: SignalScores }
  complaint: SignalResult & { shipped: SignalScores }
}

const standardSignals = [
  { kind: 'anger', file: 'signals-offensive-de-dev.jsonl' },
  { kind: 'complaint', file: 'signals-complaints-en-dev.jsonl' },
] as const

/**
 * 5-fold cross-validation of anger on the offensive German tweets and of complaint on the English
 * complaint tweets (dev parts), and the shipped detector applied to the same rows as they are.
 */
export async function measureSignals(
  deps: Pick<Deps, 'sql' | 'config' | 'logger' | 'escalation'>,
  dir: string,
  log: (line: string) => void,
): Promise<SignalsReport | null> {
  const present = await Promise.all(
    standardSignals.map(({ file }) =>
      access(join(dir, file)).then(
        () => true,
        () => false,
      ),
    ),
  )
  if (present.includes(false)) {
    log(`signals: ${dir} not found; the real-text measurements are skipped`)
    return null
  }
  const state = await deps.escalation.current(deps)
  const report: Partial<SignalsReport> = {}
  for (const { kind, file } of standardSignals) {
    const rows = await readSignalFile(join(dir, file), kind)
    const threshold = state.model.reasons.get(kind)?.threshold ?? 0.5
    const shipped = scoreSignal(
      rows.map((row) => ({ expected: row.label, predicted: (state.model.score(row.text).get(kind)?.probability ?? 0) >= threshold })),
    )
    report[kind] = { ...crossValidateSignal(rows, kind, 5, 1, log), shipped }
  }
  return report as SignalsReport
}
