// The one place write-back requests are sent: per-request timeout, error classification, Retry-After, and
// messages that never carry a credential or the helpdesk's answer (they end up in a job's lastError,
// which admins read: an answer may quote the customer). Web APIs only, so it runs on Workers too.
import { OutboundRefusedError } from '../../outbound/policy.js'
import type { WebhookType } from '../types.js'
import { isPermanentStatus, WriteBackError, type WriteBackOptions } from './types.js'

export const defaultTimeoutMs = 10_000

export interface HttpResponse<T = unknown> {
  status: number
  headers: Headers
  json: T
}

export interface SendOptions {
  body?: unknown
  /** Extra headers (the generic callback's signature); the JSON content type and auth are added here. */
  headers?: Record<string, string>
  /** Raw body text, when the bytes must be exactly the ones signed. */
  rawBody?: string
}

/** Sends requests to one helpdesk and counts them; `path` is relative to the base URL or a same-origin URL. */
export interface HttpClient {
  send<T = unknown>(method: string, path: string, options?: SendOptions): Promise<HttpResponse<T>>
  readonly requests: number
}

export interface ClientSettings {
  type: WebhookType
  baseUrl: string
  /** The Authorization header value, if any. */
  authorization?: string
  /** Every credential that must never appear in an error message. */
  secrets: Array<string | undefined>
  options: WriteBackOptions
}

function parseBaseUrl(type: WebhookType, text: string): URL {
  let url: URL | undefined
  try {
    url = new URL(text.replace(/\/+$/, '') + '/')
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new WriteBackError(`${type} write-back: the integration's URL is not an http(s) URL`, { permanent: true })
  }
  return url
}

export function createHttpClient(settings: ClientSettings): HttpClient {
  const base = parseBaseUrl(settings.type, settings.baseUrl)
  const secrets = [...settings.secrets, settings.authorization].filter((value): value is string => Boolean(value && value.length >= 4))
  let requests = 0

  const fail = (message: string, options: ConstructorParameters<typeof WriteBackError>[1]) =>
    new WriteBackError(`${settings.type} write-back: ${redact(message, secrets)}`, options)

  async function send<T>(method: string, path: string, options: SendOptions = {}): Promise<HttpResponse<T>> {
    const url = resolve(base, path)
    // A next-page link pointing elsewhere would carry our token to another host.
    if (url.origin !== base.origin) throw fail(`refused to follow a link to another origin (${url.origin})`, { permanent: true })
    const what = `${method} ${url.pathname}`
    const timeoutMs = settings.options.timeoutMs ?? defaultTimeoutMs
    const signals = [AbortSignal.timeout(timeoutMs), settings.options.signal].filter((signal): signal is AbortSignal => Boolean(signal))
    const signal = AbortSignal.any(signals)
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
    if (settings.authorization) headers.authorization = settings.authorization
    const text = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
    if (text !== undefined) headers['content-type'] = 'application/json'
    requests++
    let response: Response
    let body: string
    try {
      // Redirects are not followed: a moved API is a configuration error, and a redirect could leak the token
      // or lead past the outbound policy. The guard refuses what the policy refuses before anything is sent.
      response = await settings.options.outbound.fetch(url, { method, headers, body: text, signal, redirect: 'manual' })
      body = await response.text()
    } catch (error) {
      if (error instanceof OutboundRefusedError) throw fail(`${what}: ${error.message}`, { permanent: true, cause: error })
      throw fail(`${what}: ${describeNetworkError(error, signal, settings.options.signal, timeoutMs)}`, { permanent: false, cause: error })
    }
    if (response.status >= 200 && response.status < 300)
      return { status: response.status, headers: response.headers, json: parseJson(body) as T }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), settings.options.now)
    // Status only: the body may quote the ticket or the customer, and this message is stored and shown.
    const redirect = response.status >= 300 && response.status < 400 ? ' (a redirect; not followed, check the URL)' : ''
    throw fail(`${what} answered ${response.status}${redirect}`, {
      permanent: response.status < 400 || isPermanentStatus(response.status),
      status: response.status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    })
  }

  return {
    send,
    get requests() {
      return requests
    },
  }
}

function resolve(base: URL, path: string): URL {
  if (/^https?:\/\//i.test(path)) return new URL(path)
  return new URL(path.replace(/^\/+/, ''), base)
}

function describeNetworkError(error: unknown, signal: AbortSignal, outer: AbortSignal | undefined, timeoutMs: number): string {
  if (outer?.aborted) return 'cancelled'
  if (signal.aborted) return `timed out after ${timeoutMs} ms`
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined
  const code = typeof cause?.code === 'string' ? cause.code : undefined
  return `network error${code ? ` (${code})` : error instanceof Error ? ` (${error.message})` : ''}`
}

function parseJson(body: string): unknown {
  if (!body.trim()) return undefined
  try {
    return JSON.parse(body)
  } catch {
    return body
  }
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: Date): number | undefined {
  if (!header) return undefined
  const value = header.trim()
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime())
}

function redact(text: string, secrets: string[]): string {
  return secrets.reduce((result, secret) => result.split(secret).join('[redacted]'), text)
}

/** Basic auth header value from `user:password` text (UTF-8, as browsers and helpdesks expect). */
export function basicAuth(credentials: string): string {
  const bytes = new TextEncoder().encode(credentials)
  return `Basic ${btoa(String.fromCharCode(...bytes))}`
}

/**
 * The client for a helpdesk's REST API from the integration's settings (both required), authorised
 * the helpdesk's way; the token and the webhook secret are redacted from every error.
 */
export function helpdeskApiClient(
  type: WebhookType,
  target: { apiBaseUrl?: string | null | undefined; apiToken?: string | null | undefined; secret: string },
  options: WriteBackOptions,
  authorization: (token: string) => string,
): HttpClient {
  const token = requireSetting(type, 'apiToken', target.apiToken ?? undefined)
  const baseUrl = requireSetting(type, 'apiBaseUrl', target.apiBaseUrl ?? undefined)
  return createHttpClient({ type, baseUrl, authorization: authorization(token), secrets: [token, target.secret], options })
}

/** The write-back needs these settings; a missing one is permanent until an admin fixes the integration. */
export function requireSetting(type: WebhookType, name: string, value: string | undefined): string {
  if (!value) throw new WriteBackError(`${type} write-back: the integration has no ${name}`, { permanent: true })
  return value
}
