// A fake Zammad, Zendesk and Freshdesk on one loopback port, plus a receiver for generic (Standard
// Webhooks) callbacks. It keeps tickets in memory, records every request, checks each helpdesk's auth
// header, and fails, goes down or hangs on demand, so write-back and intake tests need no real helpdesk.
//
//   const helpdesk = await startFakeHelpdesk()
//   const target = { type: 'zendesk', secret, apiBaseUrl: helpdesk.apiBaseUrl('zendesk'), apiToken: helpdesk.tokens.zendesk }
//   ... helpdesk.notes('zendesk', '7'), helpdesk.tags('zendesk', '7'), helpdesk.failNext(1, 503) ...
//   await helpdesk.close()
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { TicketStore, type FakeNote, type FakeTicket, type HelpdeskType, type TicketSeed } from './fake-helpdesk-state.js'
import { freshdeskRoute, zammadRoute, zendeskRoute, type Reply, type RouteContext } from './fake-helpdesk-routes.js'

export type { FakeNote, FakeTicket, HelpdeskType, TicketSeed } from './fake-helpdesk-state.js'

/** One request as the fake saw it. `status` is what it answered (undefined while hanging). */
export interface RecordedRequest {
  /** Which fake answered: a helpdesk, the generic callback receiver, or none (unknown prefix). */
  target: HelpdeskType | 'generic' | 'unknown'
  method: string
  /** The path below the helpdesk prefix, e.g. /api/v2/tickets/7.json. */
  path: string
  query: Record<string, string>
  headers: IncomingHttpHeaders
  /** Parsed JSON, or the raw text when the body was not JSON, or undefined when empty. */
  body: any
  rawBody: string
  status?: number
}

/** Which requests a scripted failure applies to; all of them when omitted. */
export interface RequestMatch {
  target?: RecordedRequest['target']
  method?: string
  path?: string | RegExp
}

export interface FakeHelpdesk {
  /** http://127.0.0.1:<port> */
  url: string
  /** The base URL to configure as an integration's apiBaseUrl, e.g. http://127.0.0.1:<port>/zendesk. */
  apiBaseUrl(type: HelpdeskType): string
  /** The generic receiver: records each POST in `deliveries` and answers 204. */
  callbackUrl: string
  /** The API tokens the fake accepts (Zendesk's in `email/token:<token>` form). */
  tokens: Record<HelpdeskType, string>
  requests: RecordedRequest[]
  requestsTo(target: RecordedRequest['target']): RecordedRequest[]
  /** Generic callbacks received (any outcome of failNext aside): headers, raw and parsed body. */
  deliveries: RecordedRequest[]
  /** Creates (or resets) a ticket; tickets not seeded are created empty on first access. */
  seedTicket(type: HelpdeskType, id: string, seed?: TicketSeed): FakeTicket
  ticket(type: HelpdeskType, id: string): FakeTicket | undefined
  notes(type: HelpdeskType, id: string): FakeNote[]
  tags(type: HelpdeskType, id: string): string[]
  group(type: HelpdeskType, id: string): string | undefined
  /** The ticket is gone: every request about it answers 404 until it is seeded again. */
  removeTicket(type: HelpdeskType, id: string): void
  /** An agent changes the ticket now: updated_at moves on (a pending Zendesk safe_update will conflict). */
  agentEdit(type: HelpdeskType, id: string, change?: { tags?: string[]; group?: string }): void
  /** An agent edits the ticket right after each of the next `times` reads of it: the Zendesk 409 race. */
  agentEditAfterRead(type: HelpdeskType, id: string, times?: number): void
  /**
   * The next `count` matching requests answer `status` (with Retry-After when given) and change nothing;
   * `json` and `headers` replace the default error body and add headers (a redirect's Location, say).
   */
  failNext(
    count: number,
    status: number,
    options?: { retryAfterSeconds?: number; match?: RequestMatch; json?: unknown; headers?: Record<string, string> },
  ): void
  /** Down: every request answers 503 (`status`) or has its connection destroyed (`reset`). */
  setDown(down: boolean, mode?: 'status' | 'reset'): void
  /** Hanging: requests are recorded but never answered; turning it off drops the hung connections. */
  hang(on: boolean): void
  /** Forgets tickets, requests, deliveries and scripted failures; tokens and the port stay. */
  reset(): void
  /** Stops the server and destroys every open connection, hung ones included. */
  close(): Promise<void>
}

/**
 * The fake servers listen on 127.0.0.1 over plain http, which the outbound policy refuses by default:
 * test apps, processes and benches that call them allow exactly that, explicitly.
 */
export const loopbackOutboundEnv = { OUTBOUND_ALLOWED_HOSTS: '127.0.0.1', OUTBOUND_ALLOW_HTTP: 'allowed-hosts' } as const

const defaultTokens: Record<HelpdeskType, string> = {
  zammad: 'zammad-token-0123456789',
  zendesk: 'agent@example.com/token:zendesk-token-0123456789',
  freshdesk: 'freshdesk-key-0123456789',
}

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`

function authorized(type: HelpdeskType, token: string, header: string | undefined): boolean {
  if (!header) return false
  switch (type) {
    case 'zammad':
      return header === `Token token=${token}` || header === `Bearer ${token}`
    case 'zendesk':
      return header === (token.includes(':') ? basic(token) : `Bearer ${token}`)
    case 'freshdesk': {
      // Freshdesk takes the API key as the user name and ignores the password.
      const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString() : ''
      return decoded.split(':')[0] === token
    }
  }
}

function matches(match: RequestMatch | undefined, request: RecordedRequest): boolean {
  if (!match) return true
  if (match.target && match.target !== request.target) return false
  if (match.method && match.method.toUpperCase() !== request.method) return false
  if (typeof match.path === 'string') return request.path.includes(match.path)
  return match.path ? match.path.test(request.path) : true
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function parseBody(raw: string): any {
  if (!raw) return undefined
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}

function failureReply(failure: {
  status: number
  retryAfterSeconds: number | undefined
  json?: unknown
  headers?: Record<string, string>
}): Reply {
  const headers = {
    ...(failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {}),
    ...failure.headers,
  }
  return {
    status: failure.status,
    json: failure.json ?? { error: `fake failure ${failure.status}` },
    ...(Object.keys(headers).length ? { headers } : {}),
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const body = reply.json === undefined ? '' : JSON.stringify(reply.json)
  res.writeHead(reply.status, { ...(body ? { 'content-type': 'application/json' } : {}), ...reply.headers })
  res.end(body)
}

export async function startFakeHelpdesk(options: { tokens?: Partial<Record<HelpdeskType, string>> } = {}): Promise<FakeHelpdesk> {
  const tokens = { ...defaultTokens, ...options.tokens }
  const store = new TicketStore()
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  const hung = new Set<ServerResponse>()
  let failures: Array<{
    remaining: number
    status: number
    retryAfterSeconds: number | undefined
    match: RequestMatch | undefined
    json?: unknown
    headers?: Record<string, string>
  }> = []
  let editsAfterRead = new Map<string, number>()
  let down: false | 'status' | 'reset' = false
  let hanging = false
  let url = ''

  const context: RouteContext = {
    store,
    afterTicketRead(type, ticket) {
      const key = `${type}:${ticket.id}`
      const left = editsAfterRead.get(key) ?? 0
      if (left <= 0) return
      editsAfterRead.set(key, left - 1)
      store.touch(ticket)
    },
  }
  const routes = { zammad: zammadRoute, zendesk: zendeskRoute, freshdesk: freshdeskRoute }

  const takeFailure = (request: RecordedRequest) => {
    const failure = failures.find((candidate) => matches(candidate.match, request))
    if (failure && --failure.remaining <= 0) failures = failures.filter((candidate) => candidate !== failure)
    return failure
  }

  const answer = (request: RecordedRequest): Reply => {
    if (request.target === 'unknown') return { status: 404, json: { error: 'no such fake' } }
    if (request.target === 'generic') return { status: 204 }
    if (!authorized(request.target, tokens[request.target], request.headers.authorization)) {
      return { status: 401, json: { error: "Couldn't authenticate you" } }
    }
    const query = new URLSearchParams(request.query)
    return routes[request.target](context, {
      method: request.method,
      path: request.path,
      query,
      body: request.body,
      baseUrl: `${url}/${request.target}`,
    })
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const rawBody = await readBody(req)
    const parsed = new URL(req.url ?? '/', 'http://fake')
    const [, prefix = '', ...rest] = parsed.pathname.split('/')
    const target = (['zammad', 'zendesk', 'freshdesk', 'generic'] as const).find((name) => name === prefix) ?? 'unknown'
    const request: RecordedRequest = {
      target,
      method: req.method ?? 'GET',
      path: target === 'unknown' ? parsed.pathname : `/${rest.join('/')}`,
      query: Object.fromEntries(parsed.searchParams),
      headers: req.headers,
      body: parseBody(rawBody),
      rawBody,
    }
    requests.push(request)
    if (down === 'reset') return void req.socket.destroy()
    if (hanging) return void hung.add(res)
    const failure = down === 'status' ? { status: 503, retryAfterSeconds: undefined } : takeFailure(request)
    const reply: Reply = failure ? failureReply(failure) : answer(request)
    request.status = reply.status
    send(res, reply)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, { status: 500, json: { error: String(error) } })
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`

  const dropHung = () => {
    for (const res of hung) res.socket?.destroy()
    hung.clear()
  }
  const existing = (type: HelpdeskType, id: string) => store.peek(type, id)

  return {
    url,
    apiBaseUrl: (type) => `${url}/${type}`,
    callbackUrl: `${url}/generic/callback`,
    tokens,
    requests,
    requestsTo: (target) => requests.filter((request) => request.target === target),
    get deliveries() {
      return requests.filter(
        (request) => request.target === 'generic' && request.method === 'POST' && request.status !== undefined && request.status < 300,
      )
    },
    seedTicket: (type, id, seed) => store.seed(type, id, seed),
    ticket: existing,
    notes: (type, id) => existing(type, id)?.notes ?? [],
    tags: (type, id) => existing(type, id)?.tags ?? [],
    group: (type, id) => existing(type, id)?.group,
    removeTicket: (type, id) => store.remove(type, id),
    agentEdit(type, id, change = {}) {
      const ticket = store.access(type, id)
      if (!ticket) return
      if (change.tags) ticket.tags = [...change.tags]
      if (change.group !== undefined) ticket.group = change.group
      store.touch(ticket)
    },
    agentEditAfterRead(type, id, times = 1) {
      editsAfterRead.set(`${type}:${id}`, times)
    },
    failNext(count, status, failOptions = {}) {
      failures.push({
        remaining: count,
        status,
        retryAfterSeconds: failOptions.retryAfterSeconds,
        match: failOptions.match,
        json: failOptions.json,
        headers: failOptions.headers,
      })
    },
    setDown(on, mode = 'status') {
      down = on ? mode : false
    },
    hang(on) {
      hanging = on
      if (!on) dropHung()
    },
    reset() {
      store.clear()
      requests.length = 0
      failures = []
      editsAfterRead = new Map()
      down = false
      hanging = false
      dropHung()
    },
    close: () =>
      new Promise<void>((resolve) => {
        dropHung()
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
