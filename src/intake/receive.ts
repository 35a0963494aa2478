import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { withoutNulDeep } from '../storage/nul.js'
import { summariseBody } from './body-summary.js'
import { enqueueJob } from '../storage/queries/jobs.js'
import type { IntegrationRow } from '../storage/queries/integrations.js'
import * as inquiries from '../storage/queries/inquiries.js'
import { contentHash } from '../webhooks/content-hash.js'
import { isOwnWriteBack, mapPayload, verifyWebhook } from '../helpdesks/index.js'
import type { TicketRef, WebhookTriageInput } from '../webhooks/payload-draft.js'
import { findOpenIntegrationByName } from '../integrations/integration-secrets.js'
import { acceptedSecrets, integrationNamePattern } from '../integrations/integrations.js'
import { triageQueue } from './queues.js'

/** What the intake did with one delivery; the route turns it into 202 or 200. */
export type IntakeOutcome =
  | { kind: 'accepted'; inquiryId: string }
  | { kind: 'duplicate'; inquiryId: string; status: string }
  | { kind: 'ignored'; reason: string }

export interface Delivery {
  integrationName: string
  headers: Headers
  rawBody: Uint8Array
  requestId?: string | undefined
}

const jsonMediaType = /^application\/([\w.-]+\+)?json$/i

/**
 * Webhook intake: verify the raw bytes, then parse and map, then store the inquiry and queue its triage
 * in one transaction. Nothing is stored for a delivery that fails any check, and a repeated delivery
 * (same delivery id, or same ticket and content) returns the inquiry the first one created.
 */
export async function receiveWebhook(
  deps: Pick<Deps, 'sql' | 'clock' | 'logger' | 'config' | 'jobs' | 'secrets'>,
  delivery: Delivery,
): Promise<IntakeOutcome> {
  const integration = integrationNamePattern.test(delivery.integrationName)
    ? await findOpenIntegrationByName(deps, delivery.integrationName)
    : undefined
  const now = deps.clock.now()
  if (!integration) {
    // The same work and the same 401 as a bad signature, so the answer does not tell which names exist.
    await verifyWebhook('zammad', crypto.randomUUID(), delivery.headers, delivery.rawBody, now)
    deps.logger.warn(
      { integration: delivery.integrationName.slice(0, 100), requestId: delivery.requestId },
      'webhook refused: no integration of that name',
    )
    throw signatureRefusal()
  }
  const log = deps.logger.child({ integration: integration.name, type: integration.type, requestId: delivery.requestId })

  const verified = await verifyWebhook(integration.type, acceptedSecrets(integration, now), delivery.headers, delivery.rawBody, now)
  if (!verified.ok) {
    log.warn({ reason: verified.reason }, 'webhook refused: signature check failed')
    throw signatureRefusal()
  }
  const json = await parseBody(delivery, log)
  if (isOwnWriteBack(integration.type, json, delivery.headers)) {
    log.info({ deliveryId: verified.deliveryId }, 'webhook ignored: caused by our own write-back')
    return { kind: 'ignored', reason: 'the ticket carries our write-back tag or note; triaging it again would loop' }
  }
  const mapped = mapPayload(integration.type, json)
  if (!mapped.ok) {
    // Field names only: a mapping message could quote the value it refused.
    log.warn(
      { invalidFields: mapped.errors.map((error) => error.field), received: await summariseBody(delivery.rawBody) },
      'webhook refused: the payload does not map to an inquiry',
    )
    throw new AppError('validation_failed', `The ${integration.type} payload lacks what triage needs.`, { errors: mapped.errors })
  }
  const keys = await idempotencyKeys(integration, verified.deliveryId, mapped.input)
  const { outcome, jobId } = await storeDelivery(deps, integration, keys, mapped.input, mapped.ticket)
  // After the commit: the job is stored whether or not the announcement gets through.
  if (jobId) await deps.jobs?.wake([jobId])
  log.info(
    { deliveryId: verified.deliveryId, externalId: mapped.input.externalId, ...outcome },
    outcome.kind === 'accepted' ? 'webhook accepted' : 'webhook repeated; nothing new queued',
  )
  return outcome
}

/** One answer for an unknown integration and every failed check; the reason is in the log, for the admin. */
function signatureRefusal(): AppError {
  return new AppError('unauthorized', 'The webhook signature check failed; the log says why.')
}

/** Content type and JSON are checked after the signature, so unsigned junk gets 401 and nothing else. */
async function parseBody(delivery: Delivery, log: Deps['logger']): Promise<unknown> {
  const mediaType = (delivery.headers.get('content-type') ?? '').split(';')[0]!.trim()
  if (!jsonMediaType.test(mediaType)) {
    log.warn({ contentType: mediaType || null, received: await summariseBody(delivery.rawBody) }, 'webhook refused: not JSON')
    throw new AppError('unsupported_media_type', `Send the webhook as application/json (got ${mediaType || 'no content type'}).`)
  }
  try {
    // NULs cannot be stored and carry nothing in a ticket: dropped here, as for the API's JSON bodies.
    return withoutNulDeep(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(delivery.rawBody)) as unknown)
  } catch {
    log.warn({ received: await summariseBody(delivery.rawBody) }, 'webhook refused: malformed JSON')
    throw new AppError('bad_request', 'The webhook body is not valid UTF-8 JSON.')
  }
}

/** The sender's delivery id when it sends one, and always the ticket id with a hash of its content. */
async function idempotencyKeys(integration: IntegrationRow, deliveryId: string | undefined, input: WebhookTriageInput): Promise<string[]> {
  const content = `content:${await contentHash({ integration: integration.name, ticketId: input.externalId, subject: input.subject, body: input.body })}`
  return deliveryId ? [`delivery:${deliveryId}`, content] : [content]
}

class RepeatedDelivery extends Error {}

async function storeDelivery(
  deps: Pick<Deps, 'sql' | 'config'>,
  integration: IntegrationRow,
  keys: string[],
  input: WebhookTriageInput,
  ticket: TicketRef,
): Promise<{ outcome: IntakeOutcome; jobId?: string }> {
  const inquiryId = crypto.randomUUID()
  try {
    const job = await deps.sql.transaction(async (tx) => {
      await inquiries.insertReceivedInquiry(tx, {
        id: inquiryId,
        integrationId: integration.id,
        externalId: input.externalId,
        subject: input.subject,
        body: input.body,
        language: input.language,
        channel: input.channel,
        customer: input.customer ?? {},
        metadata: input.metadata ?? {},
        ticket,
      })
      // Rolls the whole delivery back, inquiry included, when any key was seen before.
      if (!(await inquiries.recordDeliveryKeys(tx, integration.id, keys, inquiryId))) throw new RepeatedDelivery()
      return enqueueJob(tx, {
        queue: triageQueue,
        payload: { inquiryId },
        dedupeKey: `${triageQueue}:${inquiryId}`,
        maxAttempts: deps.config.jobs.maxAttempts,
      })
    })
    return { outcome: { kind: 'accepted', inquiryId }, jobId: job.id }
  } catch (error) {
    if (!(error instanceof RepeatedDelivery)) throw error
  }
  const existing = await inquiries.findDeliveredInquiry(deps.sql, integration.id, keys)
  if (!existing) throw new AppError('conflict', 'A concurrent delivery of this webhook was rolled back; send it again.')
  return { outcome: { kind: 'duplicate', inquiryId: existing.id, status: existing.status } }
}
