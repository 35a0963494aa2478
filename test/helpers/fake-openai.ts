import { createHash } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'

export type FakeRoute = 'embeddings' | 'chat' | 'other'

/** One request as the server saw it; `at` is performance.now() at arrival, for timing assertions. */
export interface RecordedRequest {
  route: FakeRoute
  method: string
  path: string
  headers: IncomingHttpHeaders
  /** Parsed JSON, or the raw text when the body was not JSON. */
  body: any
  at: number
}

/** What the next matching requests get instead of a normal answer. */
export type Fault =
  | { kind: 'rate-limit'; retryAfterSeconds?: number; retryAfterMs?: number }
  | { kind: 'status'; status: number; message?: string; headers?: Record<string, string> }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'wrong-dimensions'; dimensions: number }

/** A scripted assistant turn: a string is the message content; the object form controls everything else too. */
export type ChatReply =
  | string
  | { content?: string | null; refusal?: string | null; toolCalls?: Array<{ name: string; arguments: string }>; finishReason?: string }
export type ChatScript = ChatReply | ((request: RecordedRequest) => ChatReply | Promise<ChatReply>)

export interface FakeOpenAI {
  /** Base URL for the openai client, `http://127.0.0.1:<port>/v1`. */
  url: string
  requests: RecordedRequest[]
  requestsTo(route: FakeRoute): RecordedRequest[]
  /** The next `times` requests (to `route`, or any route) get `fault`; faults queue in the order given. */
  fail(fault: Fault, options?: { times?: number; route?: FakeRoute }): void
  scriptChat(...replies: ChatScript[]): void
  close(): Promise<void>
}

const defaultDimensions = 64

/** The fake's embedding of `text`: pseudo-random but deterministic, deliberately not unit length. */
export function fakeEmbedding(text: string, dimensions = defaultDimensions): Float32Array {
  let seed = createHash('sha256').update(text).digest().readUInt32LE(0)
  const vector = new Float32Array(dimensions)
  for (let index = 0; index < dimensions; index++) {
    // mulberry32: tiny, seedable, good enough to make distinct texts point in distinct directions.
    seed = (seed + 0x6d2b79f5) >>> 0
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    vector[index] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 4 - 2
  }
  return vector
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = []
  const faults: Array<{ fault: Fault; route: FakeRoute | undefined; remaining: number }> = []
  const chatScripts: ChatScript[] = []
  const timers = new Set<NodeJS.Timeout>()

  const takeFault = (route: FakeRoute): Fault | undefined => {
    const entry = faults.find((candidate) => candidate.route === undefined || candidate.route === route)
    if (!entry) return undefined
    if (--entry.remaining <= 0) faults.splice(faults.indexOf(entry), 1)
    return entry.fault
  }

  const answer = async (request: RecordedRequest, res: ServerResponse, dimensions?: number) => {
    if (request.route === 'embeddings') return sendJson(res, 200, embeddingsBody(request.body, dimensions))
    if (request.route === 'chat') return answerChat(request, res, chatScripts.shift())
    sendError(res, 404, `fake-openai: no route for ${request.method} ${request.path}`)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const request = await recordRequest(req)
    requests.push(request)
    const fault = takeFault(request.route)
    switch (fault?.kind) {
      case undefined:
        return answer(request, res)
      case 'hang':
        return // the socket stays open until the client gives up or close() destroys it
      case 'malformed':
        return send(res, 200, '{"object": "list", "data": [', 'application/json')
      case 'wrong-dimensions':
        return answer(request, res, fault.dimensions)
      case 'status':
        return sendError(res, fault.status, fault.message ?? `fake-openai: scripted ${fault.status}`, fault.headers)
      case 'rate-limit':
        return sendError(res, 429, 'fake-openai: rate limited', rateLimitHeaders(fault))
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer)
          if (!res.destroyed) void answer(request, res)
        }, fault.delayMs)
        timers.add(timer)
      }
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendError(res, 500, `fake-openai: ${String(error)}`))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    requestsTo: (route) => requests.filter((request) => request.route === route),
    fail: (fault, { times = 1, route } = {}) => void faults.push({ fault, route, remaining: times }),
    scriptChat: (...replies) => void chatScripts.push(...replies),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer)
        timers.clear()
        // Destroys keep-alive sockets and hanging requests alike, so no handle outlives the test.
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

async function recordRequest(req: IncomingMessage): Promise<RecordedRequest> {
  const at = performance.now()
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  const path = new URL(req.url ?? '/', 'http://fake').pathname
  const route: FakeRoute =
    req.method === 'POST' && path === '/v1/embeddings'
      ? 'embeddings'
      : req.method === 'POST' && path === '/v1/chat/completions'
        ? 'chat'
        : 'other'
  let body: unknown = text
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    // Kept as text: a test may want to see exactly what malformed thing was sent.
  }
  return { route, method: req.method ?? 'GET', path, headers: req.headers, body, at }
}

function embeddingsBody(body: any, forcedDimensions?: number) {
  const raw: unknown[] = Array.isArray(body?.input) && typeof body.input[0] !== 'number' ? body.input : [body?.input]
  const inputs = raw.map((input) => (typeof input === 'string' ? input : JSON.stringify(input)))
  const dimensions = forcedDimensions ?? body?.dimensions ?? defaultDimensions
  // The openai package asks for base64 by default (little-endian float32) and decodes it itself.
  const encode = (vector: Float32Array) =>
    body?.encoding_format === 'base64' ? Buffer.from(vector.buffer).toString('base64') : Array.from(vector)
  const tokens = inputs.reduce((sum, input) => sum + input.split(/\s+/).filter(Boolean).length, 0)
  return {
    object: 'list',
    data: inputs.map((input, index) => ({ object: 'embedding', index, embedding: encode(fakeEmbedding(input, dimensions)) })),
    model: body?.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  }
}

async function answerChat(request: RecordedRequest, res: ServerResponse, script: ChatScript | undefined) {
  // Not retryable, so a test that forgot to script a reply fails at once instead of after backoff.
  if (script === undefined) return sendError(res, 500, 'fake-openai: no scripted chat reply left', { 'x-should-retry': 'false' })
  if (request.body?.stream) return sendError(res, 400, 'fake-openai: streaming is not supported')
  const scripted = typeof script === 'function' ? await script(request) : script
  const reply = typeof scripted === 'string' ? { content: scripted } : scripted
  const toolCalls = reply.toolCalls?.map((call, index) => ({ id: `call_${index}`, type: 'function', function: call }))
  sendJson(res, 200, {
    id: `chatcmpl-fake-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.body?.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.content ?? null,
          refusal: reply.refusal ?? null,
          ...(toolCalls ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: reply.finishReason ?? (toolCalls ? 'tool_calls' : 'stop'),
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  })
}

function rateLimitHeaders(fault: { retryAfterSeconds?: number; retryAfterMs?: number }): Record<string, string> {
  return {
    ...(fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {}),
    ...(fault.retryAfterMs !== undefined ? { 'retry-after-ms': String(fault.retryAfterMs) } : {}),
  }
}

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  const body = { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'server_error', param: null, code: null } }
  send(res, status, JSON.stringify(body), 'application/json', headers)
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  send(res, status, JSON.stringify(body), 'application/json')
}

function send(res: ServerResponse, status: number, text: string, contentType: string, headers: Record<string, string> = {}) {
  if (res.destroyed || res.headersSent) return
  res.writeHead(status, { 'content-type': contentType, ...headers }).end(text)
}
