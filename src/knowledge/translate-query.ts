import { foldUmlauts, normalizeTerm, projectGlossary, type Glossary } from './glossary/index.js'

/** The language pairs the glossary covers. */
const glossaryLanguages = new Set(['de', 'en'])

/** Whether a question in `from` can be put into `to` word by word with the glossary. */
export function canTranslate(from: string, to: string): boolean {
  return from !== to && glossaryLanguages.has(from) && glossaryLanguages.has(to)
}

// Function words say nothing about the topic; left untranslated they would only add noise in the other language.
const functionWords: Record<string, ReadonlySet<string>> = {
  de: new Set(
    (
      'der die das den dem des ein eine einer eines einem einen und oder aber ich sie wir ihr er es mein meine meinen meinem ' +
      'mir mich ist sind war bin hat habe haben wird werden kann können konnte nicht kein keine zu zum zur im in am an auf ' +
      'aus bei mit von vom für über als wie was wo wann noch schon auch nur so sehr bitte danke hallo guten tag dass ob wenn ' +
      'da dann doch mal ja nein hier jetzt sich uns unser unsere ihnen ihre ihren dies diese dieser dieses man seit nach um'
    ).split(' '),
  ),
  en: new Set(
    (
      'the a an and or but i you we he she it my me our your is are was were be been have has had will would can could ' +
      'not to of in on at for with from by as how what when where which this that these those do does did please thanks ' +
      'thank hello hi dear am so if there here just also any some since after'
    ).split(' '),
  ),
}

// Inflections tried when a word is not in the glossary as written: endings off, longest first.
const germanEndings = ['ern', 'en', 'em', 'er', 'es', 'n', 'e', 's']
const englishEndings: ReadonlyArray<readonly [string, string]> = [
  ['ies', 'y'],
  ["'s", ''],
  ['ing', ''],
  ['ed', ''],
  ['es', ''],
  ['s', ''],
]
/** Linking elements between the parts of a German compound ("Liefer|zeit", "Rechnung|s|adresse"). */
const linkingElements = ['s', 'n', 'en', 'e', 'es']
const minPart = 3

/**
 * The question in another language, for the search's legs in that language: longest glossary phrase
 * first (up to four words), German compounds split into known parts, words the glossary does not know
 * kept as written (product names, codes, English terms in German text) and function words dropped.
 * Undefined when the glossary does not cover the pair.
 */
export function translateQuery(text: string, from: string, to: string, glossary: Glossary = projectGlossary()): string | undefined {
  if (!canTranslate(from, to)) return undefined
  const map = from === 'de' ? glossary.deToEn : glossary.enToDe
  const tokens = normalizeTerm(text).split(' ').filter(Boolean)
  const out: string[] = []
  for (let index = 0; index < tokens.length; ) {
    const phrase = longestPhrase(tokens, index, map, glossary.longestPhrase)
    if (phrase) {
      out.push(phrase.translation)
      index += phrase.words
      continue
    }
    const token = tokens[index++]!
    if (functionWords[from]?.has(token)) continue
    out.push(translateWord(token, from, map, glossary) ?? token)
  }
  return out.join(' ')
}

/** The longest run of two or more words from `start` that the glossary holds as a phrase. */
function longestPhrase(tokens: string[], start: number, map: ReadonlyMap<string, string>, longest: number) {
  for (let words = Math.min(longest, tokens.length - start); words >= 2; words--) {
    const translation = map.get(tokens.slice(start, start + words).join(' '))
    if (translation !== undefined) return { translation, words }
  }
  return undefined
}

/** One word: as written, inflected, then (German) as a compound of known parts; hyphenated words part by part. */
function translateWord(word: string, from: string, map: ReadonlyMap<string, string>, glossary: Glossary): string | undefined {
  const direct = lookUpInflected(word, from, map)
  if (direct !== undefined) return direct
  if (word.includes('-')) {
    // A code such as "E-42" stays as written; "WLAN-Router" goes part by part.
    const parts = word.split('-').filter(Boolean)
    const translated = parts.map((part) => translateWord(part, from, map, glossary))
    if (translated.every((part) => part === undefined)) return undefined
    return translated.map((part, index) => part ?? parts[index]).join(' ')
  }
  if (from !== 'de') return undefined
  const parts = splitCompound(word, glossary.germanWords)
  return parts?.map((part) => lookUpInflected(part, from, map) ?? part).join(' ')
}

function lookUpInflected(word: string, from: string, map: ReadonlyMap<string, string>): string | undefined {
  const exact = map.get(word) ?? (from === 'de' ? map.get(foldUmlauts(word)) : undefined)
  if (exact !== undefined) return exact
  if (from === 'de') {
    for (const ending of germanEndings) {
      if (word.length - ending.length < minPart || !word.endsWith(ending)) continue
      const found = map.get(word.slice(0, -ending.length))
      if (found !== undefined) return found
    }
    return undefined
  }
  for (const [ending, replacement] of englishEndings) {
    if (word.length - ending.length < minPart || !word.endsWith(ending)) continue
    const found = map.get(word.slice(0, -ending.length) + replacement)
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * A German compound as its parts, each a glossary word (or an inflection of one), joined directly or by
 * a linking element: "routerpasswort" → ["router", "passwort"]. Fewest parts win; an unknown first part
 * (a product name: "fritzboxpasswort") is allowed at the cost of two. Undefined when no split covers
 * the word with at least one known part besides an unknown head.
 */
export function splitCompound(word: string, known: ReadonlySet<string>): string[] | undefined {
  const isKnown = (part: string) =>
    known.has(part) ||
    germanEndings.some((e) => part.endsWith(e) && part.length - e.length >= minPart && known.has(part.slice(0, -e.length)))
  // best[i]: the cheapest split of word[0, i); cost = parts, an unknown head counts two.
  const best: Array<{ cost: number; parts: string[] } | undefined> = [{ cost: 0, parts: [] }]
  const offer = (end: number, cost: number, parts: string[]) => {
    const current = best[end]
    if (!current || cost < current.cost) best[end] = { cost, parts }
  }
  for (let start = 0; start < word.length; start++) {
    const from = best[start]
    if (!from) continue
    for (let end = start + minPart; end <= word.length; end++) {
      const part = word.slice(start, end)
      const cost = isKnown(part) ? 1 : start === 0 && end < word.length ? 2 : undefined
      if (cost === undefined) continue
      offer(end, from.cost + cost, [...from.parts, part])
      for (const link of linkingElements)
        if (word.startsWith(link, end) && end + link.length < word.length) offer(end + link.length, from.cost + cost, [...from.parts, part])
    }
  }
  const split = best[word.length]
  if (!split || split.parts.length < 2) return undefined
  return split.parts
}
