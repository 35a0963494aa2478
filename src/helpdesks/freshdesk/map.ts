// Freshdesk automation rules ("Trigger webhook", content type JSON, "Simple" encoding with the ticket fields
// ticked) post `{ freshdesk_webhook: { ticket_id, ticket_subject, ticket_description, ... } }`. The
// description is HTML; priority, status and source arrive as names ("Medium", "Open", "Email"), tags as a
// comma-separated string, custom fields as `ticket_cf_<name>`. Assumption: numeric codes (as the v2 REST API
// uses them) are accepted for priority too, in case an admin builds the body from {{ticket.priority}} ids.
// A body the admin writes in the "Advanced" editor from the placeholder picker names the requester
// `requester_name` / `requester_email` (from {{ticket.requester.name}} / {{ticket.requester.email}}),
// without the `ticket_` prefix: both spellings are read, the prefixed one first.
import { unmappedFields } from '../../webhooks/prune.js'
import { asRecord, compact, tagsOf, textOf, type TicketDraft } from '../../webhooks/payload-draft.js'

/** The first of the fields that holds a value; placeholders with nothing to say arrive as "". */
const firstOf = (...values: unknown[]) => values.map(textOf).find((value) => value !== undefined)

const priorityNames: Record<string, string> = { '1': 'low', '2': 'medium', '3': 'high', '4': 'urgent' }

const mappedKeys = [
  'ticket_id',
  'ticket_subject',
  'ticket_description',
  'ticket_requester_name',
  'ticket_requester_email',
  'ticket_requester_id',
  'ticket_contact_id',
  'ticket_priority',
  'ticket_status',
  'ticket_source',
  'ticket_tags',
  'ticket_company_name',
  'ticket_group_name',
  'ticket_url',
  'requester_name',
  'requester_email',
  'requester_id',
]

export function draftFreshdesk(json: Record<string, unknown>): TicketDraft {
  const ticket = asRecord(json.freshdesk_webhook)
  const priority = textOf(ticket.ticket_priority)
  const unmapped = { freshdesk_webhook: unmappedFields(ticket, mappedKeys), ...unmappedFields(json, ['freshdesk_webhook']) }
  return {
    source: 'freshdesk',
    id: ticket.ticket_id,
    idField: 'freshdesk_webhook.ticket_id',
    body: ticket.ticket_description,
    bodyField: 'freshdesk_webhook.ticket_description',
    bodyFormat: 'detect',
    subject: ticket.ticket_subject,
    channel: ticket.ticket_source,
    customer: {
      id: firstOf(ticket.ticket_requester_id, ticket.requester_id, ticket.ticket_contact_id),
      name: firstOf(ticket.ticket_requester_name, ticket.requester_name),
      email: firstOf(ticket.ticket_requester_email, ticket.requester_email),
    },
    priority: priority ? (priorityNames[priority] ?? priority) : undefined,
    status: ticket.ticket_status,
    organization: ticket.ticket_company_name,
    group: ticket.ticket_group_name,
    url: ticket.ticket_url,
    tags: tagsOf(ticket.ticket_tags, /,/),
    unmapped: compact(unmapped),
  }
}
