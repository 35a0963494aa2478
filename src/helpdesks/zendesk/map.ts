// Zendesk sends one of two shapes:
// 1. A trigger ("Ticket is Created") notifying a webhook with a JSON body the admin pastes in: ours is
//    test/fixtures/webhooks/zendesk-trigger-body.json, built from the placeholders {{ticket.id}},
//    {{ticket.title}}, {{ticket.description}}, {{ticket.priority}}, {{ticket.status}}, {{ticket.ticket_type}},
//    {{ticket.tags}} (space-separated), {{ticket.via}}, {{ticket.link}}, {{ticket.group.name}},
//    {{ticket.brand.name}}, {{ticket.organization.name}}, {{ticket.requester.id|name|email}} and
//    {{current_user.id|email}} (in a trigger, the user whose update fired it). Assumption: Zendesk escapes
//    placeholder values for a JSON body; empty placeholders arrive as "" and are ignored.
// 2. An event webhook subscribed to `zen:event-type:ticket.created`: `{ type, detail, event, ... }`, where
//    detail carries ids (requester_id, group_id, organization_id) rather than names, and upper-case enums.
import { unmappedFields } from '../../webhooks/prune.js'
import { asRecord, compact, isRecord, nameOf, tagsOf, textOf, type TicketDraft } from '../../webhooks/payload-draft.js'
import { withoutCommentHeader } from './description.js'

export const zendeskTicketCreatedEvent = 'zen:event-type:ticket.created'

const mappedTriggerKeys = [
  'id',
  'title',
  'subject',
  'description',
  'priority',
  'status',
  'tags',
  'via',
  'url',
  'group',
  'organization',
  'requester',
]
const mappedDetailKeys = ['id', 'subject', 'description', 'priority', 'status', 'tags', 'via', 'requester_id']

export function isZendeskEvent(json: Record<string, unknown>): boolean {
  return typeof json.type === 'string' && json.type.startsWith('zen:event-type:') && isRecord(json.detail)
}

function draftFromTrigger(json: Record<string, unknown>): TicketDraft {
  const ticket = asRecord(json.ticket)
  const requester = asRecord(ticket.requester)
  const unmapped = { ticket: unmappedFields(ticket, mappedTriggerKeys), ...unmappedFields(json, ['ticket']) }
  return {
    source: 'zendesk',
    id: ticket.id,
    idField: 'ticket.id',
    // The placeholder brings the comment's rendered header (dashes, author, date) along: only the text is the inquiry.
    body: withoutCommentHeader(ticket.description),
    bodyField: 'ticket.description',
    // {{ticket.description}} is plain text, but admins often swap in {{ticket.latest_comment_html}}.
    bodyFormat: 'detect',
    subject: textOf(ticket.title) ?? textOf(ticket.subject),
    channel: nameOf(ticket.via),
    customer: { id: requester.id, name: requester.name, email: requester.email },
    priority: ticket.priority,
    status: ticket.status,
    organization: ticket.organization,
    group: ticket.group,
    url: ticket.url,
    tags: tagsOf(ticket.tags, /\s+/),
    unmapped: compact(unmapped),
  }
}

function draftFromEvent(json: Record<string, unknown>): TicketDraft {
  const detail = asRecord(json.detail)
  const unmapped = { detail: unmappedFields(detail, mappedDetailKeys), ...unmappedFields(json, ['detail', 'type']) }
  return {
    source: 'zendesk',
    id: detail.id,
    idField: 'detail.id',
    body: detail.description,
    bodyField: 'detail.description',
    bodyFormat: 'detect',
    subject: detail.subject,
    channel: asRecord(detail.via).channel,
    customer: { id: detail.requester_id },
    priority: detail.priority,
    status: detail.status,
    tags: tagsOf(detail.tags, /\s+/),
    unmapped: compact(unmapped),
  }
}

export function draftZendesk(json: Record<string, unknown>): TicketDraft {
  return isZendeskEvent(json) ? draftFromEvent(json) : draftFromTrigger(json)
}
