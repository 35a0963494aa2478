import type { Deps } from '../deps.js'
import type { IntegrationRow } from '../storage/queries/integrations.js'
import * as inquiries from '../storage/queries/inquiries.js'
import { writeBack } from '../helpdesks/index.js'
import type { TicketRef } from '../webhooks/payload-draft.js'
import type { WriteBackTarget } from '../webhooks/write-back/types.js'
import { findOpenIntegration } from '../integrations/integration-secrets.js'
import { writeBackMode } from '../integrations/integrations.js'

type JobDeps = Pick<Deps, 'sql' | 'logger' | 'clock' | 'config' | 'outbound' | 'secrets'>

/** Where this integration's results go, or undefined when it has no write-back configured. */
export function writeBackTargetOf(row: IntegrationRow): WriteBackTarget | undefined {
  if (writeBackMode(row) === 'none') return undefined
  return {
    type: row.type,
    secret: row.secret,
    ...(row.api_base_url ? { apiBaseUrl: row.api_base_url } : {}),
    ...(row.api_token ? { apiToken: row.api_token } : {}),
    ...(row.callback_url ? { callbackUrl: row.callback_url } : {}),
    departmentGroups: row.department_groups ?? {},
  }
}

/**
 * Delivers one stored triage result to its helpdesk: the outbox's consumer. The job was queued in the
 * transaction that stored the result. A crash after the helpdesk accepted but before the job was marked
 * done repeats the call; the write-back layer then finds its own note and adds none (tags are sets).
 * Failures throw: the queue retries with backoff (Retry-After honoured) and dead-letters permanent ones.
 */
export async function runWriteBackJob(deps: JobDeps, inquiryId: string, signal: AbortSignal): Promise<void> {
  const log = deps.logger.child({ inquiryId })
  const row = await inquiries.findStoredInquiry(deps.sql, inquiryId)
  if (!row || row.status !== 'triaged' || !row.result) return log.warn({}, 'write-back for an inquiry without a result; nothing to do')
  if (row.written_back_at) return log.info({}, 'result was written back already; nothing to do')
  const integration = row.integration_id ? await findOpenIntegration(deps, row.integration_id) : undefined
  const target = integration && writeBackTargetOf(integration)
  if (!integration || !target) return log.warn({}, 'the integration is gone or has no write-back configured; result not delivered')

  const report = await writeBack(
    target,
    { inquiryId, ticket: row.ticket as TicketRef, result: row.result },
    { now: deps.clock.now(), signal, timeoutMs: deps.config.jobs.writeBackTimeoutMs, outbound: deps.outbound },
  )
  await inquiries.markWrittenBack(deps.sql, inquiryId, deps.clock.now())
  log.info({ integration: integration.name, requests: report.requests, skipped: report.skipped }, 'result written back')
}
