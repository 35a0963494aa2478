/**
 * Seeded randomness, so that training and cross-validation give the same model for the same data and
 * seed on every runtime (Math.random cannot be seeded).
 */

/** mulberry32: a tiny 32-bit generator, plenty for shuffling; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Fisher-Yates shuffle in place. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1))
    ;[items[index], items[other]] = [items[other]!, items[index]!]
  }
  return items
}

/**
 * Fold number (0..k-1) of every item, stratified by label so that each fold keeps the class balance:
 * with a minority class of a few dozen, plain random folds can leave a fold without it.
 */
export function stratifiedFolds(labels: ArrayLike<number>, k: number, seed: number): Int32Array {
  const folds = new Int32Array(labels.length)
  const random = seededRandom(seed)
  let next = 0
  for (const label of [...new Set(Array.from(labels))].sort()) {
    const members = shuffleInPlace(
      Array.from(labels, (value, index) => (value === label ? index : -1)).filter((index) => index >= 0),
      random,
    )
    // Continue the round-robin across classes so small folds stay equal in size too.
    for (const index of members) folds[index] = next++ % k
  }
  return folds
}
