import { describe, expect, it } from 'vitest'
import { EmbeddingProviderError } from '../../src/providers/embeddings/embedder.js'
import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'
import { createWorkersAiEmbedder, type WorkersAiBinding } from '../../src/providers/embeddings/workers-ai.js'

const model = '@cf/baai/bge-m3'
const dimensions = 1024
const hashing = createHashingEmbedder(dimensions)
const norm = (vector: Float32Array) => Math.hypot(...vector)
const texts = (count: number) => Array.from({ length: count }, (_, index) => `Anfrage Nummer ${index}: Waschmaschine E18`)

type Answer = (model: string, input: { text: string[]; truncate_inputs?: boolean }) => Promise<unknown>

/** A deterministic AI binding: hashing vectors scaled by 3 (bge-m3's are not unit length either); it records every call. */
function standIn(answer?: Answer) {
  const calls: Array<{ model: string; input: { text: string[]; truncate_inputs?: boolean } }> = []
  const ai: WorkersAiBinding = {
    async run(model, input) {
      calls.push({ model, input })
      if (answer) return answer(model, input)
      const vectors = await hashing.embed(input.text)
      return {
        shape: [vectors.length, dimensions],
        data: vectors.map((vector) => Array.from(vector, (value) => value * 3)),
        pooling: 'cls',
      }
    },
  }
  return { ai, calls }
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error as EmbeddingProviderError,
  )

describe('Workers AI embedder against a stand-in AI binding', () => {
  it('names its space by provider, model and dimensions', () => {
    const embedder = createWorkersAiEmbedder({ ai: standIn().ai, model, dimensions })
    expect(embedder.id).toBe('workers-ai:@cf/baai/bge-m3:1024')
    expect(embedder.space).toEqual({ provider: 'workers-ai', model, dimensions })
  })

  it('embeds in batches of at most 100 texts, in input order, as unit vectors', async () => {
    const { ai, calls } = standIn()
    const input = texts(230)
    const vectors = await createWorkersAiEmbedder({ ai, model, dimensions }).embed(input, { purpose: 'query' })
    expect(calls.map((call) => call.input.text.length)).toEqual([100, 100, 30])
    expect(calls.flatMap((call) => call.input.text)).toEqual(input)
    expect(calls[0]).toMatchObject({ model, input: { truncate_inputs: true } })
    const expected = await hashing.embed(input)
    vectors.forEach((vector, index) => {
      expect(vector).toHaveLength(dimensions)
      expect(norm(vector)).toBeCloseTo(1, 5)
      for (const dim of [0, 17, 511, 1023]) expect(vector[dim]).toBeCloseTo(expected[index]![dim]!, 5)
    })
    expect(await createWorkersAiEmbedder({ ai, model, dimensions }).embed([])).toEqual([])
    expect(calls).toHaveLength(3)
  })

  it('keeps a batch of long texts under the character budget, a longer text alone', async () => {
    const { ai, calls } = standIn()
    const long = 'Trommel '.repeat(5000)
    await createWorkersAiEmbedder({ ai, model, dimensions, maxBatchChars: 50_000 }).embed([long, long, 'kurz', long.repeat(2)])
    expect(calls.map((call) => call.input.text.map((text) => text.length))).toEqual([[40_000], [40_000, 4], [80_000]])
  })

  it('sends truncate_inputs only to a model that takes it', async () => {
    const { ai, calls } = standIn(async (_, input) => ({ data: input.text.map(() => [3, 4]) }))
    const vectors = await createWorkersAiEmbedder({ ai, model: '@cf/baai/bge-small-en-v1.5', dimensions: 2 }).embed(['a'])
    expect(calls[0]!.input).toEqual({ text: ['a'] })
    expect(Array.from(vectors[0]!)).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)])
  })

  it('retries capacity errors (3040) and then succeeds', async () => {
    let failures = 1
    const { ai, calls } = standIn(async (_, input) => {
      if (failures-- > 0) throw new Error('3040: Capacity temporarily exceeded, please try again.')
      return { data: input.text.map(() => [1, 0]) }
    })
    expect(await createWorkersAiEmbedder({ ai, model, dimensions: 2, backoffMs: () => 0 }).embed(['a'])).toHaveLength(1)
    expect(calls).toHaveLength(2)
  })

  it('fails at once with the status of an error that a retry cannot fix, as the OpenAI provider does', async () => {
    const { ai, calls } = standIn(async () => {
      throw new Error('3036: You have used up your daily free allocation of 10,000 neurons')
    })
    const error = await rejection(createWorkersAiEmbedder({ ai, model, dimensions, maxRetries: 3 }).embed(['a']))
    expect(error).toBeInstanceOf(EmbeddingProviderError)
    expect(error).toMatchObject({ status: 429, attempts: 1 })
    expect(error.message).toMatch(/^Workers AI embeddings failed with status 429: 3036: .*\(1 attempt\)$/)
    expect(calls).toHaveLength(1)
  })

  it('gives up after maxRetries on an error without a code, keeping the cause', async () => {
    const cause = new Error('Binding AI needs to be run remotely')
    const { ai, calls } = standIn(async () => {
      throw cause
    })
    const error = await rejection(createWorkersAiEmbedder({ ai, model, dimensions, maxRetries: 1, backoffMs: () => 0 }).embed(['a']))
    expect(error).toMatchObject({ name: 'EmbeddingProviderError', status: undefined, attempts: 2, cause })
    expect(error.message).toMatch(/failed: Binding AI needs to be run remotely \(2 attempts\)/)
    expect(calls).toHaveLength(2)
  })

  it('times out a call that never answers', async () => {
    const { ai } = standIn(() => new Promise(() => {}))
    const error = await rejection(createWorkersAiEmbedder({ ai, model, dimensions, timeoutMs: 20, maxRetries: 0 }).embed(['a']))
    expect(error).toBeInstanceOf(EmbeddingProviderError)
    expect(error.message).toBe('Workers AI embeddings timed out after 20 ms (1 attempt)')
  })

  it("rethrows the caller's abort, not a provider error", async () => {
    const { ai } = standIn(() => new Promise(() => {}))
    const controller = new AbortController()
    const pending = createWorkersAiEmbedder({ ai, model, dimensions }).embed(['a'], { signal: controller.signal })
    controller.abort(new Error('the caller gave up'))
    await expect(pending).rejects.toThrow('the caller gave up')
  })

  it.each([
    ['no data', {}, /expected 2 embeddings in data/],
    ['one vector short', { data: [[1, 0]] }, /expected 2 embeddings in data/],
    ['a vector of the wrong size', { data: [[1, 0], [1]] }, /a vector of 1 floats, expected 2/],
    [
      'a value that is no number',
      {
        data: [
          [1, 0],
          [1, 'x'],
        ],
      },
      /not a finite number/,
    ],
    ['an asynchronous batch receipt', { request_id: 'abc' }, /expected 2 embeddings in data/],
  ])('refuses an answer with %s, clearly', async (_, answer, message) => {
    const { ai } = standIn(async () => answer)
    const error = await rejection(createWorkersAiEmbedder({ ai, model, dimensions: 2 }).embed(['a', 'b']))
    expect(error).toBeInstanceOf(EmbeddingProviderError)
    expect(error.message).toMatch(/^Workers AI embeddings answered an invalid response: /)
    expect(error.message).toMatch(message)
  })

  it('refuses a batch size the binding does not take', () => {
    expect(() => createWorkersAiEmbedder({ ai: standIn().ai, model, dimensions, batchSize: 101 })).toThrow(RangeError)
  })
})
