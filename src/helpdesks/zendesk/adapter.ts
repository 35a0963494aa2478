import { hasOwnMarker, hasOwnTag, isOwnUser, type OwnIdentity } from '../../webhooks/own-write-back-checks.js'
import { asRecord, finishDraft, isRecord, type MappedPayload } from '../../webhooks/payload-draft.js'
import { withUsableSecrets } from '../../webhooks/signature-checks.js'
import type { HelpdeskAdapter } from '../types.js'
import { draftZendesk, isZendeskEvent, zendeskTicketCreatedEvent } from './map.js'
import { verifyZendesk } from './verify.js'
import { writeBackZendesk } from './write-back.js'

function mapZendesk(json: Record<string, unknown>): MappedPayload {
  // Other event types carry other shapes (a comment, a tag change); only creation starts a triage.
  if (isZendeskEvent(json) && json.type !== zendeskTicketCreatedEvent) {
    return { ok: false, errors: [{ field: 'type', message: `only ${zendeskTicketCreatedEvent} events are triaged` }] }
  }
  return finishDraft(draftZendesk(json))
}

// The tag in the ticket's current tags, or the update made by our API user ({{current_user}} in a trigger
// body, actor_id in an event). Zendesk's "Update via: Web service (API)" exists only as a trigger
// condition, not as a placeholder, so it cannot be checked here; admins add it to the trigger.
function isOwnZendesk(json: Record<string, unknown>, identity: OwnIdentity): boolean {
  if (isZendeskEvent(json)) {
    const detail = asRecord(json.detail)
    return hasOwnTag(detail.tags, /\s+/) || (detail.actor_id !== undefined && isOwnUser(detail.actor_id, identity))
  }
  const ticket = asRecord(json.ticket)
  return (
    hasOwnTag(ticket.tags, /\s+/) ||
    hasOwnMarker(ticket.latest_comment) ||
    (isRecord(json.current_user) && isOwnUser(json.current_user, identity))
  )
}

/** Zendesk: trigger or event webhooks signed with a timestamped HMAC-SHA256, write-back by one safe ticket update. */
export const zendeskAdapter: HelpdeskAdapter = {
  type: 'zendesk',
  verify: (headers, rawBody, secrets, now) => withUsableSecrets(secrets, (usable) => verifyZendesk(usable, headers, rawBody, now)),
  mapPayload: mapZendesk,
  isOwnWriteBack: (json, _headers, identity) => isOwnZendesk(json, identity),
  writeBack: writeBackZendesk,
}
