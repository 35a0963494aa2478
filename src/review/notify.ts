import type { Deps } from '../deps.js'
import { enqueueJob, jobPriority } from '../storage/queries/jobs.js'
import type { Sql } from '../storage/sql.js'
import type { TriageResult } from '../triage/triage-result.js'

/** The queue of lead notifications; a job per escalation, retried with backoff like every job. */
export const notifyLeadsQueue = 'notify-leads'

/** What a notification says, kept in the job so a later retry sends the same words. */
export interface LeadNotice {
  escalationId: string
  inquiryId: string
  externalId: string | null
  department: string
  score: number
  reasons: Array<{ code: string; detail: string }>
  dueAt: string
  subject: string | null
}

export function leadNoticeOf(result: TriageResult, subject: string | undefined | null): LeadNotice | undefined {
  if (!result.escalation.escalate || !result.escalation.id || !result.escalation.dueAt) return undefined
  return {
    escalationId: result.escalation.id,
    inquiryId: result.inquiryId,
    externalId: result.externalId,
    department: result.department,
    score: result.escalation.score,
    reasons: result.escalation.reasons,
    dueAt: result.escalation.dueAt,
    subject: subject ?? null,
  }
}

/**
 * Queues the notification when a webhook for leads is configured. Called inside the transaction that
 * stores the escalation where there is one, so the two commit together; its delivery is a job, so a
 * slow or failing chat service never holds up triage. Returns the job's id, or undefined when nobody is told.
 */
export async function queueLeadNotice(deps: Pick<Deps, 'config'>, sql: Sql, notice: LeadNotice | undefined): Promise<string | undefined> {
  if (!notice || !deps.config.leads.notifyWebhookUrl) return undefined
  const job = await enqueueJob(sql, {
    queue: notifyLeadsQueue,
    payload: notice,
    dedupeKey: `${notifyLeadsQueue}:${notice.escalationId}`,
    maxAttempts: deps.config.jobs.maxAttempts,
    priority: jobPriority.finishing,
  })
  return job.id
}

/**
 * The message body: `text` is what Slack incoming webhooks and Microsoft Teams connectors both show
 * (Markdown-ish); `escalation` carries the fields for any other receiver.
 */
export function leadMessage(notice: LeadNotice, baseUrl: string | undefined): Record<string, unknown> {
  const link = baseUrl ? `${baseUrl.replace(/\/$/, '')}/ui/escalations/${notice.escalationId}` : `escalation ${notice.escalationId}`
  const reasons = notice.reasons.map((reason) => `• ${reason.code}: ${reason.detail}`).join('\n')
  const title = notice.subject ? `"${notice.subject.slice(0, 120)}"` : `inquiry ${notice.externalId ?? notice.inquiryId}`
  return {
    text: `Escalated (${notice.department}, score ${notice.score.toFixed(2)}, due ${notice.dueAt}): ${title}\n${reasons}\n${link}`,
    escalation: notice,
  }
}

/** Delivers one notification; a non-2xx answer or a timeout throws, and the queue retries. */
export async function sendLeadNotice(deps: Pick<Deps, 'config'>, notice: LeadNotice, signal: AbortSignal): Promise<void> {
  if (!deps.config.leads.notifyWebhookUrl) return // unset since it was queued: nobody to tell
  await postToLeads(deps, leadMessage(notice, deps.config.leads.publicBaseUrl), signal)
}

/**
 * Posts a message to the leads' webhook (notices and the weekly digest); a non-2xx answer or a timeout
 * throws, marked permanent for a 4xx the receiver will not change its mind about.
 */
export async function postToLeads(deps: Pick<Deps, 'config'>, message: Record<string, unknown>, signal: AbortSignal): Promise<void> {
  const url = deps.config.leads.notifyWebhookUrl
  if (!url) throw Object.assign(new Error('LEAD_NOTIFY_WEBHOOK_URL is not set'), { permanent: true })
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
    signal: AbortSignal.any([signal, AbortSignal.timeout(deps.config.jobs.writeBackTimeoutMs)]),
    redirect: 'manual',
  })
  await response.body?.cancel()
  if (!response.ok) {
    const permanent = response.status >= 400 && response.status < 500 && ![408, 409, 425, 429].includes(response.status)
    throw Object.assign(new Error(`lead notification webhook answered ${response.status}`), { permanent })
  }
}
