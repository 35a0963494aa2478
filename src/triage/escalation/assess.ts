import { pickAccount, senderKeys, type AccountMatch } from '../../accounts/accounts.js'
import type { Deps } from '../../deps.js'
import { findSenderFacts } from '../../storage/queries/sender.js'
import type { TriageInput } from '../triage-input.js'
import { decideEscalation, type EscalationDecision, type FiredReason } from './decide.js'
import type { ReasonScore } from './detector/model.js'
import type { RuleHit } from './detector/text-features.js'
import type { DetectorState } from './detector-service.js'
import { textReasonsOf } from './policy.js'
import { ruleHits } from './rules.js'

const defaultSlaHours = { standard: 48, premium: 24, key_account: 8 } as const
/** Fewer letters than this is nothing to read (garbage, emoji, "!!!!"): no text reason fires. */
const minLetters = 3

/**
 * Where the model is not trusted alone: with a pattern of its reason (rules.ts) in the text, the
 * sentence around the match is scored on its own too (a hazard buried under a long, unrelated message
 * is not outvoted by it), and a lower probability suffices. Only `safety`: short German hazard reports
 * ("kommt Rauch raus") scored 0.2–0.4 and a smoking router under an invoice question below 0.1, and
 * missing a hazard costs most (test/triage/escalation-rules.test.ts). A pattern in a harmless sentence
 * ("How do I set up the Fire TV?") stays below even the lowered bar.
 */
const ruleAssistedThreshold: Readonly<Record<string, number>> = { safety: 0.15 }

/** What the text says: every text reason's calibrated probability, and the ones that fired with their phrases. */
export interface TextAssessment {
  scores: Record<string, number>
  /** The probability each text reason fires from (after the policy's minProbability and rule help). */
  thresholds: Record<string, number>
  fired: FiredReason[]
}

/**
 * Scores every text reason of the policy. A reason fires from the policy's minProbability, else from
 * the threshold the model chose for it; its detail names the probability and the phrases behind it.
 */
export function assessText(detector: DetectorState, text: string): TextAssessment {
  const reasons = textReasonsOf(detector.policy.policy)
  const letters = (text.match(/\p{L}/gu) ?? []).length
  if (letters < minLetters) return { scores: Object.fromEntries(reasons.map((reason) => [reason.code, 0])), thresholds: {}, fired: [] }
  const ruleMatches = ruleHits(text)
  const scored = withRuleSentences(detector, text, ruleMatches, detector.model.score(text, ruleMatches))
  const hits = new Set(ruleMatches.map((hit) => hit.feature.slice(0, hit.feature.indexOf(':'))))
  const scores: Record<string, number> = {}
  const thresholds: Record<string, number> = {}
  const fired: FiredReason[] = []
  for (const reason of reasons) {
    const score = scored.get(reason.code)
    const probability = round(score?.probability ?? 0)
    scores[reason.code] = probability
    const learned = reason.minProbability ?? detector.model.reasons.get(reason.code)?.threshold
    const assisted = hits.has(reason.code) ? ruleAssistedThreshold[reason.code] : undefined
    const threshold = assisted !== undefined && learned !== undefined ? Math.min(assisted, learned) : learned
    if (threshold !== undefined) thresholds[reason.code] = threshold
    // A reason the policy switched off (weight 0, not alone) is scored and shown, never fired.
    const switchedOff = reason.weight === 0 && !reason.alone
    if (!score || threshold === undefined || probability < threshold || switchedOff) continue
    const phrases = score.phrases().map((phrase) => `"${phrase.replace(/\s+/g, ' ').slice(0, 60)}"`)
    const why =
      threshold < (learned ?? 1) ? `fires from ${threshold.toFixed(2)} with a ${reason.code} pattern` : `fires from ${threshold.toFixed(2)}`
    fired.push({
      code: reason.code,
      detail: `probability ${probability.toFixed(2)} (${why})${phrases.length ? `: ${phrases.join(', ')}` : ''}`,
    })
  }
  return { scores, thresholds, fired }
}

/** For rule-assisted reasons: the best of the whole text and each sentence holding one of the reason's patterns. */
function withRuleSentences(
  detector: DetectorState,
  text: string,
  ruleMatches: readonly RuleHit[],
  scored: Map<string, ReasonScore>,
): Map<string, ReasonScore> {
  for (const hit of ruleMatches) {
    const code = hit.feature.slice(0, hit.feature.indexOf(':'))
    if (ruleAssistedThreshold[code] === undefined) continue
    const local = detector.model.score(sentenceAround(text, hit.start, hit.end)).get(code)
    if (local && local.probability > (scored.get(code)?.probability ?? 0)) scored.set(code, local)
  }
  return scored
}

function sentenceAround(text: string, start: number, end: number): string {
  const from = text.slice(0, start).search(/[^.!?\n]*$/)
  const to = text.slice(end).search(/[.!?\n]/)
  return text.slice(from, to < 0 ? text.length : end + to + 1)
}

export interface AssessmentContext {
  detector: DetectorState
  text: TextAssessment
  confidence: number
  /** Why no article answers, when none does. */
  noKnowledge: string | undefined
  /** The customer's inquiries within the repeat window before this one (senderFacts). */
  earlierContacts: number
  account: AccountMatch | undefined
}

/** Collects every reason a lead should look at this inquiry, then decides under the policy in force. */
export function assessEscalation(deps: Pick<Deps, 'config' | 'clock'>, input: TriageInput, context: AssessmentContext): EscalationDecision {
  const settings = deps.config.triage
  const reasons: FiredReason[] = [...context.text.fired]
  const keyAccount = keyAccountEvidence(input, context.account)
  if (keyAccount) reasons.push(keyAccount)
  if (context.confidence < settings.lowConfidenceThreshold) {
    reasons.push({
      code: 'low_confidence',
      detail: `department confidence ${context.confidence.toFixed(2)} is below ${settings.lowConfidenceThreshold}`,
    })
  }
  if (context.noKnowledge) reasons.push({ code: 'no_knowledge', detail: context.noKnowledge })
  const repeat = repeatContact(deps, context.earlierContacts)
  if (repeat) reasons.push(repeat)
  const overdue = slaOverdue(deps, input, context.account)
  if (overdue) reasons.push(overdue)
  return decideEscalation(reasons, context.text.scores, context.detector.policy)
}

/**
 * The sender's earlier inquiries within the repeat window and the directory account they belong to,
 * in one statement. `ownId`: an inquiry already stored (a webhook's) is not its own earlier contact;
 * `withAccounts` false skips the directory (it is empty).
 */
export async function senderFacts(
  deps: Pick<Deps, 'sql' | 'config' | 'clock'>,
  input: TriageInput,
  text: string,
  options: { ownId: string | undefined; withAccounts: boolean },
): Promise<{ earlierContacts: number; account: AccountMatch | undefined }> {
  const keys = senderKeys({ customerId: input.customer?.id, email: input.customer?.email, text })
  const since = new Date(deps.clock.now().getTime() - deps.config.triage.repeatContactDays * 86_400_000)
  const facts = await findSenderFacts(deps.sql, { ...keys, since, excludeId: options.ownId ?? null }, { accounts: options.withAccounts })
  return { earlierContacts: facts.earlier, account: pickAccount(facts.accounts, keys) }
}

function keyAccountEvidence(input: TriageInput, match: AccountMatch | undefined): FiredReason | undefined {
  if (match?.account.tier === 'key_account')
    return {
      code: 'key_account',
      detail: `account "${match.account.name}" (${match.account.externalId}) is a key account, recognised by ${match.matchedBy.replace('_', ' ')}`,
    }
  if (!match && input.customer?.tier === 'key_account')
    return { code: 'key_account', detail: 'customer tier is key_account (from the request)' }
  return undefined
}

function repeatContact(deps: Pick<Deps, 'config'>, earlier: number): FiredReason | undefined {
  const { repeatContactCount, repeatContactDays } = deps.config.triage
  if (earlier + 1 < repeatContactCount) return undefined
  return { code: 'repeat_contact', detail: `inquiry ${earlier + 1} from this customer within ${repeatContactDays} days` }
}

/**
 * A ticket the helpdesk received long ago (metadata.receivedAt / createdAt) risks its first-response
 * time: the account's own, else its tier's (the account's tier before the request's).
 */
function slaOverdue(deps: Pick<Deps, 'config' | 'clock'>, input: TriageInput, match: AccountMatch | undefined): FiredReason | undefined {
  const received = input.metadata?.receivedAt ?? input.metadata?.createdAt
  if (typeof received !== 'string' || Number.isNaN(Date.parse(received))) return undefined
  const tier = match?.account.tier ?? input.customer?.tier ?? 'standard'
  const budget = match?.account.firstResponseHours ?? deps.config.triage.slaFirstResponseHours[tier] ?? defaultSlaHours[tier]
  const waitedHours = (deps.clock.now().getTime() - Date.parse(received)) / 3_600_000
  // Escalate once three quarters of the first-response time are gone, while there is still time to act.
  if (waitedHours < budget * 0.75) return undefined
  const whose = match?.account.firstResponseHours ? `account ${match.account.externalId}` : tier
  return { code: 'sla_risk', detail: `waiting ${waitedHours.toFixed(1)} h of a ${budget} h first-response target (${whose})` }
}

const round = (value: number) => Math.round(value * 1000) / 1000
