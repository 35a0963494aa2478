import { describe, expect, it } from 'vitest'
import { createCachingEmbedder } from '../../src/providers/embeddings/cache.js'
import { recordingEmbedder } from '../helpers/recording-embedder.js'

const until = async (check: () => boolean) => {
  for (let round = 0; round < 100 && !check(); round++) await new Promise((resolve) => setTimeout(resolve, 0))
}

describe('caching embedder', () => {
  it('answers repeated texts from the cache with the same vectors, computing only what is new', async () => {
    const { embedder, calls, hashing } = recordingEmbedder()
    const cache = createCachingEmbedder(embedder, { maxEntries: 10 })
    const first = await cache.embed(['Rechnung', 'Lieferung'])
    const second = await cache.embed(['Lieferung', 'Garantie', 'Rechnung', 'Garantie'])
    expect(calls.map((call) => call.texts)).toEqual([['Rechnung', 'Lieferung'], ['Garantie']])
    const expected = await hashing.embed(['Rechnung', 'Lieferung', 'Garantie'])
    expect(Array.from(second[0]!)).toEqual(Array.from(first[1]!))
    expect(Array.from(second[1]!)).toEqual(Array.from(expected[2]!))
    expect(Array.from(second[2]!)).toEqual(Array.from(expected[0]!))
    expect(cache.id).toBe(hashing.id)
  })

  it('hands out copies, so a caller changing its vector does not change the next answer', async () => {
    const { embedder } = recordingEmbedder()
    const cache = createCachingEmbedder(embedder, { maxEntries: 10 })
    const [mine] = await cache.embed(['Rechnung'])
    const original = Array.from(mine!)
    mine!.fill(0)
    const [again] = await cache.embed(['Rechnung'])
    expect(Array.from(again!)).toEqual(original)
  })

  it('evicts the least recently used entry', async () => {
    const { embedder, calls } = recordingEmbedder()
    const cache = createCachingEmbedder(embedder, { maxEntries: 2 })
    await cache.embed(['a'])
    await cache.embed(['b'])
    await cache.embed(['a']) // a is now more recent than b
    await cache.embed(['c']) // evicts b
    await cache.embed(['a'])
    expect(calls.map((call) => call.texts)).toEqual([['a'], ['b'], ['c']])
    await cache.embed(['b'])
    expect(calls.at(-1)!.texts).toEqual(['b'])
  })

  it('keeps queries and passages apart', async () => {
    const { embedder, calls } = recordingEmbedder()
    const cache = createCachingEmbedder(embedder, { maxEntries: 10 })
    await cache.embed(['Rechnung'], { purpose: 'query' })
    await cache.embed(['Rechnung'], { purpose: 'passage' })
    await cache.embed(['Rechnung'], { purpose: 'query' })
    expect(calls.map((call) => [call.purpose, call.texts])).toEqual([
      ['query', ['Rechnung']],
      ['passage', ['Rechnung']],
    ])
  })

  it('lets concurrent identical misses share one computation', async () => {
    const { embedder, calls } = recordingEmbedder({ hold: true })
    const cache = createCachingEmbedder(embedder, { maxEntries: 10 })
    const pending = [cache.embed(['Rechnung']), cache.embed(['Rechnung', 'Lieferung']), cache.embed(['Rechnung'])]
    await until(() => calls.length >= 2)
    expect(calls.map((call) => call.texts)).toEqual([['Rechnung'], ['Lieferung']])
    for (const call of calls) call.release()
    const [a, b, c] = await Promise.all(pending)
    expect(Array.from(b![0]!)).toEqual(Array.from(a![0]!))
    expect(Array.from(c![0]!)).toEqual(Array.from(a![0]!))
    expect(a![0]).not.toBe(c![0])
  })

  it('fails the sharers of a failed computation and remembers nothing, so the next call retries', async () => {
    const { embedder, calls } = recordingEmbedder({ hold: true })
    const cache = createCachingEmbedder(embedder, { maxEntries: 10 })
    const pending = [cache.embed(['Rechnung']), cache.embed(['Rechnung'])]
    await until(() => calls.length >= 1)
    calls[0]!.fail(new Error('model crashed'))
    for (const result of await Promise.allSettled(pending)) expect(result).toMatchObject({ reason: { message: 'model crashed' } })
    const retry = cache.embed(['Rechnung'])
    await until(() => calls.length >= 2)
    calls[1]!.release()
    expect(await retry).toHaveLength(1)
  })

  it('does not fail a sharer when the caller that started the computation aborts', async () => {
    const { embedder, calls } = recordingEmbedder({ hold: true })
    const cache = createCachingEmbedder(embedder, { maxEntries: 10 })
    const starter = new AbortController()
    const first = cache.embed(['Rechnung'], { signal: starter.signal })
    const second = cache.embed(['Rechnung'])
    await until(() => calls.length >= 1)
    starter.abort()
    await expect(first).rejects.toMatchObject({ name: 'AbortError' })
    await until(() => calls.length >= 2)
    calls[1]!.release()
    expect(await second).toHaveLength(1)
  })

  it('lets bulk calls pass by, neither reading nor filling the cache', async () => {
    const { embedder, calls } = recordingEmbedder()
    const cache = createCachingEmbedder(embedder, { maxEntries: 10, maxTextsPerCall: 2 })
    await cache.embed(['a'])
    await cache.embed(['a', 'b', 'c'])
    await cache.embed(['b', 'c'])
    expect(calls.map((call) => call.texts)).toEqual([['a'], ['a', 'b', 'c'], ['b', 'c']])
  })

  it('passes everything through with maxEntries 0', async () => {
    const { embedder, calls } = recordingEmbedder()
    const cache = createCachingEmbedder(embedder, { maxEntries: 0 })
    await cache.embed(['a'])
    await cache.embed(['a'])
    expect(calls).toHaveLength(2)
  })
})
