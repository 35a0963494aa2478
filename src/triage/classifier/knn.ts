import { similarityTo, TopList, type Ranked } from './vectors.js'
import type { LabelledExample, Neighbour } from './types.js'

/**
 * The nearest-neighbour signal. The service finds an inquiry's neighbours with the in-memory brute-force
 * index below (rebuilt as soon as the stored examples change, before the model retrains), or with
 * pgvector's HNSW index for very large example sets; out-of-fold training and evaluation use the same
 * index over the same unit vectors.
 */

/** How neighbours vote. */
export interface KnnScoreOptions {
  /** Similarity is raised to this power, so the closest neighbours dominate the vote. */
  power?: number
  /** Pseudo-votes per class (Laplace smoothing): three agreeing neighbours are not certainty. */
  prior?: number
}

/**
 * Log-odds technical vs commercial of a similarity-weighted vote: ln((m·f_t + prior) / (m·f_c + prior)),
 * with m neighbours and f the weighted class shares. No neighbours (or only dissimilar ones) give 0.
 */
export function knnScore(neighbours: readonly Neighbour[], options: KnnScoreOptions = {}): number {
  const { power = 8, prior = 1 } = options
  let technical = 0
  let total = 0
  for (const neighbour of neighbours) {
    const weight = Math.max(0, neighbour.similarity) ** power
    total += weight
    if (neighbour.department === 'technical') technical += weight
  }
  if (total === 0) return 0
  const votes = neighbours.length
  return Math.log(((votes * technical) / total + prior) / ((votes * (total - technical)) / total + prior))
}

/** Finds the neighbours of a training example among the examples `accept` admits (never itself). */
export type NeighbourSearch = (example: LabelledExample, k: number, accept: (candidate: LabelledExample) => boolean) => Neighbour[]

/** Exact brute-force kNN over unit vectors (cosine = dot product). */
export interface ExampleIndex {
  /** The k most similar accepted examples, most similar first; an indexed query never finds itself. */
  nearest(query: LabelledExample | Float32Array, k: number, accept?: (candidate: LabelledExample) => boolean): Neighbour[]
  /**
   * Caches every example's top neighbours in one symmetric pass, half the dot products of querying each
   * in turn; cross-validation then filters cached lists by fold instead of searching again.
   */
  precompute(): void
}

/** `cacheSize` neighbours are kept per example: enough that filtering out a fold rarely leaves fewer than k. */
export function createExampleIndex(examples: readonly LabelledExample[], cacheSize = 48): ExampleIndex {
  const positions = new Map(examples.map((example, index) => [example, index]))
  const dimensions = examples[0]?.embedding.length
  // Vectors of different lengths come from different embedding spaces, which must never be compared.
  const checkSpace = (vector: Float32Array) => {
    if (dimensions !== undefined && vector.length !== dimensions) {
      throw new Error(`a vector of ${vector.length} dimensions among vectors of ${dimensions}`)
    }
  }
  examples.forEach((example) => checkSpace(example.embedding))
  const cache = new Map<number, Ranked>()
  const toNeighbours = (ranked: Ranked, positions: number[]): Neighbour[] =>
    positions.map((position) => ({
      department: examples[ranked.indices[position]!]!.department,
      similarity: ranked.similarities[position]!,
    }))

  const search = (query: Float32Array, self: number, k: number, accept: (index: number) => boolean): Ranked => {
    const top = new TopList(k)
    checkSpace(query)
    const similarity = similarityTo(query)
    for (let index = 0; index < examples.length; index++) {
      if (index !== self && accept(index)) top.offer(index, similarity(examples[index]!.embedding))
    }
    return top.ranked()
  }

  return {
    nearest(query, k, accept = () => true) {
      const admits = (index: number) => accept(examples[index]!)
      const self = query instanceof Float32Array ? -1 : (positions.get(query) ?? -1)
      const vector = query instanceof Float32Array ? query : query.embedding
      if (self >= 0) {
        let cached = cache.get(self)
        if (!cached) cache.set(self, (cached = search(vector, self, cacheSize, () => true)))
        const kept = [...cached.indices.keys()].filter((position) => admits(cached.indices[position]!)).slice(0, k)
        // Enough accepted entries, or a list holding every other example, is exact; otherwise search again.
        if (kept.length === k || cached.indices.length === examples.length - 1) return toNeighbours(cached, kept)
      }
      const ranked = search(vector, self, k, admits)
      return toNeighbours(ranked, [...ranked.indices.keys()])
    },
    precompute() {
      const heaps = examples.map(() => new TopList(cacheSize))
      for (let row = 0; row < examples.length; row++) {
        const similarity = similarityTo(examples[row]!.embedding)
        for (let column = row + 1; column < examples.length; column++) {
          const value = similarity(examples[column]!.embedding)
          heaps[row]!.offer(column, value)
          heaps[column]!.offer(row, value)
        }
      }
      heaps.forEach((heap, row) => cache.set(row, heap.ranked()))
    },
  }
}
