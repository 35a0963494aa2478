import { describe, expect, it } from 'vitest'
import { buildGlossary, normalizeTerm, projectGlossary } from '../../src/knowledge/glossary/index.js'
import { crossLingualLists, fuseLists } from '../../src/knowledge/search.js'
import { canTranslate, splitCompound, translateQuery } from '../../src/knowledge/translate-query.js'
import { articleLanguageNote } from '../../prompts/article-language-note.js'

// A small glossary of its own, so these tests do not move when the project's glossary grows.
const glossary = buildGlossary([
  [
    ['router', 'router'],
    ['passwort', 'password'],
    ['rechnung', 'invoice'],
    ['adresse', 'address'],
    ['lieferung', 'delivery'],
    ['zeit', 'time'],
    ['transport', 'shipping'],
    ['schaden', 'damage'],
    ['gerät', 'device'],
    ['funktioniert nicht', 'does not work'],
    ['kaputt', 'broken'],
    ['kaputt', 'defective'],
    ['kaputt', 'damaged'],
  ],
])
const germanWords = glossary.germanWords

describe('glossary', () => {
  it('normalises terms: NFKC, lower case, punctuation out, inner hyphens kept', () => {
    expect(normalizeTerm('  WLAN-Router!! ＦＲＩＴＺ  Box ')).toBe('wlan-router fritz box')
  })

  it('keeps at most two translations per term, in file order, and finds German typed without umlauts', () => {
    expect(glossary.deToEn.get('kaputt')).toBe('broken defective')
    expect(glossary.deToEn.get('geraet')).toBe('device')
    expect(glossary.enToDe.get('does not work')).toBe('funktioniert nicht')
  })

  it("merges the project's glossary files into several thousand entries", () => {
    expect(projectGlossary().deToEn.size).toBeGreaterThan(3000)
    expect(projectGlossary().enToDe.size).toBeGreaterThan(3000)
  })
})

describe('splitCompound', () => {
  it('splits a compound into known parts', () => {
    expect(splitCompound('routerpasswort', germanWords)).toEqual(['router', 'passwort'])
  })

  it('crosses a linking element (Fugen-s, -n, -en, -e)', () => {
    expect(splitCompound('rechnungsadresse', germanWords)).toEqual(['rechnung', 'adresse'])
    expect(splitCompound('lieferungszeit', germanWords)).toEqual(['lieferung', 'zeit'])
  })

  it('accepts an inflected last part and prefers fewer parts', () => {
    expect(
      splitCompound(
        'transportschäden',
        buildGlossary([
          [
            ['schäden', 'damages'],
            ['transport', 'shipping'],
          ],
        ]).germanWords,
      ),
    ).toEqual(['transport', 'schäden'])
    expect(splitCompound('transportschadens', germanWords)).toEqual(['transport', 'schadens'])
  })

  it('keeps an unknown head (a product name) before a known part', () => {
    expect(splitCompound('fritzboxpasswort', germanWords)).toEqual(['fritzbox', 'passwort'])
  })

  it('leaves a word alone that no split covers', () => {
    expect(splitCompound('xylophon', germanWords)).toBeUndefined()
    expect(splitCompound('router', germanWords)).toBeUndefined()
  })
})

describe('translateQuery', () => {
  it('translates German to English: phrases first, compounds split, unknown tokens kept, function words dropped', () => {
    expect(translateQuery('Mein Routerpasswort funktioniert nicht, Fehlercode E-42 im Modell NX500', 'de', 'en', glossary)).toBe(
      'router password does not work fehlercode e-42 modell nx500',
    )
  })

  it('finds inflected and umlaut-free German forms', () => {
    expect(translateQuery('Rechnungen und Geraete', 'de', 'en', glossary)).toBe('invoice device')
  })

  it('translates English to German, with English inflections', () => {
    expect(translateQuery('The invoices for my router do not work', 'en', 'de', glossary)).toBe('rechnung router work')
    expect(translateQuery('Shipping damage on delivery', 'en', 'de', glossary)).toBe('transport schaden lieferung')
  })

  it('covers only German and English, and never the same language', () => {
    expect(canTranslate('de', 'en')).toBe(true)
    expect(canTranslate('de', 'de')).toBe(false)
    expect(translateQuery('Bonjour', 'fr', 'en', glossary)).toBeUndefined()
  })

  it("uses the project's glossary by default", () => {
    expect(translateQuery('Rechnung', 'de', 'en')).toMatch(/invoice/)
  })
})

describe('cross-lingual search lists', () => {
  it('searches each other language of the knowledge base with the translation, only without a language filter', () => {
    const input = { q: 'Routerpasswort vergessen', queryLanguage: 'de' }
    expect(crossLingualLists(input, ['de'])).toEqual([])
    expect(crossLingualLists(input, ['de', 'en', 'fr'])).toEqual([
      { language: 'en', question: translateQuery(input.q, 'de', 'en') },
      { language: 'fr', question: input.q },
    ])
    expect(crossLingualLists({ ...input, language: 'de' }, ['de', 'en'])).toEqual([])
    expect(crossLingualLists({ q: input.q }, ['de', 'en'])).toEqual([])
    expect(crossLingualLists({ q: 'Hallo, ich und wir?', queryLanguage: 'de' }, ['en'])).toEqual([
      { language: 'en', question: 'Hallo, ich und wir?' },
    ])
  })

  it('ranks an article found through the translation below an equal match in the question language', () => {
    const row = (id: string, language: string) => ({
      chunk_id: `c-${id}`,
      article_id: id,
      external_id: id,
      title: id,
      url: null,
      language,
      department: 'both',
      heading_path: '',
      content: '',
      score: 0.5,
    })
    const hits = fuseLists([
      { nearest: [row('kb-en-x', 'en')], text: [row('kb-en-x', 'en')], weight: 0.8 },
      { nearest: [row('kb-de-x', 'de')], text: [row('kb-de-x', 'de')], weight: 1 },
    ])
    expect(hits.map((hit) => [hit.externalId, hit.language])).toEqual([
      ['kb-de-x', 'de'],
      ['kb-en-x', 'en'],
    ])
  })
})

describe('articleLanguageNote', () => {
  it("says in the customer's language that the article is in another, and nothing when it is not", () => {
    expect(articleLanguageNote('de', 'en')).toEqual(['Der Artikel ist auf Englisch.'])
    expect(articleLanguageNote('en', 'de')).toEqual(['The article is in German.'])
    expect(articleLanguageNote('de', 'de')).toEqual([])
    expect(articleLanguageNote('en', undefined)).toEqual([])
  })
})
