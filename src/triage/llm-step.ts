import { promptRef } from '../../prompts/prompt.js'
import { departmentOpinionPrompt } from '../../prompts/department-opinion.js'
import { draftReplyPrompt } from '../../prompts/draft-reply.js'
import type { Deps } from '../deps.js'
import { LlmError, type Llm } from '../providers/llm/llm.js'
import type { DepartmentPrediction } from './classifier-service.js'
import { departmentOpinion, draftReply, escalationOpinion, looksLikePromptInjection } from './llm/assist.js'
import type { TextAssessment } from './escalation/assess.js'
import { reasonOf, type StoredPolicy } from './escalation/policy.js'
import { escalationOpinionPrompt } from '../../prompts/escalation-opinion.js'
import type { EscalationSecondOpinion, SecondOpinion, Suggestion } from './triage-result.js'

/** An LLM opinion replaces a low-confidence local decision only when the model is this sure. */
const adoptOpinionAt = 0.75

/**
 * Asks the model for a second opinion on a low-confidence department. Never for text that looks like
 * a prompt injection: text inside an inquiry must not be able to choose its own department.
 */
export async function secondOpinion(
  deps: Pick<Deps, 'llm' | 'config'>,
  input: { text: string; language: string; customerName?: string | undefined; prediction: DepartmentPrediction },
  state: { degraded: string[]; prompts: Set<string> },
): Promise<SecondOpinion | undefined> {
  const llm = deps.llm
  if (!llm || input.prediction.confidence >= deps.config.triage.lowConfidenceThreshold) return undefined
  if (looksLikePromptInjection(input.text).suspicious) {
    state.degraded.push('llm_opinion_skipped:injection_suspected')
    return undefined
  }
  try {
    const opinion = await departmentOpinion(llm, {
      inquiryText: input.text,
      language: input.language,
      ...(input.customerName ? { customerName: input.customerName } : {}),
    })
    state.prompts.add(promptRef(departmentOpinionPrompt))
    return {
      department: opinion.department,
      confidence: opinion.confidence,
      rationale: opinion.rationale,
      adopted: opinion.confidence >= adoptOpinionAt,
    }
  } catch (error) {
    state.degraded.push(`llm_opinion_failed:${failureKind(error)}`)
    return undefined
  }
}

/**
 * Drafts the first suggestion's reply from the retrieved passages (one call, citing them as [1], [2]);
 * the other suggestions keep their template replies. On any failure all keep the template.
 */
export async function draftWithLlm(
  llm: Llm | undefined,
  input: { text: string; language: string; customerName?: string | undefined; suggestions: Suggestion[]; passages: string[] },
  state: { degraded: string[]; prompts: Set<string> },
): Promise<Suggestion[]> {
  if (!llm || input.suggestions.length === 0) return input.suggestions
  try {
    const drafted = await draftReply(llm, {
      inquiryText: input.text,
      language: input.language,
      ...(input.customerName ? { customerName: input.customerName } : {}),
      passages: input.suggestions.map((suggestion, i) => ({
        title: suggestion.title,
        content: input.passages[i]!,
        ...(suggestion.url ? { url: suggestion.url } : {}),
        ...(suggestion.language ? { language: suggestion.language } : {}),
      })),
    })
    state.prompts.add(promptRef(draftReplyPrompt))
    return input.suggestions.map((suggestion, i) =>
      i === 0 ? { ...suggestion, reply: drafted.reply, source: 'llm' as const, citations: drafted.citations } : suggestion,
    )
  } catch (error) {
    state.degraded.push(`llm_reply_failed:${failureKind(error)}`)
    return input.suggestions
  }
}

/** A reason is uncertain when its probability lies within this many log-odds of the probability it fires from. */
const uncertainBand = 1
/** Never taken away by a second opinion: missing a hazard costs most. */
const keptAgainstOpinion = new Set(['safety'])

/**
 * Asks the LLM about the text reasons the detector is unsure of (probability near its threshold), with
 * the policy's definitions in the prompt, and lets its answer decide those reasons only. Without an LLM,
 * for injection-like text, on any failure or a wrong-shaped answer, the detector's verdict stands.
 */
export async function escalationSecondOpinion(
  deps: Pick<Deps, 'llm'>,
  input: { text: string; language: string; customerName?: string | undefined; policy: StoredPolicy; assessment: TextAssessment },
  state: { degraded: string[]; prompts: Set<string> },
): Promise<{ assessment: TextAssessment; opinion?: EscalationSecondOpinion }> {
  const { assessment } = input
  const uncertain = Object.entries(assessment.thresholds)
    .filter(([code, threshold]) => Math.abs(logit(assessment.scores[code] ?? 0) - logit(threshold)) < uncertainBand)
    .map(([code]) => code)
  if (!deps.llm || uncertain.length === 0) return { assessment }
  if (looksLikePromptInjection(input.text).suspicious) {
    state.degraded.push('llm_escalation_skipped:injection_suspected')
    return { assessment }
  }
  const language = input.language === 'de' ? 'de' : 'en'
  const asked = uncertain
    .map((code) => reasonOf(input.policy.policy, code)!)
    .map((reason) => ({ code: reason.code, name: reason.names.en, description: reason.descriptions.en }))
  try {
    const opinion = await escalationOpinion(deps.llm, {
      inquiryText: input.text,
      language,
      ...(input.customerName ? { customerName: input.customerName } : {}),
      reasons: asked,
    })
    state.prompts.add(promptRef(escalationOpinionPrompt))
    const changed: string[] = []
    let fired = [...assessment.fired]
    for (const answer of opinion.reasons) {
      const isFired = fired.some((reason) => reason.code === answer.code)
      const probability = (assessment.scores[answer.code] ?? 0).toFixed(2)
      if (answer.applies && !isFired) {
        fired.push({
          code: answer.code,
          detail: `probability ${probability}, just below ${assessment.thresholds[answer.code]!.toFixed(2)}; LLM second opinion: ${answer.evidence}`,
        })
        changed.push(answer.code)
      } else if (!answer.applies && isFired && !keptAgainstOpinion.has(answer.code)) {
        fired = fired.filter((reason) => reason.code !== answer.code)
        changed.push(answer.code)
      }
    }
    return { assessment: { ...assessment, fired }, opinion: { reasons: opinion.reasons, changed } }
  } catch (error) {
    state.degraded.push(`llm_escalation_failed:${failureKind(error)}`)
    return { assessment }
  }
}

const logit = (p: number) => Math.log(Math.min(Math.max(p, 1e-6), 1 - 1e-6) / (1 - Math.min(Math.max(p, 1e-6), 1 - 1e-6)))

function failureKind(error: unknown): string {
  if (error instanceof LlmError) return error.kind
  return error instanceof Error && error.name === 'AbortError' ? 'aborted' : 'error'
}
