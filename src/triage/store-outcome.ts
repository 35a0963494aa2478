import type { Deps } from '../deps.js'
import { writeBackQueue } from '../intake/queues.js'
import { leadNoticeOf, queueLeadNotice } from '../review/notify.js'
import * as inquiryQueries from '../storage/queries/inquiries.js'
import { enqueueJob, jobPriority } from '../storage/queries/jobs.js'
import type { Sql } from '../storage/sql.js'
import type { TriageInput } from './triage-input.js'
import type { TriageResult } from './triage-result.js'

/** A triage result and, when it escalates, when the lead's answer is due. */
export interface TriageOutcome {
  result: TriageResult
  dueAt: Date | null
}

/** Where a triaged inquiry is stored: a new row (POST /v1/triage), or the row a webhook stored on receipt. */
export type TriageDestination =
  | { kind: 'new'; input: TriageInput; submittedByKeyId?: string | undefined }
  | { kind: 'received'; subject: string | null; integrationId: string | null }

type StoreDeps = Pick<Deps, 'sql' | 'config' | 'jobs'>

/**
 * Stores the result with its escalation and queues what follows from it (the helpdesk write-back, the
 * leads' notification) in one transaction, the outbox: neither is stored without the other. False when a
 * received inquiry was triaged by another attempt meanwhile; then nothing is written or queued.
 */
export async function storeTriageOutcome(deps: StoreDeps, outcome: TriageOutcome, destination: TriageDestination): Promise<boolean> {
  const { inquiryId } = outcome.result
  const subject = destination.kind === 'new' ? destination.input.subject : destination.subject
  const notice = deps.config.leads.notifyWebhookUrl ? leadNoticeOf(outcome.result, subject) : undefined
  const writesBack = destination.kind === 'received' && destination.integrationId !== null
  // Nothing to queue: the one statement is atomic without a transaction (most POST /v1/triage calls).
  if (!notice && !writesBack) return writeInquiry(deps.sql, outcome, destination)
  const queued = await deps.sql.transaction(async (tx) => {
    if (!(await writeInquiry(tx, outcome, destination))) return undefined
    const jobIds: string[] = []
    // Finishing this ticket goes before triaging the next ones queued in a burst.
    if (writesBack) {
      const job = await enqueueJob(tx, {
        queue: writeBackQueue,
        payload: { inquiryId },
        dedupeKey: `${writeBackQueue}:${inquiryId}`,
        maxAttempts: deps.config.jobs.maxAttempts,
        priority: jobPriority.finishing,
      })
      jobIds.push(job.id)
    }
    const noticeJob = await queueLeadNotice(deps, tx, notice)
    if (noticeJob) jobIds.push(noticeJob)
    return jobIds
  })
  if (queued) await deps.jobs?.wake(queued)
  return queued !== undefined
}

/** The inquiry row and its escalation, in one statement; false when a received inquiry is no longer 'received'. */
async function writeInquiry(sql: Sql, outcome: TriageOutcome, destination: TriageDestination): Promise<boolean> {
  const { result } = outcome
  if (destination.kind === 'received') {
    const triaged = {
      id: result.inquiryId,
      language: result.language,
      department: result.department,
      confidence: result.confidence,
      escalated: result.escalation.escalate,
      result,
      triagedAt: new Date(result.createdAt),
    }
    return inquiryQueries.completeReceivedInquiry(sql, triaged, escalationRecord(outcome))
  }
  await inquiryQueries.insertInquiry(
    sql,
    { ...inquiryRecord(destination.input, result), submittedByKeyId: destination.submittedByKeyId },
    escalationRecord(outcome),
  )
  return true
}

/** The inquiries row of a triaged inquiry. */
function inquiryRecord(input: TriageInput, result: TriageResult): inquiryQueries.InquiryInsert & { id: string } {
  return {
    id: result.inquiryId,
    externalId: input.externalId,
    subject: input.subject,
    body: input.body,
    language: result.language,
    channel: input.channel,
    customer: input.customer ?? {},
    metadata: input.metadata ?? {},
    department: result.department,
    confidence: result.confidence,
    escalated: result.escalation.escalate,
    result,
    createdAt: new Date(result.createdAt),
  }
}

/** The escalations row, when the outcome escalates. */
function escalationRecord({ result, dueAt }: TriageOutcome): inquiryQueries.EscalationInsert | undefined {
  if (!dueAt || !result.escalation.id) return undefined
  return {
    id: result.escalation.id,
    department: result.department,
    score: result.escalation.score,
    reasons: result.escalation.reasons,
    dueAt,
    policyVersion: result.escalation.policyVersion,
  }
}
