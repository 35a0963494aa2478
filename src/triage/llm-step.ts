import { promptRef } from '../../prompts/prompt.js'
import { departmentOpinionPrompt } from '../../prompts/department-opinion.js'
import { draftReplyPrompt } from '../../prompts/draft-reply.js'
import type { Deps } from '../deps.js'
import { LlmError, type Llm } from '../providers/llm/llm.js'
import type { DepartmentPrediction } from './classifier-service.js'
import { departmentOpinion, draftReply, looksLikePromptInjection } from './llm/assist.js'
import type { Suggestion } from './suggestions.js'

export interface SecondOpinion {
  department: 'technical' | 'commercial'
  confidence: number
  rationale: string
  adopted: boolean
}

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
    const opinion = await departmentOpinion(llm, { inquiryText: input.text, language: input.language, ...(input.customerName ? { customerName: input.customerName } : {}) })
    state.prompts.add(promptRef(departmentOpinionPrompt))
    return { department: opinion.department, confidence: opinion.confidence, rationale: opinion.rationale, adopted: opinion.confidence >= adoptOpinionAt }
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
      passages: input.suggestions.map((suggestion, i) => ({ title: suggestion.title, content: input.passages[i]!, ...(suggestion.url ? { url: suggestion.url } : {}) })),
    })
    state.prompts.add(promptRef(draftReplyPrompt))
    return input.suggestions.map((suggestion, i) => (i === 0 ? { ...suggestion, reply: drafted.reply, source: 'llm' as const, citations: drafted.citations } : suggestion))
  } catch (error) {
    state.degraded.push(`llm_reply_failed:${failureKind(error)}`)
    return input.suggestions
  }
}

function failureKind(error: unknown): string {
  if (error instanceof LlmError) return error.kind
  return error instanceof Error && error.name === 'AbortError' ? 'aborted' : 'error'
}
