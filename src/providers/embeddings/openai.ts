import { keyScrubber, openOpenAIClient, withRetries, type OpenAIClient, type OpenAIModule, type ProviderFailure } from '../openai-http.js'
import type { Config } from '../../config.js'
import { EmbeddingProviderError, normalize, spaceId, type Embedder, type EmbeddingSpace } from './embedder.js'
import { createEmbeddingRuntime, type EmbeddingRuntime } from './runtime.js'

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

// The error type is shared with the other remote provider (workers-ai); re-exported for existing importers.
export { EmbeddingProviderError }

const defaults = { batchSize: 64, timeoutMs: 30_000, maxRetries: 2 }

/**
 * Embeds with the OpenAI API. Retries of 408/429/5xx, timeouts and connection failures are the shared
 * loop in openai-http.ts (the openai package's own retry is switched off there). Until `dimensions` is known (given, or learnt from the first response),
 * reading `id`, `space` or `dimensions` throws.
 */
export function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Embedder {
  const batchSize = options.batchSize ?? defaults.batchSize
  const timeoutMs = options.timeoutMs ?? defaults.timeoutMs
  const maxRetries = options.maxRetries ?? defaults.maxRetries
  if (!options.apiKey) throw new TypeError('createOpenAIEmbedder: apiKey is required')
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 2048) throw new RangeError('batchSize must be 1..2048')
  let dimensions = options.dimensions
  let client: Promise<{ sdk: OpenAIModule; client: OpenAIClient }> | undefined
  const scrub = keyScrubber(options.apiKey)

  const knownDimensions = () => {
    if (dimensions !== undefined) return dimensions
    throw new EmbeddingProviderError(
      `dimensions of ${options.model} are unknown until the first embed(); pass dimensions to know them upfront`,
    )
  }
  const space = (): EmbeddingSpace => ({ provider: 'openai', model: options.model, dimensions: knownDimensions() })

  const embedBatch = async (texts: string[], signal: AbortSignal | undefined) => {
    client ??= openOpenAIClient({ ...options, timeoutMs })
    const { sdk, client: openai } = await client
    const attempt = (attemptSignal: AbortSignal) =>
      openai.embeddings.create(
        { model: options.model, input: texts, ...(options.dimensions ? { dimensions: options.dimensions } : {}) },
        { signal: attemptSignal },
      )
    const response = await withRetries(attempt, { sdk, signal, timeoutMs, maxRetries, scrub }, toEmbeddingError)
    const vectors = orderedVectors(response, texts.length)
    dimensions = checkLengths(vectors, dimensions, options.model)
    return vectors.map(normalize)
  }

  return {
    get id() {
      return spaceId(space())
    },
    get space() {
      return space()
    },
    get dimensions() {
      return knownDimensions()
    },
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

function toEmbeddingError(failure: ProviderFailure): EmbeddingProviderError {
  const { message, status, attempts, refusedWaitMs, cause } = failure
  const why = refusedWaitMs !== undefined ? `; server asked to wait ${Math.round(refusedWaitMs / 1000)} s` : ''
  return new EmbeddingProviderError(`OpenAI embeddings ${message}${why} (${attempts} attempt${attempts > 1 ? 's' : ''})`, {
    cause,
    status,
    attempts,
  })
}

// A space is learnt only from an answer that agrees with itself, so one odd first batch cannot fix a wrong one.
function checkLengths(vectors: Float32Array[], dimensions: number | undefined, model: string): number {
  const expected = dimensions ?? vectors[0]!.length
  const wrong = vectors.find((vector) => vector.length !== expected)
  if (wrong)
    throw new EmbeddingProviderError(`OpenAI embeddings answered a vector of ${wrong.length} floats for ${model}, expected ${expected}`)
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
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count || ordered[index])
      throw invalid(`bad index ${String(index)}`)
    if (!Array.isArray(item.embedding) && !(item.embedding instanceof Float32Array)) throw invalid('embedding is not a list of numbers')
    const vector = Float32Array.from(item.embedding as ArrayLike<number>)
    if (vector.length === 0 || !vector.every(Number.isFinite)) throw invalid('embedding is empty or not finite')
    ordered[index] = vector
  }
  return ordered
}

/** EMBEDDINGS_PROVIDER=openai on either runtime: the embedder from the settings, its space known before serving. */
export async function openAIEmbeddingRuntime(config: Config): Promise<EmbeddingRuntime> {
  const embedder = createOpenAIEmbedder({
    apiKey: config.openai.apiKey!,
    model: config.openai.embeddingsModel,
    timeoutMs: config.openai.timeoutMs,
    maxRetries: config.openai.maxRetries,
    ...(config.openai.baseUrl ? { baseURL: config.openai.baseUrl } : {}),
    ...(config.openai.embeddingsDimensions ? { dimensions: config.openai.embeddingsDimensions } : {}),
  })
  // Without a configured size the space is only known after one answer; ask once now.
  if (!config.openai.embeddingsDimensions) await embedder.embed(['dimension probe'], { purpose: 'query' })
  return createEmbeddingRuntime(embedder, { requested: 'openai', provider: 'openai', reason: 'configured' })
}
