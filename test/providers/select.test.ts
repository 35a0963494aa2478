import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { createMemoryLogger } from '../../src/logger.js'
import { selectEmbeddings } from '../../src/platform/node/embeddings/select.js'
import { createTransformersEmbedder } from '../../src/platform/node/embeddings/transformers.js'
import { warmUpEmbedder } from '../../src/providers/embeddings/tuned.js'
import { startFakeOpenAI } from '../helpers/fake-openai.js'
import { ensureTinyModel } from '../helpers/tiny-model.js'

// The real selection path on the generated tiny model: load, warm-up, then the tuned embedder handed out.
describe('selecting the transformers embedder', () => {
  it('warms the model up after loading it, before handing it out, and logs how long that took', async () => {
    const modelDir = await ensureTinyModel()
    const logger = createMemoryLogger()
    const runtime = await selectEmbeddings(
      parseConfig({ EMBEDDINGS_PROVIDER: 'transformers', EMBEDDINGS_MODEL: 'tiny-bert', EMBEDDINGS_MODEL_DIR: modelDir }),
      logger,
    )
    const messages = logger.records.map((record) => record.message)
    expect(messages.indexOf('embedding model loaded')).toBeGreaterThanOrEqual(0)
    expect(messages.indexOf('embedding model warmed up')).toBeGreaterThan(messages.indexOf('embedding model loaded'))
    const warmed = logger.records.find((record) => record.message === 'embedding model warmed up')!
    expect(warmed.fields).toMatchObject({ embeddings: 'transformers:tiny-bert:384', ms: expect.any(Number) })
    expect(runtime.selection).toMatchObject({ provider: 'transformers' })
    expect(runtime.target.id).toBe('transformers:tiny-bert:384')
    const [vector] = await runtime.target.embed(['Rechnung'], { purpose: 'query' })
    expect(vector).toHaveLength(384)
  })

  it('runs the model for queries and passages in the warm-up, so a first request is not its first run', async () => {
    const model = createTransformersEmbedder({ model: 'tiny-bert', modelDir: await ensureTinyModel(), allowRemote: false })
    await warmUpEmbedder(model, createMemoryLogger())
    const warmUpRuns = model.runs
    expect(warmUpRuns).toBeGreaterThanOrEqual(2)
    await model.embed(['erste Anfrage'], { purpose: 'query' })
    expect(model.runs).toBe(warmUpRuns + 1)
  })
})

// A real HTTP server speaking the OpenAI embeddings API: what reaches it shows the cache and the batching.
describe('selecting the openai embedder', () => {
  it('joins concurrent single texts into one request and answers a repeated text from the cache', async () => {
    const server = await startFakeOpenAI()
    try {
      const config = parseConfig({
        EMBEDDINGS_PROVIDER: 'openai',
        OPENAI_API_KEY: 'test-key',
        OPENAI_BASE_URL: server.url,
        OPENAI_EMBEDDINGS_DIMENSIONS: '64',
        EMBEDDINGS_BATCH_WAIT_MS: '20',
      })
      const runtime = await selectEmbeddings(config, createMemoryLogger())
      const texts = ['Rechnung doppelt', 'Lieferung fehlt', 'Router blinkt', 'Rechnung doppelt']
      const vectors = await Promise.all(texts.map((text) => runtime.target.embed([text], { purpose: 'query' })))
      expect(vectors.map((found) => found[0]!.length)).toEqual([64, 64, 64, 64])
      expect(server.requestsTo('embeddings').map((request) => request.body.input)).toEqual([
        ['Rechnung doppelt', 'Lieferung fehlt', 'Router blinkt'],
      ])
      await runtime.target.embed(['Lieferung fehlt'], { purpose: 'query' })
      expect(server.requestsTo('embeddings')).toHaveLength(1)
    } finally {
      await server.close()
    }
  })
})
