import { describe, expect, it } from 'vitest'
import { cutAtWord } from '../src/cut-text.js'

describe('cutAtWord', () => {
  it('keeps short text, cuts long text at a space within the limit, and cuts a long token mid-word', () => {
    expect(cutAtWord('kurz genug', 10)).toBe('kurz genug')
    expect(cutAtWord('Die Waschmaschine pumpt nicht ab', 20)).toBe('Die Waschmaschine…')
    const token = 'x'.repeat(30)
    expect(cutAtWord(`ab ${token}`, 20)).toBe(`ab ${'x'.repeat(16)}…`)
    for (const length of [5, 20, 280]) expect(cutAtWord('wort '.repeat(100), length).length).toBeLessThanOrEqual(length)
  })
})
