import { tokenize } from '../../providers/embeddings/hashing.js'
import { runToEnd, type Steps } from './steps.js'

/**
 * Sparse hashed text features for the linear model: word unigrams and bigrams plus character 3- to
 * 5-grams of umlaut-folded words, sublinear TF, optional IDF, L2-normalised. Hashing needs no
 * vocabulary, so a model is just a weight array and unseen words cost nothing.
 */

/** A sparse vector: ascending bucket indices and their weights. */
export interface SparseVector {
  indices: Int32Array
  values: Float32Array
}

/** Which features a text yields and how they are weighted. */
export interface FeatureOptions {
  /** Number of hash buckets, a power of two. */
  buckets?: number
  /** Word unigrams and bigrams. */
  words?: boolean
  /** Character 3- to 5-grams of each folded word, with word-boundary marks. */
  charNgrams?: boolean
  /** Weight of one character n-gram relative to one word feature. */
  charWeight?: number
  /** Scale buckets by inverse document frequency learned from the training texts. */
  idf?: boolean
}

export const defaultFeatureOptions: Required<FeatureOptions> = {
  buckets: 2 ** 18,
  words: true,
  charNgrams: true,
  charWeight: 0.5,
  idf: true,
}

/** Turns texts into sparse vectors with the options and IDF it was fitted with. */
export interface Featurizer {
  readonly options: Required<FeatureOptions>
  /** Per bucket, when the options ask for IDF; stored with the model so a loaded one vectorizes the same. */
  readonly idf: Float32Array | undefined
  vectorize(text: string): SparseVector
}

/** A featurizer from its options and IDF as fitted before: a stored model's, rebuilt without the texts. */
export function createFeaturizer(options: Required<FeatureOptions>, idf: Float32Array | undefined): Featurizer {
  const counter = createTermCounter(options)
  return { options, idf, vectorize: (text) => normalise(counter(text), idf) }
}

// Different seeds keep the word "abc" and the n-gram "abc" in different buckets.
const seeds = { word: 0x811c9dc5, bigram: 0x01000193, char: 0x9e3779b9 }

/** Learns IDF (if enabled) from the training texts; vectors of other texts reuse it. */
export function fitFeaturizer(texts: readonly string[], options: FeatureOptions = {}): Featurizer {
  return fitAndVectorize(texts, options).featurizer
}

/** fitFeaturizer plus the vectors of the training texts, counting each text once rather than twice. */
export function fitAndVectorize(
  texts: readonly string[],
  options: FeatureOptions = {},
): { featurizer: Featurizer; vectors: SparseVector[] } {
  return runToEnd(fitAndVectorizeSteps(texts, options))
}

/** fitAndVectorize as steps that pause between texts. */
export function* fitAndVectorizeSteps(
  texts: readonly string[],
  options: FeatureOptions = {},
): Steps<{ featurizer: Featurizer; vectors: SparseVector[] }> {
  const resolved = { ...defaultFeatureOptions, ...options }
  if ((resolved.buckets & (resolved.buckets - 1)) !== 0) throw new Error('buckets must be a power of two')
  const counter = createTermCounter(resolved)
  const terms: SparseVector[] = []
  for (const text of texts) {
    terms.push(counter(text))
    yield
  }
  const idf = resolved.idf ? inverseDocumentFrequency(terms, resolved.buckets) : undefined
  const featurizer: Featurizer = { options: resolved, idf, vectorize: (text) => normalise(counter(text), idf) }
  return { featurizer, vectors: terms.map((term) => normalise(term, idf)) }
}

/**
 * Returns a function from text to its buckets (ascending) and their sublinear TF weights,
 * w · (1 + ln count) per feature kind. The log is taken per bucket: with 2^18 buckets and about a
 * thousand features per text, collisions inside one text are rare enough not to matter.
 */
function createTermCounter(options: Required<FeatureOptions>): (text: string) => SparseVector {
  const mask = options.buckets - 1
  // Scratch counters reused across calls (vectorize is synchronous), so a text allocates no maps;
  // slot 2b counts word features of bucket b, slot 2b + 1 its character n-grams.
  const counts = new Int32Array(2 * options.buckets)
  const touched: number[] = []
  const count = (kind: 0 | 1, hash: number) => {
    const slot = 2 * (mix(hash) & mask)
    if (counts[slot] === 0 && counts[slot + 1] === 0) touched.push(slot >> 1)
    counts[slot + kind]!++
  }
  return (text) => {
    touched.length = 0
    let previous: number | undefined
    for (const token of tokenize(text)) {
      const word = foldWord(token)
      const wordHash = hashString(word, seeds.word)
      if (options.words) {
        count(0, wordHash)
        if (previous !== undefined) count(0, Math.imul(previous, 31) ^ wordHash ^ seeds.bigram)
      }
      if (options.charNgrams) addCharNgrams(word, (hash) => count(1, hash))
      previous = wordHash
    }
    const indices = Int32Array.from(touched).sort()
    const values = new Float32Array(indices.length)
    // A plain loop: TypedArray.from with a mapping function measured several times slower in V8.
    for (let position = 0; position < indices.length; position++) {
      const bucket = indices[position]!
      const words = counts[2 * bucket]!
      const grams = counts[2 * bucket + 1]!
      values[position] = (words ? 1 + Math.log(words) : 0) + (grams ? options.charWeight * (1 + Math.log(grams)) : 0)
      counts[2 * bucket] = 0
      counts[2 * bucket + 1] = 0
    }
    return { indices, values }
  }
}

/**
 * "rückgabe", "rueckgabe" and "ruckgabe" all become "ruckgabe"; ß becomes ss. Applied to every word, so
 * English "queue" becomes "quu" too, which is harmless because training and prediction agree.
 */
export function foldWord(word: string): string {
  const ascii = /^[\x00-\x7f]*$/.test(word) ? word : word.replace(/ß/g, 'ss').normalize('NFD').replace(/\p{M}/gu, '')
  return ascii.replace(/ae|oe|ue/g, (pair) => pair[0]!)
}

function inverseDocumentFrequency(terms: readonly SparseVector[], buckets: number): Float32Array {
  const documents = new Int32Array(buckets)
  for (const term of terms) for (const bucket of term.indices) documents[bucket]!++
  // Smoothed IDF as in scikit-learn: never zero, and a bucket no training text used gets the maximum.
  const idf = new Float32Array(buckets)
  for (let bucket = 0; bucket < buckets; bucket++) idf[bucket] = Math.log((1 + terms.length) / (1 + documents[bucket]!)) + 1
  return idf
}

/** Applies IDF and scales to unit length; returns a new vector. */
function normalise(term: SparseVector, idf: Float32Array | undefined): SparseVector {
  const values = new Float32Array(term.values)
  if (idf) for (let position = 0; position < values.length; position++) values[position]! *= idf[term.indices[position]!]!
  let squares = 0
  for (const value of values) squares += value * value
  const norm = Math.sqrt(squares)
  if (norm > 0) for (let position = 0; position < values.length; position++) values[position]! /= norm
  return { indices: term.indices, values }
}

/** FNV-1a hashes of every 3- to 5-gram of "<word>", computed without building substrings. */
function addCharNgrams(word: string, emit: (hash: number) => void): void {
  const marked = `<${word}>`
  if (word.length < 2) return
  for (let start = 0; start + 3 <= marked.length; start++) {
    let hash = seeds.char
    for (let size = 1; size <= 5 && start + size <= marked.length; size++) {
      hash = Math.imul(hash ^ marked.charCodeAt(start + size - 1), 0x01000193)
      if (size >= 3) emit(hash >>> 0)
    }
  }
}

function hashString(text: string, seed: number): number {
  let hash = seed
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193)
  return hash >>> 0
}

/** murmur3's finaliser: FNV's low bits are weak, and the bucket is taken from the low bits. */
function mix(hash: number): number {
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  return (hash ^ (hash >>> 16)) >>> 0
}
