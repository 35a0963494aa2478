import type { Deps } from '../../deps.js'
import { countRecentContacts } from '../../storage/queries/inquiries.js'
import type { TriageInput } from '../triage-input.js'
import { decideEscalation, type EscalationDecision, type EscalationReasonDetail } from './score.js'
import { detectSignals } from './signals.js'

const defaultSlaHours = { standard: 48, premium: 24, key_account: 8 } as const

export interface AssessmentContext {
  text: string
  confidence: number
  /** Why no article answers, when none does. */
  noKnowledge: string | undefined
  /** The inquiry's own id when it is already stored, so it does not count as an earlier contact. */
  inquiryId?: string | undefined
}

/** Collects every reason a lead should look at this inquiry, then weighs them. */
export async function assessEscalation(deps: Pick<Deps, 'sql' | 'config' | 'clock'>, input: TriageInput, context: AssessmentContext): Promise<EscalationDecision> {
  const settings = deps.config.triage
  const reasons: EscalationReasonDetail[] = detectSignals(context.text, { tier: input.customer?.tier })
  if (context.confidence < settings.lowConfidenceThreshold) {
    reasons.push({ code: 'low_confidence', detail: `department confidence ${context.confidence.toFixed(2)} is below ${settings.lowConfidenceThreshold}` })
  }
  if (context.noKnowledge) reasons.push({ code: 'no_knowledge', detail: context.noKnowledge })
  const repeat = await repeatContact(deps, input, context.inquiryId)
  if (repeat) reasons.push(repeat)
  const overdue = slaOverdue(deps, input)
  if (overdue) mergeReason(reasons, overdue)
  return decideEscalation(reasons, settings)
}

async function repeatContact(deps: Pick<Deps, 'sql' | 'config' | 'clock'>, input: TriageInput, ownId: string | undefined): Promise<EscalationReasonDetail | undefined> {
  const { repeatContactCount, repeatContactDays } = deps.config.triage
  const since = new Date(deps.clock.now().getTime() - repeatContactDays * 86_400_000)
  const earlier = await countRecentContacts(deps.sql, { id: input.customer?.id, email: input.customer?.email }, since, ownId)
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
