import type { Deps } from '../../deps.js'
import { countRecentContacts } from '../../storage/queries/inquiries.js'
import type { TriageInput } from '../triage-input.js'
import { decideEscalation, type EscalationDecision, type EscalationReasonDetail } from './score.js'

const defaultSlaHours = { standard: 48, premium: 24, key_account: 8 } as const

export interface AssessmentContext {
  /** detectSignals of the inquiry's text (the pipeline runs it while its queries execute). */
  signals: EscalationReasonDetail[]
  confidence: number
  /** Why no article answers, when none does. */
  noKnowledge: string | undefined
  /** The customer's inquiries within the repeat window before this one (countEarlierContacts). */
  earlierContacts: number
}

/** Collects every reason a lead should look at this inquiry, then weighs them. */
export function assessEscalation(deps: Pick<Deps, 'config' | 'clock'>, input: TriageInput, context: AssessmentContext): EscalationDecision {
  const settings = deps.config.triage
  const reasons: EscalationReasonDetail[] = [...context.signals]
  if (context.confidence < settings.lowConfidenceThreshold) {
    reasons.push({ code: 'low_confidence', detail: `department confidence ${context.confidence.toFixed(2)} is below ${settings.lowConfidenceThreshold}` })
  }
  if (context.noKnowledge) reasons.push({ code: 'no_knowledge', detail: context.noKnowledge })
  const repeat = repeatContact(deps, context.earlierContacts)
  if (repeat) reasons.push(repeat)
  const overdue = slaOverdue(deps, input)
  if (overdue) mergeReason(reasons, overdue)
  return decideEscalation(reasons, settings)
}

/**
 * How many inquiries this customer (by id or e-mail) sent within the repeat window; 0 without either,
 * and without a statement. `ownId`: an inquiry already stored (a webhook's) is not its own earlier contact.
 */
export function countEarlierContacts(deps: Pick<Deps, 'sql' | 'config' | 'clock'>, input: TriageInput, ownId: string | undefined): Promise<number> {
  const since = new Date(deps.clock.now().getTime() - deps.config.triage.repeatContactDays * 86_400_000)
  return countRecentContacts(deps.sql, { id: input.customer?.id, email: input.customer?.email }, since, ownId)
}

function repeatContact(deps: Pick<Deps, 'config'>, earlier: number): EscalationReasonDetail | undefined {
  const { repeatContactCount, repeatContactDays } = deps.config.triage
  if (earlier + 1 < repeatContactCount) return undefined
  return { code: 'repeat_contact', detail: `inquiry ${earlier + 1} from this customer within ${repeatContactDays} days` }
}

/** A ticket the helpdesk received long ago (metadata.receivedAt / createdAt) risks its first-response SLA. */
function slaOverdue(deps: Pick<Deps, 'config' | 'clock'>, input: TriageInput): EscalationReasonDetail | undefined {
  const received = input.metadata?.receivedAt ?? input.metadata?.createdAt
  if (typeof received !== 'string' || Number.isNaN(Date.parse(received))) return undefined
  const tier = input.customer?.tier ?? 'standard'
  const budget = deps.config.triage.slaFirstResponseHours[tier] ?? defaultSlaHours[tier]
  const waitedHours = (deps.clock.now().getTime() - Date.parse(received)) / 3_600_000
  // Escalate once three quarters of the first-response time are gone, while there is still time to act.
  if (waitedHours < budget * 0.75) return undefined
  return { code: 'sla_risk', detail: `waiting ${waitedHours.toFixed(1)} h of a ${budget} h first-response target (${tier})` }
}

function mergeReason(reasons: EscalationReasonDetail[], reason: EscalationReasonDetail) {
  const existing = reasons.find((candidate) => candidate.code === reason.code)
  if (existing) existing.detail = `${existing.detail}; ${reason.detail}`
  else reasons.push(reason)
}
