import { z } from 'zod'
import { fitAndVectorize } from '../src/triage/classifier/features.js'
import { predictLogit, trainLogistic } from '../src/triage/classifier/logistic.js'
import { assessText } from '../src/triage/escalation/assess.js'
import type { DetectorState } from '../src/triage/escalation/detector-service.js'
import { textReasonsOf } from '../src/triage/escalation/policy.js'
import { ruleHits } from '../src/triage/escalation/rules.js'
import { analyzeInquiry } from '../src/triage/pipeline.js'
import type { TriageResult } from '../src/triage/triage-result.js'
import { CasesInvalidError } from './cases.js'
import type { EvalDeps } from './deps.js'
import { readCheckedLines } from './json-lines.js'
import { scoreBinary, scoreReasons, type BinaryScores } from './scorers.js'

/**
 * Escalation measured on labelled sets: the project's own cases and the blind sets written from the
 * policy text alone (eval/escalation/). Each set runs through the whole pipeline (as POST /v1/triage
 * decides), and its text reasons are also compared, text against text, with two lexical baselines
 * trained on the same corpus: the rule patterns of earlier versions as verdicts, and a plain logistic
 * regression over word and character n-grams.
 */

const EscalationCaseSchema = z
  .object({
    id: z.string().trim().min(1),
    language: z.string().regex(/^[a-z]{2}$/),
    subject: z.string().optional(),
    body: z.string().trim().min(1),
    escalate: z.boolean(),
    reasons: z.array(z.string().regex(/^[a-z][a-z0-9_]{1,39}$/)),
    hardNegativeOf: z.array(z.string()).optional(),
    department: z.enum(['technical', 'commercial']).optional(),
  })
  .passthrough()

export type EscalationCase = z.output<typeof EscalationCaseSchema>

export async function readEscalationSet(file: string): Promise<EscalationCase[]> {
  const { rows, problems } = await readCheckedLines(file, EscalationCaseSchema)
  if (problems.length) throw new CasesInvalidError(file, problems)
  return rows.map((row) => row.value)
}

/** Text-only decisions of one system: which text reasons it names for a text. */
export type TextSystem = (text: string) => string[]

export interface EscalationSetReport {
  name: string
  file: string
  n: number
  /** The pipeline's decision (text, account, history and models' doubt) against the expected one. */
  escalation: BinaryScores
  byReason: Record<string, BinaryScores>
  /** Cases that imitate a reason without meeting it, and how many of them the pipeline escalated. */
  hardNegatives: { n: number; falseAlarms: number; rate: number | null }
  department: { accuracy: number | null; n: number }
  /** Escalation from the text reasons alone, for the detector and the two baselines. */
  textOnly: Record<'ours' | 'plainLr' | 'rules', BinaryScores>
  wrong: Array<{ id: string; expected: boolean; reasons: string[]; detected: string[] }>
}

/** Runs one set through the pipeline and the text-only systems. */
export async function runEscalationSet(
  deps: EvalDeps,
  set: { name: string; file: string },
  systems: Record<'ours' | 'plainLr' | 'rules', TextSystem>,
  alone: ReadonlySet<string>,
): Promise<EscalationSetReport> {
  const cases = await readEscalationSet(set.file)
  const outcomes: Array<{ entry: EscalationCase; result: TriageResult; detected: string[] }> = []
  for (const entry of cases) {
    const { result } = await analyzeInquiry(deps, { ...(entry.subject ? { subject: entry.subject } : {}), body: entry.body })
    outcomes.push({ entry, result, detected: result.escalation.reasons.map((reason) => reason.code) })
  }
  const labelled = new Set(cases.flatMap((entry) => entry.reasons))
  const hardNegatives = outcomes.filter(({ entry }) => !entry.escalate && entry.hardNegativeOf?.length)
  const falseAlarms = hardNegatives.filter(({ result }) => result.escalation.escalate).length
  const withDepartment = outcomes.filter(({ entry }) => entry.department)
  const textOnly = (system: TextSystem) =>
    scoreBinary(
      outcomes.map(({ entry }) => ({ expected: entry.escalate, predicted: system(textOf(entry)).some((code) => alone.has(code)) })),
    )
  return {
    name: set.name,
    file: set.file,
    n: cases.length,
    escalation: scoreBinary(outcomes.map(({ entry, result }) => ({ expected: entry.escalate, predicted: result.escalation.escalate }))),
    // Only reasons the set labels: a set without `complaint` labels says nothing about complaint's precision.
    byReason: Object.fromEntries(
      Object.entries(scoreReasons(outcomes.map(({ entry, detected }) => ({ expected: entry.reasons, detected })))).filter(([code]) =>
        labelled.has(code),
      ),
    ),
    hardNegatives: { n: hardNegatives.length, falseAlarms, rate: hardNegatives.length ? falseAlarms / hardNegatives.length : null },
    department: {
      accuracy: withDepartment.length
        ? withDepartment.filter(({ entry, result }) => result.department === entry.department).length / withDepartment.length
        : null,
      n: withDepartment.length,
    },
    textOnly: { ours: textOnly(systems.ours), plainLr: textOnly(systems.plainLr), rules: textOnly(systems.rules) },
    wrong: outcomes
      .filter(({ entry, result }) => entry.escalate !== result.escalation.escalate)
      .map(({ entry, detected }) => ({ id: entry.id, expected: entry.escalate, reasons: entry.reasons, detected })),
  }
}

const textOf = (entry: { subject?: string | undefined; body: string }) =>
  [entry.subject?.trim(), entry.body.trim()].filter(Boolean).join('\n\n')

/** The detector as triage runs it, on the text alone. */
export function detectorSystem(state: DetectorState): TextSystem {
  return (text) => assessText(state, text).fired.map((reason) => reason.code)
}

/** The rule patterns of earlier versions as verdicts: a hit names its reason. */
export const rulesSystem: TextSystem = (text) => [...new Set(ruleHits(text).map((hit) => hit.feature.slice(0, hit.feature.indexOf(':'))))]

/**
 * The plain lexical baseline: per text reason a logistic regression over hashed word and character
 * n-grams (the department classifier's features and learner), class-balanced, decision at 0.5.
 */
export function trainPlainBaseline(corpus: ReadonlyArray<{ text: string; reasons: readonly string[] }>, state: DetectorState): TextSystem {
  const codes = textReasonsOf(state.policy.policy).map((reason) => reason.code)
  const { featurizer, vectors } = fitAndVectorize(corpus.map((line) => line.text))
  const models = codes.map((code) => ({
    code,
    model: trainLogistic(
      vectors,
      corpus.map((line) => (line.reasons.includes(code) ? 1 : 0)),
      { dimensions: featurizer.options.buckets },
    ),
  }))
  return (text) => {
    const vector = featurizer.vectorize(text)
    return models.filter(({ model }) => predictLogit(model, vector) >= 0).map(({ code }) => code)
  }
}

/** Which reasons escalate alone under the policy in force. */
export function aloneReasons(state: DetectorState): Set<string> {
  return new Set(state.policy.policy.reasons.filter((reason) => reason.alone && reason.weight > 0).map((reason) => reason.code))
}
