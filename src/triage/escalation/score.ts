import type { Config, EscalationReason } from '../../config.js'

export interface EscalationReasonDetail {
  code: EscalationReason
  detail: string
}

export interface EscalationDecision {
  escalate: boolean
  /** Noisy-OR of the reasons' weights: 1 - Π(1 - w). One strong reason suffices; weak ones add up. */
  score: number
  reasons: EscalationReasonDetail[]
}

/**
 * Default weights. Safety, legal threats and data-protection requests escalate on their own; low
 * confidence or a missing article alone do not, but together they do (1 - 0.55 * 0.65 = 0.64).
 */
export const defaultEscalationWeights: Record<EscalationReason, number> = {
  safety: 1,
  legal_threat: 0.9,
  data_protection_request: 0.8,
  key_account: 0.7,
  anger: 0.6,
  repeat_contact: 0.6,
  sla_risk: 0.6,
  low_confidence: 0.45,
  no_knowledge: 0.35,
}

/** Hours until a lead should have acted, per reason; the earliest reason sets the due time. */
export const defaultDueHours: Record<EscalationReason, number> = {
  safety: 1,
  legal_threat: 4,
  key_account: 4,
  sla_risk: 4,
  anger: 8,
  repeat_contact: 8,
  data_protection_request: 24,
  low_confidence: 24,
  no_knowledge: 24,
}

export function decideEscalation(reasons: EscalationReasonDetail[], config: Config['triage']): EscalationDecision {
  const weights = { ...defaultEscalationWeights, ...config.escalationWeights }
  const keep = 1 - reasons.reduce((product, reason) => product * (1 - (weights[reason.code] ?? 0)), 1)
  const score = Math.round(keep * 1000) / 1000
  return { escalate: reasons.length > 0 && score >= config.escalationThreshold, score, reasons }
}

/** When the lead should have acted: configured per department and reason, else per reason. */
export function escalationDueAt(now: Date, department: string, reasons: EscalationReasonDetail[], config: Config['triage']): Date {
  const configured = config.escalationDueHours
  const perDepartment = configured[department]
  const hoursFor = (code: EscalationReason) => {
    if (typeof perDepartment === 'object' && perDepartment[code] !== undefined) return perDepartment[code]!
    const general = configured[code]
    return typeof general === 'number' ? general : defaultDueHours[code]
  }
  const hours = Math.min(...reasons.map((reason) => hoursFor(reason.code)), 24)
  return new Date(now.getTime() + hours * 3600_000)
}
