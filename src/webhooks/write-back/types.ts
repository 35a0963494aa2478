import type { OutboundGuard } from '../../outbound/guard.js'
import type { TriageResult } from '../../triage/triage-result.js'
import type { TicketRef } from '../payload-draft.js'
import type { WebhookType } from '../types.js'

export type Department = TriageResult['department']

/** Where and how one integration's results are written back; secrets stay in here and never reach a message. */
export interface WriteBackTarget {
  type: WebhookType
  /** The integration's signing secret; signs `generic` callbacks (a `whsec_` Standard Webhooks secret). */
  secret: string
  /** Helpdesk base URL without `/api/...`, e.g. https://acme.zendesk.com. */
  apiBaseUrl?: string
  /** Zammad access token; Zendesk `email/token:<token>` (Basic) or an OAuth token (Bearer); Freshdesk API key. */
  apiToken?: string
  /** The `generic` receiver of signed `triage.completed` callbacks. */
  callbackUrl?: string
  /** Department → helpdesk group: a Zammad group name or id, a Zendesk or Freshdesk group id. */
  departmentGroups?: Partial<Record<Department, string>>
}

/** One result to write into one ticket. */
export interface WriteBackRequest {
  inquiryId: string
  ticket: TicketRef
  result: TriageResult
}

/** Injected network, cancellation and clock, so tests and the job runner control all three. */
export interface WriteBackOptions {
  /** Every request goes through it: the outbound policy decides, and redirects are never followed. */
  outbound: OutboundGuard
  /** Cancels every request still under way (shutdown); a cancelled write-back is retryable. */
  signal?: AbortSignal
  now: Date
  /** Per request, not per write-back; default 10 s. */
  timeoutMs?: number
}

/** What a write-back did: `requests` counts every HTTP request made, `skipped` says why nothing was written. */
export interface WriteBackReport {
  type: WebhookType
  requests: number
  skipped?: string
}

/** Statuses that say "later may work": timeout, conflict, too early, rate limited. Every other 4xx is final. */
const retryableClientStatuses = new Set([408, 409, 425, 429])

export function isPermanentStatus(status: number): boolean {
  return status >= 400 && status < 500 && !retryableClientStatuses.has(status)
}

export interface WriteBackErrorOptions {
  permanent: boolean
  status?: number
  retryAfterMs?: number
  cause?: unknown
}

/**
 * A failed write-back. `permanent` means retrying cannot help (bad token, ticket gone, bad configuration):
 * dead-letter it. Otherwise retry, not before `retryAfterMs` when the helpdesk said so. The message names
 * the helpdesk, method, path and status, never a token or secret.
 */
export class WriteBackError extends Error {
  readonly permanent: boolean
  readonly status: number | undefined
  readonly retryAfterMs: number | undefined

  constructor(message: string, options: WriteBackErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'WriteBackError'
    this.permanent = options.permanent
    this.status = options.status
    this.retryAfterMs = options.retryAfterMs
  }
}
