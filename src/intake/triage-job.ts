import type { Deps } from '../deps.js'
import * as inquiries from '../storage/queries/inquiries.js'
import { analyzeInquiry } from '../triage/pipeline.js'
import { storeTriageOutcome } from '../triage/store-outcome.js'
import type { TriageInput } from '../triage/triage-input.js'

type JobDeps = Pick<Deps, 'sql' | 'embeddings' | 'classifier' | 'escalation' | 'logger' | 'clock' | 'config' | 'llm' | 'jobs'>

/** The triage request a received inquiry was stored from. */
export function storedTriageInput(row: inquiries.StoredInquiryRow): TriageInput {
  const customer = Object.fromEntries(
    Object.entries({ id: row.customer_id, name: row.customer_name, email: row.customer_email, tier: row.customer_tier }).filter(
      ([, value]) => value !== null,
    ),
  ) as TriageInput['customer']
  return {
    body: row.body,
    ...(row.subject !== null ? { subject: row.subject } : {}),
    ...(row.language !== inquiries.undeterminedLanguage ? { language: row.language } : {}),
    ...(row.channel !== null ? { channel: row.channel } : {}),
    ...(customer && Object.keys(customer).length ? { customer } : {}),
    ...(row.external_id !== null ? { externalId: row.external_id } : {}),
    metadata: row.metadata ?? {},
  }
}

/**
 * Triages an inquiry a webhook stored. The result, its escalation and the write-back job are stored in
 * one transaction (the outbox): a result is never stored without its delivery queued, nor the other way
 * round. A second attempt after a crash finds the inquiry triaged and stops; one that raced the first
 * changes nothing (the update only takes a 'received' row).
 */
export async function runTriageJob(deps: JobDeps, inquiryId: string, signal: AbortSignal): Promise<void> {
  const row = await inquiries.findStoredInquiry(deps.sql, inquiryId)
  const log = deps.logger.child({ inquiryId })
  if (!row) return log.warn({}, 'triage job for an inquiry that no longer exists; nothing to do')
  if (row.status !== 'received') return log.info({}, 'inquiry already triaged; nothing to do')

  const outcome = await analyzeInquiry(deps, storedTriageInput(row), { inquiryId, signal })
  const { result } = outcome
  const stored = await storeTriageOutcome(deps, outcome, { kind: 'received', subject: row.subject, integrationId: row.integration_id })
  log.info(
    { department: result.department, escalate: result.escalation.escalate, stored },
    stored ? 'inquiry triaged' : 'inquiry was triaged by another attempt meanwhile',
  )
}
