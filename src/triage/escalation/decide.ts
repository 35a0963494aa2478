import { reasonOf, type EscalationPolicy } from './policy.js'

/** A reason found for one inquiry, with the evidence a lead reads. */
export interface FiredReason {
  code: string
  detail: string
}

export interface EscalationDecision {
  escalate: boolean
  /** Noisy-OR of the fired reasons' weights, 1 − Π(1 − w): how much speaks for a lead, for sorting. */
  score: number
  reasons: FiredReason[]
  /** Calibrated probability of every text reason, fired or not. */
  scores: Record<string, number>
  policyVersion: number
}

/**
 * Escalates when a fired reason escalates on its own, or when the combined weight of the fired
 * reasons reaches the policy's threshold (low confidence and a missing article together, say).
 */
export function decideEscalation(
  reasons: FiredReason[],
  scores: Record<string, number>,
  policy: { version: number; policy: EscalationPolicy },
): EscalationDecision {
  const known = reasons.map((reason) => ({ reason, rule: reasonOf(policy.policy, reason.code) }))
  const keep = known.reduce((product, { rule }) => product * (1 - (rule?.weight ?? 0)), 1)
  const score = Math.round((1 - keep) * 1000) / 1000
  const alone = known.some(({ rule }) => rule?.alone && rule.weight > 0)
  return {
    escalate: reasons.length > 0 && (alone || score >= policy.policy.threshold),
    score,
    reasons,
    scores,
    policyVersion: policy.version,
  }
}

/** When a lead must have acted: the earliest due time of the fired reasons, per department where the policy says so. */
export function escalationDueAt(
  now: Date,
  department: 'technical' | 'commercial',
  reasons: readonly FiredReason[],
  policy: EscalationPolicy,
): Date {
  const hours = reasons.map((reason) => {
    const due = reasonOf(policy, reason.code)?.dueHours
    return due?.[department] ?? due?.default ?? 24
  })
  return new Date(now.getTime() + Math.min(...hours, 24 * 90) * 3600_000)
}
