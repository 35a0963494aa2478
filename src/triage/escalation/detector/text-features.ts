import { foldWord } from '../../classifier/features.js'

/**
 * The escalation detector's view of a text: hashed binary features, each remembering which tokens
 * produced it so a decision can name the phrases behind it. Word unigrams and bigrams, character 3–5-
 * grams of umlaut-folded words (typos, "ae" for "ä", compounds such as "Gasgeruch"), "!"/"?" runs and
 * emoji, and scope features: a word after a negation ("kein Rauch") or a hypothetical cue ("if it ever
 * smells of gas", "falls es brennt") also yields a marked copy, so the model can learn that a hazard
 * in a question is not a hazard. Rule hits (the regular expressions of earlier versions) enter as
 * features, never as verdicts.
 */

export const featureBuckets = 2 ** 18

/** Words in capitals that are names, not shouting. */
export const acronyms =
  /^(DSGVO|GDPR|WLAN|HDMI|SEPA|IBAN|USB|PDF|LED|DSL|ASAP|MWST|UST|AGB|HTTP|HTTPS|VPN|SIM|PIN|TAN|CEO|CFO|GMBH|DSAR|SMS|NAS|IMEI|VOIP|FTTH|DECT|WIFI|API|SAAS|KFZ|AKKU)$/

/** A token with its place in the original text. */
export interface Token {
  /** Lower-cased, umlaut-folded form; numbers become <num>. */
  norm: string
  start: number
  end: number
  kind: 'word' | 'mark'
}

/** Features of one text: ascending unique ids, and for each id the tokens that produced it. */
export interface TextFeatures {
  ids: Int32Array
  tokens: Token[]
  /** Parallel to ids: the token indices behind each feature (rule features point at their match). */
  origins: number[][]
  /** Letters in the text: under a handful there is nothing to read (garbage, emoji, "!!!!"). */
  letters: number
}

/** A pattern hit contributed as a feature: which rule, and where it matched. */
export interface RuleHit {
  feature: string
  start: number
  end: number
}

const tokenPattern = /[\p{L}\p{N}]+(?:[-'’][\p{L}\p{N}]+)*|[!?]+|\p{Extended_Pictographic}|[.;:]|\n/gu
const breakWords = new Set(['but', 'aber', 'doch', 'however', 'jedoch', 'sondern', 'because', 'weil', 'denn'])
const negationCues = new Set([
  'not',
  'no',
  'never',
  'without',
  'nothing',
  "don't",
  "didn't",
  "isn't",
  "wasn't",
  "doesn't",
  "won't",
  "can't",
  'nicht',
  'kein',
  'keine',
  'keinen',
  'keinem',
  'keiner',
  'nie',
  'niemals',
  'ohne',
  'nichts',
])
const hypotheticalCues = new Set([
  'if',
  'whether',
  'ever',
  'hypothetically',
  'suppose',
  'prevent',
  'avoid',
  'falls',
  'wenn',
  'ob',
  'jemals',
  'sollte',
  'sollten',
  'angenommen',
  'vermeiden',
  'verhindern',
  'vorbeugen',
])
const scopeLength = 6

/** Tokens with offsets; words folded like the department classifier's features. */
export function tokenizeWithOffsets(text: string): Token[] {
  const tokens: Token[] = []
  for (const match of text.normalize('NFC').matchAll(tokenPattern)) {
    const raw = match[0].toLowerCase()
    const isWord = /[\p{L}\p{N}]/u.test(raw)
    const norm = isWord ? (/^\d+$/.test(raw) ? (raw.length > 3 ? '<num4>' : '<num>') : foldWord(raw.replace(/’/g, "'"))) : raw.slice(0, 3)
    tokens.push({ norm, start: match.index, end: match.index + match[0].length, kind: isWord ? 'word' : 'mark' })
  }
  return tokens
}

/** The features of a text, with rule hits (matched on the original text) added as features. */
export function extractFeatures(text: string, ruleHits: readonly RuleHit[] = []): TextFeatures {
  const tokens = tokenizeWithOffsets(text)
  const byId = new Map<number, number[]>()
  const add = (key: string, token: number) => {
    const id = bucketOf(key)
    const origins = byId.get(id)
    if (!origins) byId.set(id, [token])
    else if (origins[origins.length - 1] !== token) origins.push(token)
  }
  let scope: { mark: string; left: number } | undefined
  let previous: string | undefined
  tokens.forEach((token, index) => {
    if (token.kind === 'mark') {
      // Sentence ends and "!"/"?" close a scope and a bigram; "!"/"?" runs and emoji are features too.
      if (!/^[.;:\n]/.test(token.norm)) add(`m:${token.norm}`, index)
      if (!/^\p{Extended_Pictographic}/u.test(token.norm)) [scope, previous] = [undefined, undefined]
      return
    }
    add(`w:${token.norm}`, index)
    if (previous) add(`b:${previous} ${token.norm}`, index)
    addCharGrams(token.norm, (gram) => add(`c:${gram}`, index))
    if (scope && scope.left-- > 0) add(`${scope.mark}:${token.norm}`, index)
    if (breakWords.has(token.norm)) scope = undefined
    else if (negationCues.has(token.norm)) scope = { mark: 'n', left: scopeLength }
    else if (hypotheticalCues.has(token.norm)) scope = { mark: 'h', left: scopeLength }
    previous = token.norm
  })
  addShapeFeatures(text, tokens, add)
  for (const hit of ruleHits) {
    const covered = tokens.flatMap((token, index) => (token.start < hit.end && token.end > hit.start ? [index] : []))
    for (const index of covered.length ? covered : [0]) add(`r:${hit.feature}`, index)
  }
  const ids = Int32Array.from(byId.keys()).sort()
  return { ids, tokens, origins: Array.from(ids, (id) => byId.get(id)!), letters: (text.match(/\p{L}/gu) ?? []).length }
}

/**
 * How loud the text is: words in capitals (not two- or three-letter acronyms) and runs of "!" / "?".
 * The tokens are lower-cased, so without these the model could not see shouting at all; whether
 * shouting means anger or just a complaint it learns from the examples.
 */
function addShapeFeatures(text: string, tokens: Token[], add: (key: string, token: number) => void): void {
  const capitals: number[] = []
  let words = 0
  tokens.forEach((token, index) => {
    if (token.kind !== 'word') return
    words++
    const raw = text.normalize('NFC').slice(token.start, token.end)
    if (raw.length >= 4 && /\p{Lu}/u.test(raw) && raw === raw.toUpperCase() && !/\d/.test(raw) && !acronyms.test(raw)) capitals.push(index)
  })
  const runs = tokens.flatMap((token, index) => (token.kind === 'mark' && /^[!?]{2,}/.test(token.norm) ? [index] : []))
  if (capitals.length) add(capitals.length >= 3 ? 's:capitals3' : 's:capitals1', capitals[0]!)
  if (words >= 5 && capitals.length / words >= 0.3) add('s:mostlycapitals', capitals[0]!)
  if (runs.length) add(runs.length >= 3 ? 's:marks3' : 's:marks1', runs[0]!)
}

function addCharGrams(word: string, emit: (gram: string) => void): void {
  if (word.length < 2 || word.startsWith('<')) return
  const marked = `<${word}>`
  for (let start = 0; start < marked.length; start++) {
    for (let size = 3; size <= 5 && start + size <= marked.length; size++) emit(marked.slice(start, start + size))
  }
}

/** FNV-1a with murmur3's finaliser (FNV's low bits are weak and the bucket is taken from them). */
export function bucketOf(key: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < key.length; index++) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193)
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  return ((hash ^ (hash >>> 16)) >>> 0) & (featureBuckets - 1)
}
