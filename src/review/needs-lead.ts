import type { Principal } from '../auth/roles.js'
import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { openEscalation } from '../storage/queries/escalations.js'
import type { StoredInquiryRow } from '../storage/queries/inquiries.js'
import { decideEscalation, escalationDueAt, type FiredReason } from '../triage/escalation/decide.js'
import { textReasonsOf, type StoredPolicy } from '../triage/escalation/policy.js'
import { learnEscalation } from './learn.js'
import { queueLeadNotice } from './notify.js'

type NeedsLeadDeps = Pick<Deps, 'sql' | 'config' | 'clock' | 'escalation' | 'logger' | 'jobs'>

/** 422 naming each reason that is not a text reason of the policy in force; nothing is written before this. */
export async function checkLeadReasons(deps: NeedsLeadDeps, reasons: readonly string[]): Promise<StoredPolicy> {
  const { policy } = await deps.escalation.current(deps)
  const known = textReasonsOf(policy.policy).map((reason) => reason.code)
  const errors = reasons.flatMap((code, index) =>
    known.includes(code)
      ? []
      : [
          {
            field: `needsLead.reasons.${index}`,
            message: `"${code}" is not a text reason of the escalation policy (one of ${known.join(', ')})`,
          },
        ],
  )
  if (errors.length) throw new AppError('validation_failed', 'Unknown escalation reasons.', { errors })
  return policy
}

/**
 * An agent says an inquiry needs a lead: it is escalated now unless triage already did (due by the
 * policy's times for the named reasons, the leads told like any escalation), and the named reasons
 * become a training example for the detector.
 */
export async function askForLead(
  deps: NeedsLeadDeps,
  principal: Principal,
  inquiry: StoredInquiryRow & { result: Record<string, unknown> },
  request: { reasons: string[]; note?: string | undefined },
  policy: StoredPolicy,
): Promise<{ escalationId: string; exampleAdded: boolean }> {
  const text = [inquiry.subject, inquiry.body].filter(Boolean).join('\n\n')
  const exampleAdded = await learnEscalation(deps, {
    text,
    language: inquiry.language,
    labels: Object.fromEntries(request.reasons.map((code) => [code, true])),
    source: 'agent',
    inquiryId: inquiry.id,
    principal,
  })
  const existing = inquiry.result.escalation as { escalate?: boolean; id?: string | null } | undefined
  if (existing?.escalate && existing.id) return { escalationId: existing.id, exampleAdded }
  const at = deps.clock.now()
  const asked = `${principal.name} (${principal.role}) asked for a lead${request.note ? `: ${request.note}` : ''}`
  const reasons: FiredReason[] = [...new Set(request.reasons)].map((code) => ({ code, detail: asked }))
  const department = inquiry.result.department === 'commercial' ? 'commercial' : 'technical'
  const decision = decideEscalation(reasons, (existing as { scores?: Record<string, number> } | undefined)?.scores ?? {}, policy)
  const dueAt = escalationDueAt(at, department, reasons, policy.policy)
  const id = crypto.randomUUID()
  const escalation = { ...decision, escalate: true, id, dueAt: dueAt.toISOString() }
  const opened = await deps.sql.transaction(async (tx) => {
    const stored = await openEscalation(tx, {
      id,
      inquiryId: inquiry.id,
      department,
      score: decision.score,
      reasons,
      dueAt,
      policyVersion: policy.version,
      openedBy: principal.keyId,
      result: { ...inquiry.result, escalation },
      at,
    })
    if (!stored) return undefined
    return {
      noticeJob: await queueLeadNotice(deps, tx, {
        escalationId: id,
        inquiryId: inquiry.id,
        externalId: inquiry.external_id,
        department,
        score: decision.score,
        reasons,
        dueAt: escalation.dueAt,
        subject: inquiry.subject,
      }),
    }
  })
  if (!opened) throw new AppError('conflict', 'The inquiry was escalated at the same moment; reload it.')
  if (opened.noticeJob) await deps.jobs?.wake([opened.noticeJob])
  return { escalationId: id, exampleAdded }
}
