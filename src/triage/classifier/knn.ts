import type { LabelledExample, Neighbour } from './types.js'

/**
 * The nearest-neighbour signal. At request time the service passes the inquiry's neighbours from
 * pgvector, so new examples count at once, before any retraining; offline (out-of-fold training,
 * evaluation) an in-memory brute-force index plays pgvector's part over the same unit vectors.
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
export type NeighbourSearch = (
  example: LabelledExample,
  k: number,
  accept: (candidate: LabelledExample) => boolean,
) => Neighbour[]

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

interface Ranked {
  indices: Int32Array
  similarities: Float32Array
}

/** `cacheSize` neighbours are kept per example: enough that filtering out a fold rarely leaves fewer than k. */
export function createExampleIndex(examples: readonly LabelledExample[], cacheSize = 48): ExampleIndex {
  const positions = new Map(examples.map((example, index) => [example, index]))
  const cache = new Map<number, Ranked>()
  const toNeighbours = (ranked: Ranked, positions: number[]): Neighbour[] =>
    positions.map((position) => ({
      department: examples[ranked.indices[position]!]!.department,
      similarity: ranked.similarities[position]!,
    }))

  const search = (query: Float32Array, self: number, k: number, accept: (index: number) => boolean): Ranked => {
    const top = new TopList(k)
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

/** A bounded min-heap keeping the `capacity` most similar entries offered to it. */
class TopList {
  private readonly indices: Int32Array
  private readonly similarities: Float32Array
  private size = 0

  constructor(private readonly capacity: number) {
    this.indices = new Int32Array(capacity)
    this.similarities = new Float32Array(capacity)
  }

  offer(index: number, similarity: number): void {
    if (this.size < this.capacity) {
      this.indices[this.size] = index
      this.similarities[this.size] = similarity
      this.siftUp(this.size++)
    } else if (similarity > this.similarities[0]!) {
      this.indices[0] = index
      this.similarities[0] = similarity
      this.siftDown(0)
    }
  }

  ranked(): Ranked {
    const order = [...this.indices.subarray(0, this.size).keys()].sort(
      (a, b) => this.similarities[b]! - this.similarities[a]! || this.indices[a]! - this.indices[b]!,
    )
    return {
      indices: Int32Array.from(order, (position) => this.indices[position]!),
      similarities: Float32Array.from(order, (position) => this.similarities[position]!),
    }
  }

  private siftUp(position: number): void {
    while (position > 0) {
      const parent = (position - 1) >> 1
      if (this.similarities[parent]! <= this.similarities[position]!) return
      this.swap(parent, position)
      position = parent
    }
  }

  private siftDown(position: number): void {
    for (;;) {
      const left = 2 * position + 1
      const right = left + 1
      let smallest = position
      if (left < this.size && this.similarities[left]! < this.similarities[smallest]!) smallest = left
      if (right < this.size && this.similarities[right]! < this.similarities[smallest]!) smallest = right
      if (smallest === position) return
      this.swap(smallest, position)
      position = smallest
    }
  }

  private swap(a: number, b: number): void {
    ;[this.indices[a], this.indices[b]] = [this.indices[b]!, this.indices[a]!]
    ;[this.similarities[a], this.similarities[b]] = [this.similarities[b]!, this.similarities[a]!]
  }
}

/**
 * Dot products with one fixed vector. A vector that is mostly zeros (the hashing embedder's, for short
 * texts) only visits its non-zero dimensions; a dense one uses four accumulators, which lets the JIT
 * overlap the multiply-adds. Brute-force kNN is the main cost of training, so this matters.
 */
function similarityTo(query: Float32Array): (other: Float32Array) => number {
  const nonZero: number[] = []
  query.forEach((value, index) => value !== 0 && nonZero.push(index))
  // Indirect loads cost about five dense multiply-adds each, so only clearly sparse vectors go this way.
  if (nonZero.length > query.length / 6) return (other) => dot(query, other)
  const indices = Int32Array.from(nonZero)
  const values = Float32Array.from(nonZero, (index) => query[index]!)
  return (other) => {
    let sum = 0
    for (let position = 0; position < indices.length; position++) sum += values[position]! * other[indices[position]!]!
    return sum
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  const length = Math.min(a.length, b.length)
  let index = 0
  for (; index + 3 < length; index += 4) {
    s0 += a[index]! * b[index]!
    s1 += a[index + 1]! * b[index + 1]!
    s2 += a[index + 2]! * b[index + 2]!
    s3 += a[index + 3]! * b[index + 3]!
  }
  for (; index < length; index++) s0 += a[index]! * b[index]!
  return s0 + s1 + s2 + s3
}
