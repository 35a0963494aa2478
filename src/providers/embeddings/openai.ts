import { normalize, spaceId, type Embedder, type EmbeddingSpace } from './embedder.js'

/** Settings for the OpenAI embeddings endpoint, or any server that speaks it (`baseURL`). */
export interface OpenAIEmbedderOptions {
  baseURL?: string
  apiKey: string
  model: string
  /** Asked of the API (text-embedding-3-*). When omitted, learnt from the first response. */
  dimensions?: number
  batchSize?: number
  /** Per attempt, so the worst case is about (maxRetries + 1) × timeoutMs plus the waits between. */
  timeoutMs?: number
  maxRetries?: number
  fetch?: typeof fetch
}

/** An embeddings call that failed for good; `status` is the HTTP status when there was a response. */
export class EmbeddingProviderError extends Error {
  readonly status: number | undefined
  readonly attempts: number

  constructor(message: string, options: { cause?: unknown; status?: number; attempts?: number } = {}) {
    super(message, { cause: options.cause })
    this.name = 'EmbeddingProviderError'
    this.status = options.status
    this.attempts = options.attempts ?? 1
  }
}

const defaults = { baseURL: 'https://api.openai.com/v1', batchSize: 64, timeoutMs: 30_000, maxRetries: 2 }
// The longest wait a server may ask for that we sit out inside one call; beyond it the caller should reschedule.
const maxRetryAfterMs = 60_000

type OpenAIModule = typeof import('openai')
type Client = InstanceType<OpenAIModule['OpenAI']>

/**
 * Embeds with the OpenAI API. The openai package's own retry honours Retry-After but neither caps the
 * wait nor wakes on abort, so it is switched off and this module retries 408/429/5xx, timeouts and
 * connection failures itself. Until `dimensions` is known (given, or learnt from the first response),
 * reading `id`, `space` or `dimensions` throws.
 */
export function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Embedder {
  const batchSize = options.batchSize ?? defaults.batchSize
  const timeoutMs = options.timeoutMs ?? defaults.timeoutMs
  const maxRetries = options.maxRetries ?? defaults.maxRetries
  if (!options.apiKey) throw new TypeError('createOpenAIEmbedder: apiKey is required')
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 2048) throw new RangeError('batchSize must be 1..2048')
  let dimensions = options.dimensions
  let client: Promise<{ sdk: OpenAIModule; client: Client }> | undefined
  // Upstream messages can echo the key back (401s do); the key must never reach logs through ours.
  const scrub = (message: string) => message.split(options.apiKey).join('[redacted]')

  const knownDimensions = () => {
    if (dimensions !== undefined) return dimensions
    throw new EmbeddingProviderError(`dimensions of ${options.model} are unknown until the first embed(); pass dimensions to know them upfront`)
  }
  const space = (): EmbeddingSpace => ({ provider: 'openai', model: options.model, dimensions: knownDimensions() })

  const embedBatch = async (texts: string[], signal: AbortSignal | undefined) => {
    client ??= openClient(options, timeoutMs)
    const { sdk, client: openai } = await client
    const attempt = (attemptSignal: AbortSignal) =>
      openai.embeddings.create(
        { model: options.model, input: texts, ...(options.dimensions ? { dimensions: options.dimensions } : {}) },
        { signal: attemptSignal },
      )
    const response = await withRetries(attempt, { sdk, signal, timeoutMs, maxRetries, scrub })
    const vectors = orderedVectors(response, texts.length)
    dimensions = checkLengths(vectors, dimensions, options.model)
    return vectors.map(normalize)
  }

  return {
    get id() { return spaceId(space()) },
    get space() { return space() },
    get dimensions() { return knownDimensions() },
    // `purpose` is ignored: OpenAI models embed queries and passages alike, with no prefixes.
    async embed(texts, { signal } = {}) {
      signal?.throwIfAborted()
      const vectors: Float32Array[] = []
      // Sequential batches keep one caller from bursting through the rate limit and keep ordering trivial.
      for (let start = 0; start < texts.length; start += batchSize) {
        vectors.push(...(await embedBatch(texts.slice(start, start + batchSize), signal)))
      }
      return vectors
    },
  }
}

async function openClient(options: OpenAIEmbedderOptions, timeoutMs: number) {
  const sdk = await import('openai')
  // Every setting explicit (nulls included) so the package reads nothing from process.env.
  const client = new sdk.OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? defaults.baseURL,
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    // Failures reach callers as our errors; the package's own console logging would bypass our logger.
    logLevel: 'off',
    timeout: timeoutMs,
    maxRetries: 0,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
  return { sdk, client }
}

interface RetryPolicy {
  sdk: OpenAIModule
  signal: AbortSignal | undefined
  timeoutMs: number
  maxRetries: number
  scrub(message: string): string
}

async function withRetries<T>(attempt: (signal: AbortSignal) => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let retry = 0; ; retry++) {
    const timeout = AbortSignal.timeout(policy.timeoutMs)
    try {
      return await attempt(policy.signal ? AbortSignal.any([policy.signal, timeout]) : timeout)
    } catch (error) {
      // The caller's abort is their decision, not a provider failure: hand back their reason, like fetch does.
      if (policy.signal?.aborted) throw policy.signal.reason
      const failure = describeFailure(error, timeout.aborted, policy)
      const attempts = retry + 1
      const fail = (why = '') =>
        new EmbeddingProviderError(`OpenAI embeddings ${failure.message}${why} (${attempts} attempt${attempts > 1 ? 's' : ''})`, { cause: error, status: failure.status, attempts })
      if (!failure.retryable || retry >= policy.maxRetries) throw fail()
      const delayMs = retryDelayMs(failure.headers, retry)
      if (delayMs > maxRetryAfterMs) throw fail(`; server asked to wait ${Math.round(delayMs / 1000)} s`)
      await sleep(delayMs, policy.signal)
    }
  }
}

function describeFailure(error: unknown, timedOut: boolean, { sdk, timeoutMs, scrub }: RetryPolicy) {
  if (timedOut || error instanceof sdk.APIConnectionTimeoutError) {
    return { retryable: true, message: `timed out after ${timeoutMs} ms`, status: undefined, headers: undefined }
  }
  const message = scrub(error instanceof Error ? error.message : String(error))
  if (error instanceof sdk.APIError && error.status !== undefined) {
    const hint = error.headers?.get('x-should-retry')
    const retryable = hint ? hint === 'true' : error.status === 408 || error.status === 429 || error.status >= 500
    return { retryable, message: `failed with status ${error.status}: ${message}`, status: error.status, headers: error.headers }
  }
  if (error instanceof sdk.APIConnectionError) {
    return { retryable: true, message: `could not connect: ${scrub(rootMessage(error))}`, status: undefined, headers: undefined }
  }
  // Unparsable bodies and the like: retrying a server that speaks something else only wastes time.
  return { retryable: false, message: `answered an unreadable response: ${message}`, status: undefined, headers: undefined }
}

// The SDK says only "Connection error."; the useful part (ECONNREFUSED, ENOTFOUND) sits at the end of the cause chain.
function rootMessage(error: unknown): string {
  let current = error
  while (current instanceof Error && current.cause !== undefined) current = current.cause
  return current instanceof Error ? current.message : String(current)
}

/** retry-after-ms (OpenAI's), then Retry-After (seconds or HTTP date), else exponential backoff with jitter. */
function retryDelayMs(headers: Headers | undefined, retry: number): number {
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

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
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

// A space is learnt only from an answer that agrees with itself, so one odd first batch cannot fix a wrong one.
function checkLengths(vectors: Float32Array[], dimensions: number | undefined, model: string): number {
  const expected = dimensions ?? vectors[0]!.length
  const wrong = vectors.find((vector) => vector.length !== expected)
  if (wrong) throw new EmbeddingProviderError(`OpenAI embeddings answered a vector of ${wrong.length} floats for ${model}, expected ${expected}`)
  return expected
}

/** Puts the vectors in input order by their `index`, refusing answers that miss or repeat an input. */
function orderedVectors(response: unknown, count: number): Float32Array[] {
  const data = (response as { data?: unknown } | null)?.data
  const invalid = (why: string) => new EmbeddingProviderError(`OpenAI embeddings answered an invalid response: ${why}`)
  if (!Array.isArray(data) || data.length !== count) throw invalid(`expected ${count} embeddings`)
  const ordered: Float32Array[] = []
  for (const item of data as Array<{ index?: unknown; embedding?: unknown }>) {
    const index = item.index
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count || ordered[index]) throw invalid(`bad index ${String(index)}`)
    if (!Array.isArray(item.embedding) && !(item.embedding instanceof Float32Array)) throw invalid('embedding is not a list of numbers')
    const vector = Float32Array.from(item.embedding as ArrayLike<number>)
    if (vector.length === 0 || !vector.every(Number.isFinite)) throw invalid('embedding is empty or not finite')
    ordered[index] = vector
  }
  return ordered
}
