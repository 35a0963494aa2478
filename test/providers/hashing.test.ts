import { describe, expect, it } from 'vitest'
import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0)

describe('hashing embedder', () => {
  const embedder = createHashingEmbedder(1024)

  it('names its space and returns unit vectors of its size, deterministically', async () => {
    expect(embedder.id).toBe('hashing:nordic-hash-v1:1024')
    const [a, b] = await embedder.embed(['Die Waschmaschine zeigt E18', 'Die Waschmaschine zeigt E18'])
    expect(a).toHaveLength(1024)
    expect(Math.sqrt(cosine(a!, a!))).toBeCloseTo(1, 5)
    expect(Array.from(a!)).toEqual(Array.from(b!))
    expect(Array.from((await createHashingEmbedder(1024).embed(['Die Waschmaschine zeigt E18']))[0]!)).toEqual(Array.from(a!))
  })

  it('brings umlaut spellings, typos of umlauts, compounds and inflections together', async () => {
    const [umlaut, expanded, stripped, unrelated] = await embedder.embed([
      'Rückerstattung',
      'Rueckerstattung',
      'Ruckerstattung',
      'Firmware',
    ])
    expect(cosine(umlaut!, expanded!)).toBeGreaterThan(0.5)
    expect(cosine(umlaut!, stripped!)).toBeGreaterThan(0.5)
    expect(cosine(umlaut!, unrelated!)).toBeLessThan(0.2)
    const [compound, parts, other] = await embedder.embed(['Waschmaschinenfehler', 'Fehler der Waschmaschine', 'Rechnung bezahlen'])
    expect(cosine(compound!, parts!)).toBeGreaterThan(cosine(compound!, other!) + 0.2)
  })

  it('ranks texts sharing content words above texts sharing only stop words', async () => {
    const [query, related, stopwordsOnly] = await embedder.embed([
      'Ich habe die Rechnung doppelt bezahlt',
      'Rechnung wurde zweimal bezahlt, bitte erstatten',
      'Ich habe die und der das mit',
    ])
    expect(cosine(query!, related!)).toBeGreaterThan(cosine(query!, stopwordsOnly!))
  })

  it('embeds empty text, emoji and other scripts without failing, and honours an aborted signal', async () => {
    const vectors = await embedder.embed(['', '🙂🙂', 'Мой роутер не работает', '我的路由器坏了'])
    expect(vectors.every((vector) => vector.length === 1024 && vector.every(Number.isFinite))).toBe(true)
    const controller = new AbortController()
    controller.abort()
    await expect(embedder.embed(['x'], { signal: controller.signal })).rejects.toThrow()
  })
})
