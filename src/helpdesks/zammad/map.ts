// Zammad trigger webhooks with the default (pre-defined) payload: `{ ticket, article }`, where the ticket's
// associations (customer, group, priority, state, organization, owner) arrive as nested records and the
// article's `type` and `sender` as names. On "ticket created" the article is the ticket's first message.
// The documented default payload has no `ticket.tags` and no user `preferences` (so no locale): tags and
// the customer's language are read when a custom payload or a newer Zammad sends them, never relied on.
import { unmappedFields } from '../../webhooks/prune.js'
import { asRecord, compact, nameOf, tagsOf, textOf, type TicketDraft } from '../../webhooks/payload-draft.js'

const mappedTicketKeys = [
  'id',
  'number',
  'title',
  'customer',
  'customer_id',
  'priority',
  'priority_id',
  'state',
  'state_id',
  'group',
  'group_id',
  'organization',
  'organization_id',
  'tags',
  'create_article_type',
  'create_article_type_id',
]
const mappedArticleKeys = ['ticket_id', 'body', 'content_type', 'subject', 'type', 'type_id', 'from', 'attachments', 'detected_language']

function fullName(user: Record<string, unknown>): string | undefined {
  const parts = [textOf(user.firstname), textOf(user.lastname)].filter(Boolean)
  return parts.length > 0 ? parts.join(' ') : textOf(user.fullname)
}

/** The address in an RFC 5322 "Name <address>" header, for tickets whose customer record did not come along. */
function addressIn(from: unknown): string | undefined {
  const text = textOf(from)
  return text ? (/<([^<>\s]+@[^<>\s]+)>/.exec(text)?.[1] ?? (text.includes('@') ? text : undefined)) : undefined
}

export function draftZammad(json: Record<string, unknown>): TicketDraft {
  const ticket = asRecord(json.ticket)
  const article = asRecord(json.article)
  const customer = asRecord(ticket.customer)
  const unmapped = {
    ticket: unmappedFields(ticket, mappedTicketKeys),
    article: unmappedFields(article, mappedArticleKeys),
    ...unmappedFields(json, ['ticket', 'article']),
  }
  return {
    source: 'zammad',
    id: ticket.id,
    idField: 'ticket.id',
    body: article.body,
    bodyField: 'article.body',
    // Zammad states the format, so no guessing: email and web-form articles are usually text/html.
    bodyFormat: textOf(article.content_type)?.toLowerCase() === 'text/html' ? 'html' : 'text',
    subject: textOf(ticket.title) ?? textOf(article.subject),
    number: ticket.number,
    channel: nameOf(article.type) ?? nameOf(ticket.create_article_type),
    // Newer Zammad versions detect the article's language; the customer's UI locale is the fallback.
    language: textOf(article.detected_language) ?? textOf(asRecord(customer.preferences).locale),
    customer: { id: customer.id ?? ticket.customer_id, name: fullName(customer), email: textOf(customer.email) ?? addressIn(article.from) },
    priority: ticket.priority,
    status: ticket.state,
    organization: ticket.organization,
    group: ticket.group,
    tags: tagsOf(ticket.tags, /,\s*/),
    attachments: article.attachments,
    unmapped: compact(unmapped),
  }
}
