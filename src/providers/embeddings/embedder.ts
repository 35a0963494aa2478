/**
 * Queries and passages are embedded differently by some models (e5 wants "query: " / "passage: "
 * prefixes); callers say which one they are embedding.
 */
export type EmbedPurpose = 'query' | 'passage'

/** The space a vector lives in: vectors from different spaces must never be compared. */
export interface EmbeddingSpace {
  provider: 'hashing' | 'transformers' | 'openai' | 'workers-ai'
  model: string
  dimensions: number
}

export interface EmbedOptions {
  signal?: AbortSignal
  purpose?: EmbedPurpose
}

/** Turns texts into L2-normalised vectors of `dimensions` floats, one per text, in input order. */
export interface Embedder {
  /** Stable key of the embedding space, stored with every vector: `provider:model:dimensions`. */
  readonly id: string
  readonly space: EmbeddingSpace
  readonly dimensions: number
  embed(texts: string[], options?: EmbedOptions): Promise<Float32Array[]>
}

/**
 * An embedder in front of another (a cache, a batcher): same space, its own way to embed. The space is read
 * through, so a wrapped model's width is known once it has loaded.
 */
export function wrapEmbedder(inner: Embedder, embed: Embedder['embed']): Embedder {
  return {
    get id() {
      return inner.id
    },
    get space() {
      return inner.space
    },
    get dimensions() {
      return inner.dimensions
    },
    embed,
  }
}

export function spaceId(space: EmbeddingSpace): string {
  return `${space.provider}:${space.model}:${space.dimensions}`
}

/** Scales a vector in place to unit length (a zero vector stays zero). */
export function normalize(vector: Float32Array): Float32Array {
  let sum = 0
  for (let index = 0; index < vector.length; index++) sum += vector[index]! * vector[index]!
  const norm = Math.sqrt(sum)
  if (norm > 0) for (let index = 0; index < vector.length; index++) vector[index]! /= norm
  return vector
}

/** An embeddings call that failed for good (any remote provider); `status` is the HTTP status when there was one. */
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
