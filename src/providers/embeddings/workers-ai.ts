import { retryDelayMs, sleep } from '../openai-http.js'
import { EmbeddingProviderError, normalize, spaceId, type Embedder, type EmbeddingSpace } from './embedder.js'

/** The part of the Workers AI binding (`env.AI`) the embedder calls; tests pass a deterministic stand-in. */
export interface WorkersAiBinding {
  run(model: string, input: { text: string[]; truncate_inputs?: boolean }): Promise<unknown>
}

export interface WorkersAiEmbedderOptions {
  ai: WorkersAiBinding
  model: string
  dimensions: number
  /** Texts per call: Workers AI documents at most 100 for its bge models; bge-m3 is held to the same. */
  batchSize?: number
  /** Characters per call, so a batch of long texts stays inside the model's context window. */
  maxBatchChars?: number
  /** Per attempt, so the worst case is about (maxRetries + 1) × timeoutMs plus the waits between. */
  timeoutMs?: number
  maxRetries?: number
  /** The wait before retry number `retry` (from 0); exponential backoff with jitter unless given. */
  backoffMs?: (retry: number) => number
}

/** The Workers AI embedding models whose size is known here; other models need WORKERS_AI_EMBEDDINGS_DIMENSIONS. */
export const workersAiModels: Record<string, { dimensions: number; truncates: boolean }> = {
  '@cf/baai/bge-m3': { dimensions: 1024, truncates: true },
  '@cf/baai/bge-small-en-v1.5': { dimensions: 384, truncates: false },
  '@cf/baai/bge-base-en-v1.5': { dimensions: 768, truncates: false },
  '@cf/baai/bge-large-en-v1.5': { dimensions: 1024, truncates: false },
}

const defaults = {
  batchSize: 100,
  maxBatchChars: 100_000,
  timeoutMs: 30_000,
  maxRetries: 2,
  backoffMs: (retry: number) => retryDelayMs(undefined, retry),
}

// Workers AI's internal error codes (they lead the binding's error messages) and their HTTP statuses.
const statusOfCode: Record<string, number> = {
  '3003': 400,
  '5004': 400,
  '5007': 400,
  '3023': 403,
  '3041': 403,
  '5016': 403,
  '5018': 403,
  '3042': 404,
  '3007': 408,
  '3008': 408,
  '3006': 413,
  '3036': 429,
  '3040': 429,
}
// A timeout or "capacity temporarily exceeded" may pass; a used-up daily allocation (3036) will not within a call.
const retryableCodes = new Set(['3007', '3040'])

/**
 * Embeds through the Workers AI binding (`{ text: string[] }` → `{ data: number[][], shape }`). Its
 * failures become EmbeddingProviderError with an HTTP status, as the OpenAI provider's do, so callers
 * report an outage the same way whichever provider serves. bge-m3 embeds queries and passages alike.
 */
export function createWorkersAiEmbedder(options: WorkersAiEmbedderOptions): Embedder {
  const settings = { ...defaults, ...options }
  const { model, dimensions } = options
  if (!Number.isInteger(settings.batchSize) || settings.batchSize < 1 || settings.batchSize > 100)
    throw new RangeError('batchSize must be 1..100')
  const space: EmbeddingSpace = { provider: 'workers-ai', model, dimensions }
  const extraInput = workersAiModels[model]?.truncates ? { truncate_inputs: true } : {}

  const embedBatch = async (texts: string[], signal: AbortSignal | undefined) => {
    const answer = await runWithRetries(() => options.ai.run(model, { text: texts, ...extraInput }), settings, signal)
    return vectorsOf(answer, texts.length, dimensions).map(normalize)
  }

  return {
    id: spaceId(space),
    space,
    dimensions,
    async embed(texts, { signal } = {}) {
      signal?.throwIfAborted()
      const vectors: Float32Array[] = []
      for (const batch of batches(texts, settings.batchSize, settings.maxBatchChars)) vectors.push(...(await embedBatch(batch, signal)))
      return vectors
    },
  }
}

/** Consecutive slices of at most `size` texts and `maxChars` characters (a longer text goes alone). */
function batches(texts: string[], size: number, maxChars: number): string[][] {
  const result: string[][] = []
  let current: string[] = []
  let chars = 0
  for (const text of texts) {
    if (current.length > 0 && (current.length === size || chars + text.length > maxChars)) {
      result.push(current)
      current = []
      chars = 0
    }
    current.push(text)
    chars += text.length
  }
  if (current.length > 0) result.push(current)
  return result
}

type RetrySettings = { timeoutMs: number; maxRetries: number; backoffMs: (retry: number) => number }

async function runWithRetries(call: () => Promise<unknown>, settings: RetrySettings, signal: AbortSignal | undefined): Promise<unknown> {
  for (let retry = 0; ; retry++) {
    const failure = await attemptOnce(call, settings.timeoutMs, signal)
    if ('answer' in failure) return failure.answer
    const attempts = retry + 1
    if (!failure.retryable || retry >= settings.maxRetries)
      throw new EmbeddingProviderError(`Workers AI embeddings ${failure.message} (${attempts} attempt${attempts > 1 ? 's' : ''})`, {
        cause: failure.cause,
        ...(failure.status !== undefined ? { status: failure.status } : {}),
        attempts,
      })
    await sleep(settings.backoffMs(retry), signal)
  }
}

type Attempt = { answer: unknown } | { message: string; status: number | undefined; retryable: boolean; cause: unknown }

// The binding takes no signal: the call is raced against the timeout and the caller's abort instead.
async function attemptOnce(call: () => Promise<unknown>, timeoutMs: number, signal: AbortSignal | undefined): Promise<Attempt> {
  let timer: ReturnType<typeof setTimeout> | undefined
  let onAbort: (() => void) | undefined
  const timedOut = Symbol('timeout')
  const stop = new Promise<typeof timedOut>((resolve, reject) => {
    timer = setTimeout(() => resolve(timedOut), timeoutMs)
    onAbort = () => reject(signal!.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
  try {
    const answer = await Promise.race([call(), stop])
    if (answer === timedOut) return { message: `timed out after ${timeoutMs} ms`, status: undefined, retryable: true, cause: undefined }
    return { answer }
  } catch (error) {
    if (signal?.aborted) throw signal.reason
    return describeFailure(error)
  } finally {
    clearTimeout(timer)
    if (onAbort) signal?.removeEventListener('abort', onAbort)
  }
}

function describeFailure(error: unknown): Attempt {
  const message = error instanceof Error ? error.message : String(error)
  const code = /\b([35]\d{3}):/.exec(message)?.[1]
  const status = code ? statusOfCode[code] : undefined
  // No code: the binding could not reach the service (or a stand-in failed); like a connection error, worth a retry.
  if (status === undefined) return { message: `failed: ${message}`, status: undefined, retryable: true, cause: error }
  return { message: `failed with status ${status}: ${message}`, status, retryable: retryableCodes.has(code!), cause: error }
}

/** The vectors of an answer, refusing one that misses a text or has the wrong size (a model not meant for this space). */
function vectorsOf(answer: unknown, count: number, dimensions: number): Float32Array[] {
  const invalid = (why: string) => new EmbeddingProviderError(`Workers AI embeddings answered an invalid response: ${why}`)
  const data = (answer as { data?: unknown } | null)?.data
  if (!Array.isArray(data) || data.length !== count) throw invalid(`expected ${count} embeddings in data`)
  return data.map((item: unknown) => {
    if (!Array.isArray(item)) throw invalid('an embedding is not a list of numbers')
    const vector = Float32Array.from(item as number[])
    if (vector.length !== dimensions) throw invalid(`a vector of ${vector.length} floats, expected ${dimensions}`)
    if (!vector.every(Number.isFinite)) throw invalid('an embedding holds a value that is not a finite number')
    return vector
  })
}
