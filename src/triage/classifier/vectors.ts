/**
 * Vector plumbing for the brute-force kNN: dot products and a bounded top-k list.
 * Brute-force similarity is the main cost of training (out-of-fold kNN) and of cross-validation.
 */

/** The best entries found so far, most similar first. */
export interface Ranked {
  indices: Int32Array
  similarities: Float32Array
}

/**
 * Dot products of one query with other vectors. A query that is mostly zeros (the hashing embedder's,
 * for short texts) visits only its non-zero dimensions; indirect loads cost about five dense
 * multiply-adds each, so only clearly sparse queries go that way. Dense ones use four accumulators,
 * which lets the CPU overlap the multiply-adds (measurably faster than one).
 */
export function similarityTo(query: Float32Array): (other: Float32Array) => number {
  const nonZero: number[] = []
  query.forEach((value, index) => value !== 0 && nonZero.push(index))
  if (nonZero.length > query.length / 6) return (other) => denseDot(query, other)
  const indices = Int32Array.from(nonZero)
  const values = Float32Array.from(nonZero, (index) => query[index]!)
  return (other) => {
    let sum = 0
    for (let position = 0; position < indices.length; position++) sum += values[position]! * other[indices[position]!]!
    return sum
  }
}

function denseDot(a: Float32Array, b: Float32Array): number {
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

/** A bounded min-heap keeping the `capacity` most similar entries offered to it. */
export class TopList {
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
