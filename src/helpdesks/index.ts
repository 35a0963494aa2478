// The one registry of helpdesks. Adding one: a folder with an adapter implementing HelpdeskAdapter
// (types.ts), its type in webhookTypes (webhooks/types.ts), and one line below.
import type { OwnIdentity } from '../webhooks/own-write-back-checks.js'
import { isRecord, type MappedPayload } from '../webhooks/payload-draft.js'
import type { Secrets, VerifyResult } from '../webhooks/signature-checks.js'
import type { WebhookType } from '../webhooks/types.js'
import type { WriteBackOptions, WriteBackReport, WriteBackRequest, WriteBackTarget } from '../webhooks/write-back/types.js'
import { freshdeskAdapter } from './freshdesk/adapter.js'
import { genericAdapter } from './generic/adapter.js'
import type { HelpdeskAdapter } from './types.js'
import { zammadAdapter } from './zammad/adapter.js'
import { zendeskAdapter } from './zendesk/adapter.js'

export type { HelpdeskAdapter } from './types.js'

/** One adapter per integration type; the Record type makes a missing one a compile error. */
export const helpdeskAdapters: Readonly<Record<WebhookType, HelpdeskAdapter>> = {
  generic: genericAdapter,
  zammad: zammadAdapter,
  zendesk: zendeskAdapter,
  freshdesk: freshdeskAdapter,
}

/**
 * Verifies one delivery against the raw body, before anything parses it. `secret` may list several
 * secrets while one is rotated; `now` is injected so tests move the clock instead of waiting.
 */
export async function verifyWebhook(
  type: WebhookType,
  secret: Secrets,
  headers: Headers,
  rawBody: Uint8Array,
  now: Date,
): Promise<VerifyResult> {
  return helpdeskAdapters[type].verify(headers, rawBody, secret, now)
}

/**
 * Maps a verified, parsed ticket-created payload to a triage request and the ticket reference the
 * write-back needs. Field errors name the helpdesk's own fields ("article.body"), so an admin can fix the trigger.
 */
export function mapPayload(type: WebhookType, json: unknown): MappedPayload {
  if (!isRecord(json)) return { ok: false, errors: [{ field: '(body)', message: 'must be a JSON object' }] }
  return helpdeskAdapters[type].mapPayload(json)
}

/**
 * True when this webhook was caused by our own write-back, so the intake acknowledges and ignores it.
 * `headers` is part of the contract, but no helpdesk marks the cause of a webhook in its headers today,
 * so no rule reads them yet.
 */
export function isOwnWriteBack(type: WebhookType, json: unknown, headers: Headers, identity: OwnIdentity = {}): boolean {
  return isRecord(json) && helpdeskAdapters[type].isOwnWriteBack(json, headers, identity)
}

/**
 * Writes one triage result back, safe to repeat after a crash or a retry (each adapter checks for its own
 * earlier note first). Resolves with what was done; rejects with a WriteBackError whose `permanent` and
 * `retryAfterMs` tell the job runner whether and when to try again.
 */
export async function writeBack(target: WriteBackTarget, request: WriteBackRequest, options: WriteBackOptions): Promise<WriteBackReport> {
  return helpdeskAdapters[target.type].writeBack(target, request, options)
}
