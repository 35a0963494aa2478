// The fake helpdesk's endpoints: just enough of each real API for the write-back, with the real paths,
// field names, pagination and status codes (Zendesk's safe_update conflict included).
import { plainText, type FakeTicket, type HelpdeskType, type TicketStore } from './fake-helpdesk-state.js'

export interface RouteRequest {
  method: string
  /** The path below the helpdesk's prefix, e.g. /api/v2/tickets/7.json. */
  path: string
  query: URLSearchParams
  body: any
  /** This helpdesk's base URL, for absolute next-page links. */
  baseUrl: string
}

export interface Reply {
  status: number
  json?: unknown
  headers?: Record<string, string>
}

export interface RouteContext {
  store: TicketStore
  /** Called after the fake served a ticket read; the Zendesk conflict simulation hooks in here. */
  afterTicketRead(type: HelpdeskType, ticket: FakeTicket): void
}

const notFound: Reply = { status: 404, json: { error: 'RecordNotFound' } }
const invalid = (message: string): Reply => ({ status: 422, json: { error: message } })

function withTicket(context: RouteContext, type: HelpdeskType, id: string | undefined, handle: (ticket: FakeTicket) => Reply): Reply {
  const ticket = id === undefined ? undefined : context.store.access(type, decodeURIComponent(id))
  return ticket ? handle(ticket) : notFound
}

export function zammadRoute(context: RouteContext, request: RouteRequest): Reply {
  const { method, path, query, body } = request
  let match: RegExpExecArray | null
  if (method === 'GET' && (match = /^\/api\/v1\/ticket_articles\/by_ticket\/([^/]+)$/.exec(path))) {
    return withTicket(context, 'zammad', match[1], (ticket) => ({
      status: 200,
      json: ticket.notes.map((note) => ({
        id: note.id,
        ticket_id: Number(ticket.id) || ticket.id,
        type: 'note',
        internal: note.internal,
        content_type: note.contentType,
        body: note.body,
        created_at: note.createdAt,
      })),
    }))
  }
  if (method === 'GET' && path === '/api/v1/tags') {
    return withTicket(context, 'zammad', query.get('o_id') ?? undefined, (ticket) => ({ status: 200, json: { tags: ticket.tags } }))
  }
  if (method === 'POST' && path === '/api/v1/tags/add') {
    if (body?.object !== 'Ticket' || typeof body?.item !== 'string' || !body.item.trim())
      return invalid('object, o_id and item are required')
    return withTicket(context, 'zammad', body.o_id === undefined ? undefined : String(body.o_id), (ticket) => {
      if (!ticket.tags.includes(body.item)) {
        ticket.tags.push(body.item)
        context.store.touch(ticket)
      }
      return { status: 201, json: true }
    })
  }
  if ((match = /^\/api\/v1\/tickets\/([^/]+)$/.exec(path)) && (method === 'GET' || method === 'PUT')) {
    return withTicket(context, 'zammad', match[1], (ticket) => {
      if (method === 'PUT') {
        if (body?.group_id !== undefined) ticket.group = String(body.group_id)
        if (typeof body?.group === 'string') ticket.group = body.group
        if (body?.article) {
          const article = body.article
          if (typeof article.body !== 'string' || !article.body) return invalid('article body is required')
          context.store.addNote(ticket, {
            body: article.body,
            internal: article.internal === true,
            contentType: article.content_type === 'text/html' ? 'text/html' : 'text/plain',
          })
        }
        context.store.touch(ticket)
      }
      return { status: 200, json: { id: Number(ticket.id) || ticket.id, group: ticket.group, updated_at: ticket.updatedAt } }
    })
  }
  return notFound
}

function zendeskTicketJson(ticket: FakeTicket) {
  return {
    id: Number(ticket.id) || ticket.id,
    tags: ticket.tags,
    group_id: ticket.group === undefined ? null : Number(ticket.group) || ticket.group,
    updated_at: ticket.updatedAt,
  }
}

function zendeskUpdate(context: RouteContext, ticket: FakeTicket, update: any): Reply {
  if (!update || typeof update !== 'object') return { status: 400, json: { error: 'InvalidEndpoint' } }
  if (update.safe_update === true && update.updated_stamp !== ticket.updatedAt) {
    return {
      status: 409,
      json: {
        error: 'UpdateConflict',
        description: 'Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.',
      },
    }
  }
  if (Array.isArray(update.tags)) ticket.tags = [...new Set(update.tags.map((tag: string) => tag.toLowerCase()))] as string[]
  if (Array.isArray(update.additional_tags)) for (const tag of update.additional_tags) if (!ticket.tags.includes(tag)) ticket.tags.push(tag)
  if (update.group_id !== undefined) ticket.group = String(update.group_id)
  if (update.comment) {
    const html = update.comment.html_body ?? update.comment.body
    if (typeof html !== 'string' || !html) return invalid('comment body is required')
    context.store.addNote(ticket, {
      body: html,
      internal: update.comment.public === false,
      contentType: update.comment.html_body ? 'text/html' : 'text/plain',
    })
  }
  context.store.touch(ticket)
  return { status: 200, json: { ticket: zendeskTicketJson(ticket), audit: { ticket_id: ticket.id } } }
}

function zendeskComments(ticket: FakeTicket, request: RouteRequest): Reply {
  const size = Math.min(Number(request.query.get('page[size]') ?? 100) || 100, 100)
  const after = Number(request.query.get('page[after]') ?? 0) || 0
  const ordered = request.query.get('sort') === '-created_at' ? [...ticket.notes].reverse() : ticket.notes
  const page = ordered.slice(after, after + size)
  const hasMore = after + size < ordered.length
  const next = new URL(`${request.baseUrl}/api/v2/tickets/${encodeURIComponent(ticket.id)}/comments.json`)
  for (const [key, value] of request.query) next.searchParams.set(key, value)
  next.searchParams.set('page[after]', String(after + size))
  return {
    status: 200,
    json: {
      comments: page.map((note) => ({
        id: note.id,
        type: 'Comment',
        public: !note.internal,
        body: plainText(note.body),
        html_body: note.body,
        plain_body: plainText(note.body),
        created_at: note.createdAt,
      })),
      meta: { has_more: hasMore, after_cursor: hasMore ? String(after + size) : null },
      links: { next: hasMore ? next.toString() : null },
    },
  }
}

export function zendeskRoute(context: RouteContext, request: RouteRequest): Reply {
  const { method, path, body } = request
  let match: RegExpExecArray | null
  if (method === 'GET' && (match = /^\/api\/v2\/tickets\/([^/]+?)\/comments(?:\.json)?$/.exec(path))) {
    return withTicket(context, 'zendesk', match[1], (ticket) => zendeskComments(ticket, request))
  }
  if ((match = /^\/api\/v2\/tickets\/([^/]+?)(?:\.json)?$/.exec(path))) {
    if (method === 'GET') {
      return withTicket(context, 'zendesk', match[1], (ticket) => {
        const reply = { status: 200, json: { ticket: zendeskTicketJson(ticket) } }
        context.afterTicketRead('zendesk', ticket)
        return reply
      })
    }
    if (method === 'PUT') return withTicket(context, 'zendesk', match[1], (ticket) => zendeskUpdate(context, ticket, body?.ticket))
  }
  return notFound
}

function freshdeskConversations(ticket: FakeTicket, request: RouteRequest): Reply {
  const perPage = Math.min(Number(request.query.get('per_page') ?? 30) || 30, 100)
  const page = Math.max(Number(request.query.get('page') ?? 1) || 1, 1)
  const items = ticket.notes.slice((page - 1) * perPage, page * perPage)
  const headers: Record<string, string> = {}
  if (page * perPage < ticket.notes.length) {
    headers.link = `<${request.baseUrl}/api/v2/tickets/${encodeURIComponent(ticket.id)}/conversations?per_page=${perPage}&page=${page + 1}>; rel="next"`
  }
  const json = items.map((note) => ({
    id: note.id,
    ticket_id: Number(ticket.id) || ticket.id,
    private: note.internal,
    incoming: false,
    body: note.body,
    body_text: plainText(note.body),
    created_at: note.createdAt,
  }))
  return { status: 200, json, headers }
}

export function freshdeskRoute(context: RouteContext, request: RouteRequest): Reply {
  const { method, path, body } = request
  let match: RegExpExecArray | null
  if (method === 'GET' && (match = /^\/api\/v2\/tickets\/([^/]+)\/conversations$/.exec(path))) {
    return withTicket(context, 'freshdesk', match[1], (ticket) => freshdeskConversations(ticket, request))
  }
  if (method === 'POST' && (match = /^\/api\/v2\/tickets\/([^/]+)\/notes$/.exec(path))) {
    return withTicket(context, 'freshdesk', match[1], (ticket) => {
      if (typeof body?.body !== 'string' || !body.body)
        return { status: 400, json: { description: 'Validation failed', errors: [{ field: 'body', code: 'missing_field' }] } }
      const note = context.store.addNote(ticket, { body: body.body, internal: body.private !== false })
      return {
        status: 201,
        json: {
          id: note.id,
          ticket_id: Number(ticket.id) || ticket.id,
          body: note.body,
          body_text: plainText(note.body),
          private: note.internal,
        },
      }
    })
  }
  if ((match = /^\/api\/v2\/tickets\/([^/]+)$/.exec(path))) {
    return withTicket(context, 'freshdesk', match[1], (ticket) => {
      if (method === 'PUT') {
        const tags = body?.tags
        if (
          tags !== undefined &&
          (!Array.isArray(tags) || tags.some((tag: unknown) => typeof tag !== 'string' || tag.length > 32 || tag.includes(',')))
        ) {
          return { status: 400, json: { description: 'Validation failed', errors: [{ field: 'tags', code: 'invalid_value' }] } }
        }
        if (tags) ticket.tags = [...tags]
        if (body?.group_id !== undefined) ticket.group = String(body.group_id)
        context.store.touch(ticket)
      } else if (method !== 'GET') return notFound
      return {
        status: 200,
        json: {
          id: Number(ticket.id) || ticket.id,
          tags: ticket.tags,
          group_id: ticket.group === undefined ? null : Number(ticket.group),
          updated_at: ticket.updatedAt,
        },
      }
    })
  }
  return notFound
}
