import type { OwnIdentity } from '../webhooks/own-write-back-checks.js'
import type { MappedPayload } from '../webhooks/payload-draft.js'
import type { Secrets, VerifyResult } from '../webhooks/signature-checks.js'
import type { WebhookType } from '../webhooks/types.js'
import type { WriteBackOptions, WriteBackReport, WriteBackRequest, WriteBackTarget } from '../webhooks/write-back/types.js'

/** Everything the intake and the write-back job need to know about one helpdesk (or the generic sender). */
export interface HelpdeskAdapter {
  readonly type: WebhookType
  /** Checks one delivery against its raw bytes, before anything parses them; `now` is injected for the timestamp window. */
  verify(headers: Headers, rawBody: Uint8Array, secrets: Secrets, now: Date): Promise<VerifyResult>
  /** Maps a verified, parsed ticket-created payload; field errors name the helpdesk's own fields. */
  mapPayload(json: Record<string, unknown>): MappedPayload
  /** True when this webhook was caused by our own write-back (tag, note marker or our API user), so it must not loop. */
  isOwnWriteBack(json: Record<string, unknown>, headers: Headers, identity: OwnIdentity): boolean
  /** Puts one triage result into the ticket, safe to repeat; rejects with a WriteBackError. */
  writeBack(target: WriteBackTarget, request: WriteBackRequest, options: WriteBackOptions): Promise<WriteBackReport>
}
