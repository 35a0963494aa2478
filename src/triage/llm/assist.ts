import { departmentOpinionPrompt } from '../../../prompts/department-opinion.js'
import { draftReplyPrompt, type DraftReplyOutput } from '../../../prompts/draft-reply.js'
import { escalationOpinionPrompt } from '../../../prompts/escalation-opinion.js'
import { markerPattern } from '../../../prompts/fence.js'
import { promptRef } from '../../../prompts/prompt.js'
import { salutation } from '../../../prompts/salutation.js'
import { LlmError, type Llm } from '../../providers/llm/llm.js'
import { looksLikePromptInjection } from './injection.js'
import { redactPersonalData } from './redact.js'

export { looksLikePromptInjection, type InjectionCheck } from './injection.js'

/**
 * The two things the pipeline asks of an LLM. Both redact personal data before anything leaves the
 * process, and both throw LlmError on any failure, upon which the rules decide alone.
 */

export interface DraftReplyInput {
  inquiryText: string
  /** ISO 639-1 code of the inquiry; the reply is written in it. */
  language: string
  customerName?: string
  /** The retrieved passages, in the order they are numbered [1], [2], … (`language` of their article) */
  passages: Array<{ title: string; content: string; url?: string; language?: string }>
}

export interface DraftedReply {
  /** With personal data put back in place of its placeholders. */
  reply: string
  /** 1-based numbers of the passages the reply cites, ascending. */
  citations: number[]
  promptId: string
}

export interface DepartmentOpinion {
  department: 'technical' | 'commercial'
  confidence: number
  /** Still redacted ([EMAIL_1]): it is stored with the result, and personal data has no business there. */
  rationale: string
  promptId: string
}

// Bounds the cost of one call; applied after redaction, so a cut can split a placeholder but never an e-mail address.
const maxInquiryChars = 8_000
const maxPassageChars = 4_000
const maxRationaleChars = 500
// A reply repeating this many consecutive words of the system prompt is leaking it, not answering.
const leakShingleWords = 10

/**
 * Drafts a reply from the passages alone. Throws LlmError invalid_output when the reply is empty,
 * cites no given passage, or contains the data markers or the system prompt; citations of passages
 * that do not exist are dropped. Callers skip drafting when retrieval found no passage.
 */
export async function draftReply(llm: Llm, input: DraftReplyInput, options: { signal?: AbortSignal } = {}): Promise<DraftedReply> {
  if (input.passages.length === 0) throw new RangeError('draftReply needs at least one passage')
  const prompt = draftReplyPrompt
  const names = namesOf(input.customerName)
  const redaction = redactPersonalData(input.inquiryText, { names })
  // In German and English the salutation is ours (prompts/salutation.ts); other languages leave it to the model.
  const ownGreeting = input.language === 'de' || input.language === 'en' ? salutation(input.customerName, input.language) : undefined
  const user = prompt.render({
    inquiry: redaction.text.slice(0, maxInquiryChars),
    language: input.language,
    ...(names.length > 0 ? { customerName: '[NAME_1]' } : {}),
    ...(ownGreeting ? { greeting: true } : {}),
    passages: input.passages.map((passage) => ({ ...passage, content: passage.content.slice(0, maxPassageChars) })),
  })
  const answer = await llm.complete({
    system: prompt.system,
    user,
    schema: prompt.schema,
    schemaName: prompt.schemaName,
    ...signalOf(options),
  })
  const checked = checkReply(answer, input.passages.length, prompt.system)
  const reply = redaction.restore(checked.reply)
  return {
    reply: ownGreeting ? reply.replaceAll('[GREETING]', ownGreeting) : reply,
    citations: checked.citations,
    promptId: promptRef(prompt),
  }
}

/**
 * The model's view of the department, as a second opinion for the local classifier. Refuses inquiries
 * that look like prompt injection (LlmError invalid_output, without calling the model), so that
 * injected text can never sway the department even if a caller forgets to skip them.
 */
export async function departmentOpinion(
  llm: Llm,
  input: { inquiryText: string; language: string; customerName?: string },
  options: { signal?: AbortSignal } = {},
): Promise<DepartmentOpinion> {
  const prompt = departmentOpinionPrompt
  const injection = looksLikePromptInjection(input.inquiryText)
  if (injection.suspicious)
    throw new LlmError('invalid_output', 'inquiry looks like a prompt injection; no department opinion is asked for it')
  // The name is optional here, but without it a signature's name is not recognised as personal data.
  const redaction = redactPersonalData(input.inquiryText, { names: namesOf(input.customerName) })
  const user = prompt.render({ inquiry: redaction.text.slice(0, maxInquiryChars), language: input.language })
  const answer = await llm.complete({
    system: prompt.system,
    user,
    schema: prompt.schema,
    schemaName: prompt.schemaName,
    maxTokens: 300,
    ...signalOf(options),
  })
  return { ...answer, rationale: answer.rationale.trim().slice(0, maxRationaleChars), promptId: promptRef(prompt) }
}

export interface EscalationOpinion {
  /** Only the reasons asked about, each once; evidence still redacted and cut short. */
  reasons: Array<{ code: string; applies: boolean; evidence: string }>
  promptId: string
}

/**
 * The model's view of the escalation reasons the detector is unsure about, judged against the
 * policy's own definitions. Refuses inquiries that look like prompt injection, without calling the
 * model; answers about reasons not asked are dropped, and a reason asked but not answered is an error.
 */
export async function escalationOpinion(
  llm: Llm,
  input: {
    inquiryText: string
    language: string
    customerName?: string
    reasons: Array<{ code: string; name: string; description: string }>
  },
  options: { signal?: AbortSignal } = {},
): Promise<EscalationOpinion> {
  const prompt = escalationOpinionPrompt
  if (looksLikePromptInjection(input.inquiryText).suspicious)
    throw new LlmError('invalid_output', 'inquiry looks like a prompt injection; no escalation opinion is asked for it')
  const redaction = redactPersonalData(input.inquiryText, { names: namesOf(input.customerName) })
  const user = prompt.render({ inquiry: redaction.text.slice(0, maxInquiryChars), language: input.language, reasons: input.reasons })
  const answer = await llm.complete({
    system: prompt.system,
    user,
    schema: prompt.schema,
    schemaName: prompt.schemaName,
    maxTokens: 400,
    ...signalOf(options),
  })
  const asked = new Set(input.reasons.map((reason) => reason.code))
  const answered = new Map(answer.reasons.filter((reason) => asked.has(reason.code)).map((reason) => [reason.code, reason]))
  if (answered.size !== asked.size)
    throw new LlmError('invalid_output', `escalation opinion answered ${answered.size} of ${asked.size} reasons`)
  return {
    reasons: [...answered.values()].map((reason) => ({ ...reason, evidence: reason.evidence.trim().slice(0, maxRationaleChars) })),
    promptId: promptRef(prompt),
  }
}

function namesOf(customerName: string | undefined): string[] {
  return customerName?.trim() ? [customerName.trim()] : []
}

function signalOf(options: { signal?: AbortSignal }) {
  return options.signal ? { signal: options.signal } : {}
}

function checkReply(answer: DraftReplyOutput, passageCount: number, system: string): DraftReplyOutput {
  const invalid = (why: string) => new LlmError('invalid_output', `drafted reply rejected: ${why}`)
  const reply = answer.reply.trim()
  if (!reply) throw invalid('it is empty')
  if (markerPattern.test(reply)) throw invalid('it contains the data markers')
  if (repeatsInstructions(reply, system)) throw invalid('it repeats the system prompt')
  const exists = (n: number) => Number.isInteger(n) && n >= 1 && n <= passageCount
  const inText = [...reply.matchAll(/\[(\d{1,4})\]/g)].map((match) => Number(match[1]))
  const citations = [...new Set([...answer.citations, ...inText].filter(exists))].sort((a, b) => a - b)
  if (citations.length === 0) throw invalid(`it cites none of the ${passageCount} passages`)
  // A visible [7] with two passages would send the agent looking for a source that does not exist.
  const cleaned = reply
    .replace(/ ?\[(\d{1,4})\]/g, (whole, n: string) => (exists(Number(n)) ? whole : ''))
    .replace(/[ \t]+([.,;:!?])/g, '$1')
  return { reply: cleaned, citations }
}

function repeatsInstructions(reply: string, system: string): boolean {
  const replyWords = words(reply)
  const systemShingles = new Set(shingles(words(system)))
  return shingles(replyWords).some((shingle) => systemShingles.has(shingle))
}

function words(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
}

function shingles(list: string[]): string[] {
  const result: string[] = []
  for (let index = 0; index + leakShingleWords <= list.length; index++) result.push(list.slice(index, index + leakShingleWords).join(' '))
  return result
}
