// A helpdesk fires "ticket updated" webhooks for our own write-back too (we tag the ticket and add a note);
// triaging those again would loop. Zendesk and Zammad admins should also exclude the tag in the trigger's
// conditions; this check is the receiving side's guard when they do not.
import { asRecord, isRecord, tagsOf, textOf } from './payload-draft.js'
import { isZendeskEvent } from './map-zendesk.js'
import { writeBackMarker, writeBackTag, type WebhookType } from './types.js'

/** The helpdesk user our write-back authenticates as; any of its ids, logins or e-mail addresses identify it. */
export interface OwnIdentity {
  userIds?: readonly string[]
  logins?: readonly string[]
  emails?: readonly string[]
}

function hasTag(value: unknown, separator: RegExp): boolean {
  return tagsOf(value, separator)?.some((tag) => tag.toLowerCase() === writeBackTag) ?? false
}

function hasMarker(value: unknown): boolean {
  return typeof value === 'string' && value.includes(writeBackMarker)
}

/** True when the user (a record, or its id) is ours. */
function isOwnUser(user: unknown, identity: OwnIdentity): boolean {
  const record = isRecord(user) ? user : { id: user }
  const id = textOf(record.id)
  const login = textOf(record.login)?.toLowerCase()
  const email = textOf(record.email)?.toLowerCase()
  return (
    (id !== undefined && (identity.userIds ?? []).includes(id)) ||
    (login !== undefined && (identity.logins ?? []).some((own) => own.toLowerCase() === login)) ||
    (email !== undefined && (identity.emails ?? []).some((own) => own.toLowerCase() === email))
  )
}

// Zammad: the marker in the article body, the tag on the ticket, or our API user as the article's author.
// Zammad's default webhook payload carries no `ticket.tags` (only a custom payload could add them), and the
// intake does not know the API user's id, so for Zammad the marker in our note is what stops the loop: the
// note must keep opening with it (renderNote), and the trigger should exclude the tag as its own condition.
function isOwnZammad(json: Record<string, unknown>, identity: OwnIdentity): boolean {
  const ticket = asRecord(json.ticket)
  const article = asRecord(json.article)
  const author = article.created_by ?? article.created_by_id
  return hasTag(ticket.tags, /,\s*/) || hasMarker(article.body) || (author !== undefined && isOwnUser(author, identity))
}

// Zendesk: the tag in the ticket's current tags, or the update made by our API user ({{current_user}} in a
// trigger body, actor_id in an event). Zendesk's "Update via: Web service (API)" exists only as a trigger
// condition, not as a placeholder, so it cannot be checked here; admins add it to the trigger.
function isOwnZendesk(json: Record<string, unknown>, identity: OwnIdentity): boolean {
  if (isZendeskEvent(json)) {
    const detail = asRecord(json.detail)
    return hasTag(detail.tags, /\s+/) || (detail.actor_id !== undefined && isOwnUser(detail.actor_id, identity))
  }
  const ticket = asRecord(json.ticket)
  return hasTag(ticket.tags, /\s+/) || hasMarker(ticket.latest_comment) || (isRecord(json.current_user) && isOwnUser(json.current_user, identity))
}

// Freshdesk: the tag, or the marker in the latest private note (our write-back posts a private note).
function isOwnFreshdesk(json: Record<string, unknown>): boolean {
  const ticket = asRecord(json.freshdesk_webhook)
  return hasTag(ticket.ticket_tags, /,/) || hasMarker(ticket.ticket_latest_private_comment)
}

// Generic: a sender that relays our write-back keeps the tag in metadata.tags or the marker in the text.
function isOwnGeneric(json: Record<string, unknown>): boolean {
  return hasTag(asRecord(json.metadata).tags, /,/) || hasMarker(json.body)
}

/**
 * True when this webhook was caused by our own write-back, so the intake acknowledges and ignores it.
 * `headers` is part of the contract, but no helpdesk marks the cause of a webhook in its headers today,
 * so no rule reads them yet.
 */
export function isOwnWriteBack(type: WebhookType, json: unknown, headers: Headers, identity: OwnIdentity = {}): boolean {
  void headers
  if (!isRecord(json)) return false
  switch (type) {
    case 'zammad':
      return isOwnZammad(json, identity)
    case 'zendesk':
      return isOwnZendesk(json, identity)
    case 'freshdesk':
      return isOwnFreshdesk(json)
    case 'generic':
      return isOwnGeneric(json)
  }
}
