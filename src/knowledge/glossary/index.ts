import { glossary as commercial } from './commercial.js'
import { glossary as devices } from './devices.js'
import { glossary as faults } from './faults.js'
import { glossary as general } from './general.js'
import { glossary as software } from './software.js'

/** One entry of a glossary file: a German term and its English counterpart (words or phrases). */
export type GlossaryPair = readonly [de: string, en: string]

/** The merged glossary, normalised, as the query translation looks terms up. */
export interface Glossary {
  /** Normalised phrase (words joined by one space) → its translations joined by spaces, per direction. */
  deToEn: ReadonlyMap<string, string>
  enToDe: ReadonlyMap<string, string>
  /** German single words, the parts a compound is split into. */
  germanWords: ReadonlySet<string>
  /** Longest phrase in words (at most maxPhraseWords). */
  longestPhrase: number
}

/** Longer entries are sentences rather than terms; a query rarely repeats them word for word. */
export const maxPhraseWords = 4
/**
 * Translations kept per term, in the files' order ("fehler": error, fault, …): the articles use one
 * of them, and the text leg ORs its words; more only dilute a hashing vector (tuned on Adobe and the own cases).
 */
export const maxAlternatives = 2

/** Lower case, NFKC, apostrophes unified, punctuation other than inner hyphens dropped, one space between words. */
export function normalizeTerm(term: string): string {
  return term
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[^\p{L}\p{N}'\- ]+/gu, ' ')
    .replace(/(^|\s)[-']+|[-']+(?=\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

/** German as typed without umlauts ("geraet" for "gerät"), which customers often do. */
export function foldUmlauts(word: string): string {
  return word.replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss')
}

/**
 * Merges glossary files into lookup maps for both directions: a term's first `maxAlternatives`
 * translations in file order; German terms are also found typed without umlauts.
 */
export function buildGlossary(lists: ReadonlyArray<ReadonlyArray<GlossaryPair>>): Glossary {
  const deToEn = new Map<string, string[]>()
  const enToDe = new Map<string, string[]>()
  const germanWords = new Set<string>()
  let longestPhrase = 1
  const add = (map: Map<string, string[]>, key: string, value: string) => {
    const values = map.get(key) ?? []
    if (values.length < maxAlternatives && !values.includes(value)) map.set(key, [...values, value])
  }
  for (const list of lists) {
    for (const [rawDe, rawEn] of list) {
      const de = normalizeTerm(rawDe)
      const en = normalizeTerm(rawEn)
      if (!de || !en) continue
      const words = Math.max(de.split(' ').length, en.split(' ').length)
      if (words > maxPhraseWords) continue
      longestPhrase = Math.max(longestPhrase, words)
      add(deToEn, de, en)
      add(deToEn, foldUmlauts(de), en)
      add(enToDe, en, de)
      if (!de.includes(' ')) {
        germanWords.add(de)
        germanWords.add(foldUmlauts(de))
      }
    }
  }
  const joined = (map: Map<string, string[]>) => new Map([...map].map(([key, values]) => [key, values.join(' ')]))
  return { deToEn: joined(deToEn), enToDe: joined(enToDe), germanWords, longestPhrase }
}

let defaultGlossary: Glossary | undefined

/** The project's customer-service glossary, built on first use (a few thousand entries, a few ms). */
export function projectGlossary(): Glossary {
  defaultGlossary ??= buildGlossary([devices, faults, commercial, software, general])
  return defaultGlossary
}
