import { describe, expect, it } from 'vitest'
import { parseArticles } from '../src/platform/node/knowledge-import/formats.js'
import { withoutNul, withoutNulDeep } from '../src/storage/nul.js'

describe('NUL characters, which PostgreSQL cannot store', () => {
  it('are dropped from every string of a JSON value, keys included, and nothing else changes', () => {
    const when = new Date(0)
    const value = { 'a\u0000b': ['x\u0000y', 1, null, true, { inner: '\u0000\u0000' }], plain: 'Grüße 🙂', when }
    expect(withoutNulDeep(value)).toEqual({ ab: ['xy', 1, null, true, { inner: '' }], plain: 'Grüße 🙂', when })
    expect(withoutNulDeep(value).when).toBe(when)
    expect(withoutNul('no nul here')).toBe('no nul here')
    // The escape written out as text (backslash, u, four zeros) is not a NUL and stays.
    expect(withoutNul('\\u0000')).toBe('\\u0000')
  })

  it('are dropped from imported JSON Lines articles; a file with raw NUL bytes is refused as binary', () => {
    const [article] = parseArticles('{"externalId":"a-1","title":"Dru\\u0000cker","body":"Papier\\u0000stau"}\n', 'kb.jsonl')
    expect(article).toMatchObject({ externalId: 'a-1', title: 'Drucker', body: 'Papierstau' })
    expect(() => parseArticles('title\u0000', 'kb.md')).toThrow(/binary file/)
  })
})
