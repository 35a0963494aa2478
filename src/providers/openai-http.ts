/**
 * What every call to an OpenAI-compatible server shares: one client set up so that nothing leaks in
 * from process.env or out to the console, and one retry loop (timeouts, 408/429/5xx, Retry-After).
 * The embeddings and chat providers differ only in the request they send and the error they throw.
 */

export type OpenAIModule = typeof import('openai')
export type OpenAIClient = InstanceType<OpenAIModule['OpenAI']>

export interface OpenAIClientOptions {
  apiKey: string
  baseURL?: string
  timeoutMs: number
  fetch?: typeof fetch
}

export const defaultBaseURL = 'https://api.openai.com/v1'
// The longest wait a server may ask for that we sit out inside one call; beyond it the caller should reschedule.
export const maxRetryAfterMs = 60_000

export async function openOpenAIClient(options: OpenAIClientOptions): Promise<{ sdk: OpenAIModule; client: OpenAIClient }> {
  const sdk = await import('openai')
  // Every setting explicit (nulls included) so the package reads nothing from process.env.
  const client = new sdk.OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? defaultBaseURL,
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    // Failures reach callers as our errors; the package's own console logging would bypass our logger.
    logLevel: 'off',
    timeout: options.timeoutMs,
    // The package's retry honours Retry-After but neither caps the wait nor wakes on abort; withRetries does.
    maxRetries: 0,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
  return { sdk, client }
}

/** Upstream messages can echo the key back (401s do); the key must never reach logs through ours. */
export function keyScrubber(apiKey: string): (message: string) => string {
  return (message) => message.split(apiKey).join('[redacted]')
}

export interface RetryPolicy {
  sdk: OpenAIModule
  signal: AbortSignal | undefined
  /** Per attempt, so the worst case is about (maxRetries + 1) × timeoutMs plus the waits between. */
  timeoutMs: number
  maxRetries: number
  scrub(message: string): string
}

/** Why a call failed for good, for the provider to turn into its own error type. */
export interface ProviderFailure {
  kind: 'timeout' | 'status' | 'connection' | 'unreadable'
  /** Says what happened, e.g. "failed with status 503: …"; the API key is scrubbed out. */
  message: string
  status: number | undefined
  attempts: number
  /** Set when the server asked for a longer wait than maxRetryAfterMs, which we do not sit out. */
  refusedWaitMs: number | undefined
  cause: unknown
}

/**
 * Runs `attempt` with a fresh per-attempt timeout, retrying what a retry can fix. The caller's abort
 * is their decision, not a provider failure: it rethrows their reason, like fetch does.
 */
export async function withRetries<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  policy: RetryPolicy,
  toError: (failure: ProviderFailure) => Error,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    const timeout = AbortSignal.timeout(policy.timeoutMs)
    try {
      return await attempt(policy.signal ? AbortSignal.any([policy.signal, timeout]) : timeout)
    } catch (error) {
      if (policy.signal?.aborted) throw policy.signal.reason
      const { retryable, headers, ...failure } = describeFailure(error, timeout.aborted, policy)
      const fail = (refusedWaitMs?: number) => toError({ ...failure, attempts: retry + 1, refusedWaitMs, cause: error })
      if (!retryable || retry >= policy.maxRetries) throw fail()
      const delayMs = retryDelayMs(headers, retry)
      if (delayMs > maxRetryAfterMs) throw fail(delayMs)
      await sleep(delayMs, policy.signal)
    }
  }
}

function describeFailure(error: unknown, timedOut: boolean, { sdk, timeoutMs, scrub }: RetryPolicy) {
  const none = { status: undefined, headers: undefined }
  if (timedOut || error instanceof sdk.APIConnectionTimeoutError) {
    return { kind: 'timeout' as const, retryable: true, message: `timed out after ${timeoutMs} ms`, ...none }
  }
  const message = scrub(error instanceof Error ? error.message : String(error))
  if (error instanceof sdk.APIError && error.status !== undefined) {
    const hint = error.headers?.get('x-should-retry')
    const retryable = hint ? hint === 'true' : error.status === 408 || error.status === 429 || error.status >= 500
    return {
      kind: 'status' as const,
      retryable,
      message: `failed with status ${error.status}: ${message}`,
      status: error.status,
      headers: error.headers,
    }
  }
  if (error instanceof sdk.APIConnectionError) {
    return { kind: 'connection' as const, retryable: true, message: `could not connect: ${scrub(rootMessage(error))}`, ...none }
  }
  // Unparsable bodies and the like: retrying a server that speaks something else only wastes time.
  return { kind: 'unreadable' as const, retryable: false, message: `answered an unreadable response: ${message}`, ...none }
}

// The SDK says only "Connection error."; the useful part (ECONNREFUSED, ENOTFOUND) sits at the end of the cause chain.
function rootMessage(error: unknown): string {
  let current = error
  while (current instanceof Error && current.cause !== undefined) current = current.cause
  return current instanceof Error ? current.message : String(current)
}

/** retry-after-ms (OpenAI's), then Retry-After (seconds or HTTP date), else exponential backoff with jitter. */
export function retryDelayMs(headers: Headers | undefined, retry: number): number {
  const milliseconds = Number.parseFloat(headers?.get('retry-after-ms') ?? '')
  if (milliseconds >= 0) return milliseconds
  const retryAfter = headers?.get('retry-after')
  if (retryAfter) {
    const seconds = Number(retryAfter)
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
    const date = Date.parse(retryAfter)
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now())
  }
  return Math.min(500 * 2 ** retry, 8000) * (1 - Math.random() * 0.25)
}

/** setTimeout as a promise that rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
