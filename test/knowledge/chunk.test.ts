import { describe, expect, it } from 'vitest'
import { chunkArticle, countTokens } from '../../src/knowledge/chunk.js'

const words = (n: number, word = 'Wort') => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ')

describe('chunkArticle', () => {
  it('keeps the heading path with every chunk', () => {
    const chunks = chunkArticle(
      '# Waschmaschine\n\nIntro.\n\n## Fehlercodes\n\n### E18\n\nPumpe prüfen.\n\n## Pflege\n\nFlusensieb reinigen.',
    )
    expect(chunks.map((chunk) => [chunk.headingPath, chunk.content])).toEqual([
      ['Waschmaschine', 'Intro.'],
      ['Waschmaschine > Fehlercodes > E18', 'Pumpe prüfen.'],
      ['Waschmaschine > Pflege', 'Flusensieb reinigen.'],
    ])
    expect(chunks.map((chunk) => chunk.ordinal)).toEqual([0, 1, 2])
  })

  it('packs paragraphs up to the size limit and repeats the tail of one chunk at the start of the next', () => {
    const body = Array.from({ length: 12 }, (_, i) => words(40, `p${i}w`)).join('\n\n')
    const chunks = chunkArticle(body, { maxTokens: 150, overlapTokens: 20 })
    expect(chunks.length).toBeGreaterThan(3)
    for (const chunk of chunks) expect(countTokens(chunk.content)).toBeLessThanOrEqual(150 + 20)
    for (let i = 1; i < chunks.length; i++) {
      const previousTail = chunks[i - 1]!.content.split(/\s+/).slice(-5).join(' ')
      expect(chunks[i]!.content).toContain(previousTail)
    }
    const all = chunks.map((chunk) => chunk.content).join(' ')
    for (let i = 0; i < 12; i++) expect(all).toContain(`p${i}w39`) // nothing lost
  })

  it('cuts a paragraph longer than a chunk at sentence ends, and a sentence without ends at words', () => {
    const sentences = Array.from({ length: 30 }, (_, i) => `Satz ${i} ${words(8)}.`).join(' ')
    const chunks = chunkArticle(sentences, { maxTokens: 60, overlapTokens: 0 })
    expect(chunks.length).toBeGreaterThan(4)
    expect(chunks.every((chunk) => countTokens(chunk.content) <= 60)).toBe(true)
    const endless = chunkArticle(words(500), { maxTokens: 100, overlapTokens: 0 })
    expect(endless.every((chunk) => countTokens(chunk.content) <= 100)).toBe(true)
    expect(
      endless
        .map((chunk) => chunk.content)
        .join(' ')
        .split(' '),
    ).toHaveLength(500)
  })

  it('handles plain text, Windows line ends and empty sections', () => {
    expect(chunkArticle('Nur ein Absatz\r\nin zwei Zeilen.')).toEqual([
      { ordinal: 0, headingPath: '', content: 'Nur ein Absatz\nin zwei Zeilen.' },
    ])
    expect(chunkArticle('## Leer\n\n## Voll\n\nInhalt')).toEqual([{ ordinal: 0, headingPath: 'Voll', content: 'Inhalt' }])
    expect(chunkArticle('   ')).toEqual([])
  })
})
