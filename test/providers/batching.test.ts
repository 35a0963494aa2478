import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AppError } from '../../src/errors.js'
import { createBatchingEmbedder, type BatchingOptions } from '../../src/providers/embeddings/batching.js'
import { recordingEmbedder } from '../helpers/recording-embedder.js'

const defaults: BatchingOptions = { maxBatch: 8, maxWaitMs: 5, maxQueue: 64 }
const same = (a: Float32Array | undefined, b: Float32Array | undefined) => expect(Array.from(a!)).toEqual(Array.from(b!))

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('batching embedder', () => {
  it('joins calls made together into one inner call and gives each caller its own vectors', async () => {
    const { embedder, calls, hashing } = recordingEmbedder()
    const batching = createBatchingEmbedder(embedder, defaults)
    const pending = [batching.embed(['Rechnung']), batching.embed(['Lieferung', 'Garantie']), batching.embed(['Router'])]
    await vi.advanceTimersByTimeAsync(5)
    const results = await Promise.all(pending)
    expect(calls.map((call) => call.texts)).toEqual([['Rechnung', 'Lieferung', 'Garantie', 'Router']])
    const expected = await hashing.embed(['Rechnung', 'Lieferung', 'Garantie', 'Router'])
    expect(results.map((vectors) => vectors.length)).toEqual([1, 2, 1])
    same(results[0]![0], expected[0])
    same(results[1]![1], expected[2])
    same(results[2]![0], expected[3])
    expect(batching.id).toBe(hashing.id)
    expect(batching.dimensions).toBe(256)
  })

  it('sends without a timer when idle, and waits at most maxWaitMs for company while a run is in progress', async () => {
    const { embedder, calls } = recordingEmbedder({ hold: true })
    const batching = createBatchingEmbedder(embedder, { ...defaults, maxWaitMs: 20, maxConcurrent: 2 })
    // Idle: calls made in the same turn join, and nobody waits for more company (no timer is advanced here).
    const together = [batching.embed(['a']), batching.embed(['b'])]
    for (let turn = 0; turn < 3; turn++) await Promise.resolve()
    expect(calls.map((call) => call.texts)).toEqual([['a', 'b']])
    // Busy (one run in progress, one slot free): the oldest waiting call decides when the next batch goes.
    const first = batching.embed(['Rechnung'])
    await vi.advanceTimersByTimeAsync(19)
    expect(calls).toHaveLength(1)
    const second = batching.embed(['Lieferung'])
    await vi.advanceTimersByTimeAsync(1)
    expect(calls.map((call) => call.texts)).toEqual([
      ['a', 'b'],
      ['Rechnung', 'Lieferung'],
    ])
    for (const call of calls) call.release()
    await Promise.all([...together, first, second])
  })

  it('sends a full batch at once and keeps purposes apart', async () => {
    const { embedder, calls } = recordingEmbedder()
    const batching = createBatchingEmbedder(embedder, { ...defaults, maxBatch: 3, maxWaitMs: 1000 })
    const query = batching.embed(['q1'], { purpose: 'query' })
    const passages = [batching.embed(['p1', 'p2']), batching.embed(['p3'])]
    // Full: sent before any timer fires (within microtasks); the lone query follows in a run of its own.
    for (let turn = 0; turn < 3; turn++) await Promise.resolve()
    expect(calls.map((call) => [call.purpose, call.texts])).toEqual([['passage', ['p1', 'p2', 'p3']]])
    await vi.advanceTimersByTimeAsync(0)
    await Promise.all(passages)
    expect(calls.map((call) => [call.purpose, call.texts])).toEqual([
      ['passage', ['p1', 'p2', 'p3']],
      ['query', ['q1']],
    ])
    await query
  })

  it('lets large calls pass through on their own while small ones keep being served', async () => {
    const { embedder, calls } = recordingEmbedder({ hold: true })
    const batching = createBatchingEmbedder(embedder, { ...defaults, maxBatch: 4, maxConcurrent: 1 })
    const large = batching.embed(['1', '2', '3', '4', '5', '6'])
    const small = batching.embed(['Rechnung'])
    await vi.advanceTimersByTimeAsync(5)
    expect(calls.map((call) => call.texts)).toEqual([['1', '2', '3', '4', '5', '6'], ['Rechnung']])
    calls[1]!.release()
    expect(await small).toHaveLength(1)
    calls[0]!.release()
    expect(await large).toHaveLength(6)
  })

  it('collects the next batch while one runs, up to maxConcurrent runs at once', async () => {
    const { embedder, calls } = recordingEmbedder({ hold: true })
    const batching = createBatchingEmbedder(embedder, { ...defaults, maxConcurrent: 1 })
    const first = batching.embed(['a'])
    await vi.advanceTimersByTimeAsync(5)
    const later = [batching.embed(['b']), batching.embed(['c'])]
    await vi.advanceTimersByTimeAsync(50)
    expect(calls).toHaveLength(1)
    calls[0]!.release()
    await first
    await vi.advanceTimersByTimeAsync(0)
    expect(calls.map((call) => call.texts)).toEqual([['a'], ['b', 'c']])
    calls[1]!.release()
    await Promise.all(later)
  })

  it('drops an aborted caller without failing the others, and abandons a batch only when all gave up', async () => {
    const { embedder, calls } = recordingEmbedder({ hold: true })
    const batching = createBatchingEmbedder(embedder, defaults)
    const waiting = new AbortController()
    const gone = batching.embed(['gone'], { signal: waiting.signal })
    const kept = batching.embed(['kept'])
    waiting.abort()
    await expect(gone).rejects.toMatchObject({ name: 'AbortError' })
    await vi.advanceTimersByTimeAsync(5)
    expect(calls.map((call) => call.texts)).toEqual([['kept']])
    calls[0]!.release()
    expect(await kept).toHaveLength(1)

    const one = new AbortController()
    const two = new AbortController()
    const running = [batching.embed(['x'], { signal: one.signal }), batching.embed(['y'], { signal: two.signal })]
    await vi.advanceTimersByTimeAsync(5)
    one.abort()
    await expect(running[0]).rejects.toMatchObject({ name: 'AbortError' })
    expect(calls[1]!.signal!.aborted).toBe(false)
    two.abort()
    expect(calls[1]!.signal!.aborted).toBe(true)
    await expect(running[1]).rejects.toMatchObject({ name: 'AbortError' })
    await expect(batching.embed(['z'], { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('fails exactly the callers of a failing batch', async () => {
    const { embedder } = recordingEmbedder({
      fail: (texts) => (texts.includes('poison') ? new Error('model crashed') : undefined),
    })
    const batching = createBatchingEmbedder(embedder, { ...defaults, maxBatch: 2 })
    const doomed = [batching.embed(['poison']), batching.embed(['neighbour'])]
    const spared = batching.embed(['later'])
    const settled = Promise.allSettled([...doomed, spared])
    await vi.advanceTimersByTimeAsync(5)
    const [a, b, c] = await settled
    expect(a).toMatchObject({ status: 'rejected', reason: { message: 'model crashed' } })
    expect(b).toMatchObject({ status: 'rejected', reason: { message: 'model crashed' } })
    expect(c).toMatchObject({ status: 'fulfilled' })
  })

  it('refuses texts beyond maxQueue with a 503 and serves the queue it has', async () => {
    const { embedder, calls } = recordingEmbedder({ hold: true })
    const batching = createBatchingEmbedder(embedder, { maxBatch: 4, maxWaitMs: 5, maxQueue: 3 })
    const running = batching.embed(['r'])
    await vi.advanceTimersByTimeAsync(5)
    const queued = [batching.embed(['a', 'b']), batching.embed(['c'])]
    const refused = batching.embed(['d'])
    await expect(refused).rejects.toBeInstanceOf(AppError)
    await expect(refused).rejects.toMatchObject({ code: 'service_unavailable', headers: { 'Retry-After': '1' } })
    calls[0]!.release()
    await running
    await vi.advanceTimersByTimeAsync(5)
    calls[1]!.release()
    expect((await Promise.all(queued)).flat()).toHaveLength(3)
  })
})
