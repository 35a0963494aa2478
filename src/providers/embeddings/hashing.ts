import { normalize, spaceId, type Embedder, type EmbeddingSpace } from './embedder.js'

/**
 * A built-in embedder that needs no model and runs on every runtime: signed feature hashing of words,
 * word bigrams and character n-grams. German-aware: umlauts and ß are also folded (ä→ae and ä→a), so
 * "Rückerstattung", "Rueckerstattung" and "Ruckerstattung" share features, and character n-grams let
 * compounds and inflections ("Waschmaschine", "Waschmaschinen-Fehler") overlap.
 */
export const hashingModelVersion = 'nordic-hash-v1'

const stopWords = new Set(
  (
    'der die das den dem des ein eine einer eines einem einen und oder aber ich sie wir ihr er es mein meine mir mich ' +
    'ist sind war bin hat habe haben wird werden kann können nicht kein keine zu zum zur im in am an auf aus bei mit ' +
    'von vom für fur über uber als wie was wo wann noch schon auch nur so sehr bitte danke hallo guten tag ' +
    'the a an and or but i you we he she it my me our your is are was were be been have has had will would can could ' +
    'not no to of in on at for with from by as how what when where which this that these those do does did please ' +
    'thanks thank hello hi dear'
  ).split(' '),
)

const weights = { word: 1, folded: 0.8, bigram: 0.6, ngram: 0.5 }

export function createHashingEmbedder(dimensions = 1024): Embedder {
  const space: EmbeddingSpace = { provider: 'hashing', model: hashingModelVersion, dimensions }
  return {
    id: spaceId(space),
    space,
    dimensions,
    async embed(texts, options = {}) {
      options.signal?.throwIfAborted()
      return texts.map((text) => embedText(text, dimensions))
    },
  }
}

// Features are counted by their exact string, in first-seen order, so the vector is the same bit for
// bit as before this was tuned (stored vectors stay comparable); the tuning only avoids allocations.
function embedText(text: string, dimensions: number): Float32Array {
  const slots = new Map<string, number>()
  const counts: number[] = []
  const featureWeights: number[] = []
  const add = (feature: string, weight: number) => {
    const slot = slots.get(feature)
    if (slot !== undefined) counts[slot]!++
    else {
      slots.set(feature, counts.length)
      counts.push(1)
      featureWeights.push(weight)
    }
  }
  const words = tokenize(text)
  let previous: string | undefined
  for (const word of words) {
    const content = !stopWords.has(word)
    if (content) {
      add(`w:${word}`, weights.word)
      // The word as typed without umlauts: "rückgabe" → "rueckgabe" and "ruckgabe".
      const ascii = isAscii(word)
      const expanded = ascii ? word : word.replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss')
      const stripped = asciiFold(word, ascii)
      if (expanded !== word) add(`w:${expanded}`, weights.folded)
      if (stripped !== word && stripped !== expanded) add(`w:${stripped}`, weights.folded)
      addCharNgrams(stripped, add)
    }
    if (previous !== undefined && (content || !stopWords.has(previous))) add(`b:${previous}_${word}`, weights.bigram)
    previous = word
  }
  const vector = new Float32Array(dimensions)
  let slot = 0
  for (const feature of slots.keys()) {
    const hash = fnv1a(feature)
    // Sublinear term frequency: the tenth repetition of a word adds far less than the second.
    vector[hash % dimensions]! += (hash & 0x80000000 ? -1 : 1) * featureWeights[slot]! * (1 + Math.log(counts[slot]!))
    slot++
  }
  return normalize(vector)
}

/** Lower-cased NFC words: letters, digits, and codes like "e18" or "wm-7". */
export function tokenize(text: string): string[] {
  return (
    text
      .normalize('NFC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*/gu) ?? []
  )
}

function isAscii(word: string): boolean {
  for (let index = 0; index < word.length; index++) if (word.charCodeAt(index) > 0x7f) return false
  return true
}

function asciiFold(word: string, ascii: boolean): string {
  const letters = ascii ? word : word.replace(/ß/g, 'ss').normalize('NFD').replace(/\p{M}/gu, '')
  return letters.replace(/([aou])e/g, '$1')
}

/** fastText-style 3- to 5-grams with boundary marks, so prefixes and suffixes count as such. */
function addCharNgrams(word: string, add: (feature: string, weight: number) => void): void {
  if (word.length < 3) return
  const marked = `<${word}>`
  for (let size = 3; size <= 5; size++) {
    for (let start = 0; start + size <= marked.length; start++) add(`c:${marked.slice(start, start + size)}`, weights.ngram)
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}
