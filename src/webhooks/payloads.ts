import { fieldErrorsFrom } from '../errors.js'
import { TriageInputSchema } from '../triage/triage-input.js'
import { draftFreshdesk } from './map-freshdesk.js'
import { draftZammad } from './map-zammad.js'
import { draftZendesk, isZendeskEvent, zendeskTicketCreatedEvent } from './map-zendesk.js'
import { finishDraft, isRecord, type MappedPayload } from './payload-draft.js'
import type { WebhookType } from './types.js'

export type { MappedPayload, TicketRef, WebhookTriageInput } from './payload-draft.js'

/** The generic payload is our own triage request, checked by the same schema, with externalId required. */
function mapGeneric(json: Record<string, unknown>): MappedPayload {
  const parsed = TriageInputSchema.safeParse(json)
  if (!parsed.success) return { ok: false, errors: fieldErrorsFrom(parsed.error.issues) }
  const externalId = parsed.data.externalId
  if (!externalId) return { ok: false, errors: [{ field: 'externalId', message: 'required: the ticket id in the sending system' }] }
  return { ok: true, input: { ...parsed.data, externalId }, ticket: { id: externalId } }
}

/**
 * Maps a verified, parsed ticket-created payload to a triage request and the ticket reference the
 * write-back needs. Field errors name the helpdesk's own fields ("article.body"), so an admin can fix the trigger.
 */
export function mapPayload(type: WebhookType, json: unknown): MappedPayload {
  if (!isRecord(json)) return { ok: false, errors: [{ field: '(body)', message: 'must be a JSON object' }] }
  switch (type) {
    case 'generic':
      return mapGeneric(json)
    case 'zammad':
      return finishDraft(draftZammad(json))
    case 'zendesk':
      // Other event types carry other shapes (a comment, a tag change); only creation starts a triage.
      if (isZendeskEvent(json) && json.type !== zendeskTicketCreatedEvent) {
        return { ok: false, errors: [{ field: 'type', message: `only ${zendeskTicketCreatedEvent} events are triaged` }] }
      }
      return finishDraft(draftZendesk(json))
    case 'freshdesk':
      return finishDraft(draftFreshdesk(json))
  }
}
