import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { normalize } from '../../src/providers/embeddings/embedder.js'
import { createOpenAIEmbedder, EmbeddingProviderError, type OpenAIEmbedderOptions } from '../../src/providers/embeddings/openai.js'
import { fakeEmbedding, startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js'

const apiKey = 'sk-test-4f9c2e1d8a7b'
const texts = (count: number) => Array.from({ length: count }, (_, index) => `inquiry number ${index}`)
const norm = (vector: Float32Array) => Math.hypot(...vector)

describe('OpenAI embedder against a fake OpenAI server', () => {
  let server: FakeOpenAI
  beforeEach(async () => {
    server = await startFakeOpenAI()
  })
  afterEach(async () => server.close())
  const embedder = (options: Partial<OpenAIEmbedderOptions> = {}) =>
    createOpenAIEmbedder({ baseURL: server.url, apiKey, model: 'text-embedding-3-small', dimensions: 32, ...options })
  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.fail('expected a rejection'),
      (error: unknown) => error,
    )

  it('embeds in batches, in input order, as unit vectors of the asked dimensions', async () => {
    const input = texts(10)
    const vectors = await embedder({ batchSize: 4 }).embed(input)
    expect(vectors).toHaveLength(10)
    vectors.forEach((vector, index) => {
      expect(vector).toBeInstanceOf(Float32Array)
      expect(vector).toHaveLength(32)
      expect(norm(vector)).toBeCloseTo(1, 5)
      // Same direction as what the server computed for this very text: order survived the batching.
      const expected = normalize(fakeEmbedding(input[index]!, 32))
      vector.forEach((value, dim) => expect(value).toBeCloseTo(expected[dim]!, 5))
    })
    const sent = server.requestsTo('embeddings')
    expect(sent).toHaveLength(Math.ceil(10 / 4))
    expect(sent.map((request) => request.body.input)).toEqual([input.slice(0, 4), input.slice(4, 8), input.slice(8)])
    expect(sent[0]!.body).toMatchObject({ model: 'text-embedding-3-small', dimensions: 32, encoding_format: 'base64' })
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${apiKey}`)
  })

  it('names its space and learns the dimensions from the first answer when not given', async () => {
    expect(embedder().id).toBe('openai:text-embedding-3-small:32')
    const learning = embedder({ dimensions: undefined })
    expect(() => learning.dimensions).toThrow(EmbeddingProviderError)
    await learning.embed(['hello'])
    expect(learning.dimensions).toBe(64)
    expect(learning.space).toEqual({ provider: 'openai', model: 'text-embedding-3-small', dimensions: 64 })
    expect(server.requests[0]!.body.dimensions).toBeUndefined()
    expect(await learning.embed([])).toEqual([])
    expect(server.requests).toHaveLength(1)
  })

  it('waits the Retry-After of a 429 before trying again', async () => {
    server.fail({ kind: 'rate-limit', retryAfterSeconds: 1 })
    expect(await embedder().embed(['a'])).toHaveLength(1)
    const [first, second] = server.requests
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950)
  })

  it('retries a 500 with backoff, and prefers retry-after-ms', async () => {
    server.fail({ kind: 'status', status: 500 })
    server.fail({ kind: 'rate-limit', retryAfterMs: 50, retryAfterSeconds: 30 })
    expect(await embedder().embed(['a'])).toHaveLength(1)
    const [first, second, third] = server.requests
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(350) // 500 ms less up to 25 % jitter
    expect(third!.at - second!.at).toBeLessThan(1000)
  })

  it('gives up on a persistent 503 after maxRetries + 1 attempts, keeping the status', async () => {
    server.fail({ kind: 'status', status: 503, headers: { 'retry-after-ms': '10' } }, { times: 10 })
    const error = await rejection(embedder({ maxRetries: 2 }).embed(['a']))
    expect(error).toBeInstanceOf(EmbeddingProviderError)
    expect(error).toMatchObject({ status: 503, attempts: 3 })
    expect((error as Error).cause).toBeDefined()
    expect(server.requests).toHaveLength(3)
  })

  it('does not retry a 400 nor sit out a Retry-After longer than a minute', async () => {
    server.fail({ kind: 'status', status: 400, message: 'bad input' })
    expect(await rejection(embedder().embed(['a']))).toMatchObject({ status: 400, attempts: 1 })
    server.fail({ kind: 'rate-limit', retryAfterSeconds: 3600 })
    const started = performance.now()
    expect(await rejection(embedder().embed(['a']))).toMatchObject({ status: 429, message: expect.stringContaining('3600 s') })
    expect(performance.now() - started).toBeLessThan(10_000) // the alternative is minutes or forever; generous for a busy machine
  })

  it('never puts the API key in its messages', async () => {
    server.fail({ kind: 'status', status: 401, message: `Incorrect API key provided: ${apiKey}` })
    const error = (await rejection(embedder().embed(['a']))) as Error
    expect(error.message).toContain('401')
    expect(error.message).not.toContain(apiKey)
  })

  it('times a hanging request out within timeoutMs', async () => {
    server.fail({ kind: 'hang' })
    const started = performance.now()
    const error = await rejection(embedder({ timeoutMs: 300, maxRetries: 0 }).embed(['a']))
    expect(performance.now() - started).toBeLessThan(10_000) // the alternative is minutes or forever; generous for a busy machine
    expect(error).toBeInstanceOf(EmbeddingProviderError)
    expect((error as Error).message).toContain('timed out after 300 ms')
  })

  it('retries a slow answer that exceeded the timeout', async () => {
    server.fail({ kind: 'slow', delayMs: 500 })
    expect(await embedder({ timeoutMs: 200, maxRetries: 1 }).embed(['a'])).toHaveLength(1)
    expect(server.requests).toHaveLength(2)
  })

  it('turns malformed JSON and wrong dimensions into EmbeddingProviderError', async () => {
    server.fail({ kind: 'malformed' })
    const malformed = await rejection(embedder().embed(['a']))
    expect(malformed).toBeInstanceOf(EmbeddingProviderError)
    expect(server.requests).toHaveLength(1)
    server.fail({ kind: 'wrong-dimensions', dimensions: 16 })
    const wrong = await rejection(embedder().embed(['a']))
    expect(wrong).toBeInstanceOf(EmbeddingProviderError)
    expect((wrong as Error).message).toMatch(/16 floats .* expected 32/)
  })

  it('rejects a learnt space when a later batch changes length', async () => {
    const learning = embedder({ dimensions: undefined, batchSize: 1 })
    server.fail({ kind: 'wrong-dimensions', dimensions: 8 }, { times: 1 })
    await learning.embed(['a'])
    expect(learning.dimensions).toBe(8)
    await expect(learning.embed(['b'])).rejects.toThrow(/64 floats .* expected 8/)
  })

  it('honours an abort signal: before sending, mid-request and during a Retry-After wait', async () => {
    const aborted = AbortSignal.abort()
    await expect(embedder().embed(['a'], { signal: aborted })).rejects.toBe(aborted.reason)
    expect(server.requests).toHaveLength(0)

    for (const fault of [{ kind: 'hang' } as const, { kind: 'rate-limit', retryAfterSeconds: 30 } as const]) {
      server.fail(fault)
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 100)
      const started = performance.now()
      await expect(embedder().embed(['a'], { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
      expect(performance.now() - started).toBeLessThan(10_000) // the alternative is a 30 s wait or forever
    }
  })

  it('reports an unreachable server as a connection failure', async () => {
    const gone = await startFakeOpenAI()
    await gone.close() // a port that was just free: nothing listens there now
    const error = await rejection(embedder({ baseURL: gone.url, maxRetries: 0 }).embed(['a']))
    expect(error).toBeInstanceOf(EmbeddingProviderError)
    expect((error as Error).message).toMatch(/could not connect: .*ECONNREFUSED/)
  })
})
