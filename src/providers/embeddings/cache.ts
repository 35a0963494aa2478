import { wrapEmbedder, type EmbedOptions, type EmbedPurpose, type Embedder } from './embedder.js'

/** How many vectors the cache keeps: see createCachingEmbedder. */
export interface CachingOptions {
  maxEntries: number
  /**
   * Calls of more texts pass by the cache (default: none do). Bulk calls (an import, a re-index) embed
   * passages nobody resends, and would push out the inquiries that are resent.
   */
  maxTextsPerCall?: number
}

interface Computation {
  vector: Promise<Float32Array>
  /** The signal of the call that started it: its abort is no reason for other waiters to fail. */
  signal: AbortSignal | undefined
}

/**
 * Remembers the last `maxEntries` vectors by purpose and text (least recently used goes first), because
 * helpdesks resend the same inquiry: a retried webhook, an agent re-running triage, a ticket updated.
 * Identical texts being embedded right now share that one computation. Each caller gets its own copy of
 * a vector: typed arrays cannot be frozen, and a caller that normalises or scales its vector in place
 * must not change what the next caller reads; copying 384 floats costs well under a microsecond.
 */
export function createCachingEmbedder(inner: Embedder, options: CachingOptions): Embedder {
  const maxEntries = Math.max(0, Math.floor(options.maxEntries))
  const stored = new Map<string, Float32Array>()
  const computing = new Map<string, Computation>()

  const remember = (key: string, vector: Float32Array) => {
    stored.delete(key)
    stored.set(key, vector)
    if (stored.size > maxEntries) stored.delete(stored.keys().next().value!)
  }

  const lookUp = (key: string): Float32Array | undefined => {
    const vector = stored.get(key)
    if (vector) remember(key, vector) // now the most recently used
    return vector
  }

  /** Starts one inner call for texts nobody is computing yet; each text's promise is shared until it settles. */
  const compute = (texts: string[], purpose: EmbedPurpose, signal: AbortSignal | undefined) => {
    const all = Promise.resolve().then(() => inner.embed(texts, { purpose, ...(signal ? { signal } : {}) }))
    texts.forEach((text, index) => {
      const key = cacheKey(purpose, text)
      const vector = all.then((vectors) => {
        const found = vectors[index]
        if (!found) throw new Error(`the embedder returned ${vectors.length} vectors for ${texts.length} texts`)
        return found
      })
      const computation = { vector, signal }
      computing.set(key, computation)
      vector.then(
        (found) => {
          if (computing.get(key) === computation) computing.delete(key)
          remember(key, found)
        },
        () => {
          if (computing.get(key) === computation) computing.delete(key)
        },
      )
    })
  }

  /** One text's vector from a shared computation; if its starter gave up, this caller computes it anew. */
  const sharedVector = async (key: string, text: string, purpose: EmbedPurpose, signal: AbortSignal | undefined): Promise<Float32Array> => {
    for (;;) {
      const computation = computing.get(key)
      if (!computation) return lookUp(key) ?? (await computeOne(text, purpose, signal))
      try {
        return await withAbort(computation.vector, signal)
      } catch (error) {
        if (signal?.aborted || !computation.signal?.aborted) throw error
      }
    }
  }
  const computeOne = async (text: string, purpose: EmbedPurpose, signal: AbortSignal | undefined) => {
    compute([text], purpose, signal)
    return sharedVector(cacheKey(purpose, text), text, purpose, signal)
  }

  return wrapEmbedder(inner, async (texts: string[], { signal, purpose = 'passage' }: EmbedOptions = {}) => {
    signal?.throwIfAborted()
    if (maxEntries === 0 || texts.length > (options.maxTextsPerCall ?? Number.POSITIVE_INFINITY))
      return inner.embed(texts, { purpose, ...(signal ? { signal } : {}) })
    const missing = new Set<string>()
    const found = texts.map((text) => {
      const key = cacheKey(purpose, text)
      const vector = lookUp(key)
      if (!vector && !computing.has(key)) missing.add(text)
      return vector
    })
    if (missing.size > 0) compute([...missing], purpose, signal)
    const vectors = await Promise.all(
      texts.map((text, index) => found[index] ?? sharedVector(cacheKey(purpose, text), text, purpose, signal)),
    )
    return vectors.map((vector) => vector.slice())
  })
}

function cacheKey(purpose: EmbedPurpose, text: string): string {
  return `${purpose}\u0000${text}`
}

/** The promise, or the signal's abort, whichever comes first; the shared computation itself goes on. */
function withAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
