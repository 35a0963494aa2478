import { readdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryLogger } from '../../src/logger.js'
import {
  createTransformersEmbedder,
  withE5Prefix,
  type LoadProgress,
  type TransformersEmbedderOptions,
} from '../../src/platform/node/embeddings/transformers.js'
import { ensureTinyModel } from '../helpers/tiny-model.js'

// The real library and ONNX Runtime on a generated model: nothing of ours is mocked, nothing leaves the machine.
let modelDir: string
let scratch: string
beforeAll(async () => {
  modelDir = await ensureTinyModel()
  scratch = await mkdtemp(join(tmpdir(), 'transformers-test-'))
})
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true })
})

const tiny = (extra: Partial<TransformersEmbedderOptions> = {}) =>
  createTransformersEmbedder({ model: 'tiny-bert', modelDir, allowRemote: false, ...extra })

const maxDifference = (a: Float32Array, b: Float32Array) => a.reduce((max, value, index) => Math.max(max, Math.abs(value - b[index]!)), 0)
const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, index) => sum + value * b[index]!, 0)

describe('transformers embedder on the tiny model', () => {
  it('takes its space from the loaded config', async () => {
    const embedder = tiny()
    await embedder.load()
    expect(embedder.dimensions).toBe(384)
    expect(embedder.space).toEqual({ provider: 'transformers', model: 'tiny-bert', dimensions: 384 })
    expect(embedder.id).toBe('transformers:tiny-bert:384')
  })

  it('puts the fp32 file in a space of its own, so int8 and fp32 vectors are never mixed', async () => {
    const fp32 = tiny({ quantized: false })
    await fp32.load()
    expect(fp32.id).toBe('transformers:tiny-bert#fp32:384')
    expect(createTransformersEmbedder({ model: 'Xenova/multilingual-e5-small', quantized: false }).id).toBe(
      'transformers:Xenova/multilingual-e5-small#fp32:384',
    )
  })

  it('does not guess the width of an unknown model before load, but knows the e5-small default', () => {
    expect(() => tiny().id).toThrow(/"tiny-bert".*load\(\)/)
    const e5 = createTransformersEmbedder({ model: 'Xenova/multilingual-e5-small' })
    expect(e5.id).toBe('transformers:Xenova/multilingual-e5-small:384')
  })

  it('returns one unit vector per text in input order, long texts truncated', async () => {
    const embedder = tiny()
    const texts = ['Rechnung doppelt bezahlt', '', 'Router Firmware Update', 'Waschmaschine '.repeat(400)]
    const vectors = await embedder.embed(texts)
    expect(vectors).toHaveLength(4)
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array)
      expect(vector).toHaveLength(384)
      expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 5)
    }
    const reversed = await embedder.embed([...texts].reverse())
    reversed.reverse().forEach((vector, index) => expect(maxDifference(vector, vectors[index]!)).toBeLessThan(1e-6))
    expect(await embedder.embed([])).toEqual([])
  })

  it('is deterministic, across embedder instances too', async () => {
    const text = 'Meine Waschmaschine zeigt Fehlercode E18'
    const [first] = await tiny().embed([text])
    const [again] = await tiny().embed([text])
    expect(Array.from(again!)).toEqual(Array.from(first!))
  })

  it('puts texts that share words closer together than unrelated ones', async () => {
    const [paidTwice, paidAgain, washer] = await tiny().embed([
      'Rechnung doppelt bezahlt',
      'Rechnung bezahlt zweimal',
      'Waschmaschine Fehlercode E18',
    ])
    expect(dot(paidTwice!, paidAgain!)).toBeGreaterThan(dot(paidTwice!, washer!) + 0.2)
    expect(dot(paidTwice!, paidAgain!)).toBeGreaterThan(dot(paidAgain!, washer!) + 0.2)
  })

  it('loads the model once for concurrent first calls', async () => {
    const events: LoadProgress[] = []
    const logger = createMemoryLogger()
    const embedder = tiny({ onProgress: (event) => events.push(event), logger })
    const results = await Promise.all([
      embedder.embed(['Rechnung']),
      embedder.embed(['Lieferung']),
      embedder.load(),
      embedder.embed(['Garantie']),
    ])
    expect(results.filter(Array.isArray)).toHaveLength(3)
    // Counted where the library reads the ONNX file, not in our own code.
    const reads = events.filter((event) => event.status === 'done' && event.file === 'onnx/model_quantized.onnx')
    expect(reads).toHaveLength(1)
    expect(logger.records.filter((record) => record.message === 'embedding model loaded')).toHaveLength(1)
    await embedder.embed(['Rechnung'])
    expect(events.filter((event) => event.status === 'done' && event.file === 'onnx/model_quantized.onnx')).toHaveLength(1)
  })

  it('gives the same vectors in batches as one by one', async () => {
    const texts = ['Rechnung', 'Lieferung verspätet seit einer Woche', 'refund please', 'Router blinkt rot', 'Garantie']
    const batched = await tiny({ batchSize: 2 }).embed(texts)
    const single = tiny({ batchSize: 1 })
    for (const [index, text] of texts.entries()) {
      const [alone] = await single.embed([text])
      // Padding changes the shape ONNX Runtime multiplies, so allow float rounding, nothing more.
      expect(maxDifference(alone!, batched[index]!)).toBeLessThan(1e-6)
    }
  })

  it('cuts a long call into batches of similar length, and runs each length on its own', async () => {
    const long = 'Waschmaschine pumpt nicht ab '.repeat(12)
    const texts = ['Rechnung', long, 'Garantie', `${long}bitte`]
    const embedder = tiny({ batchSize: 2 })
    const vectors = await embedder.embed(texts)
    // Two runs: the short pair and the long pair; in input order it would take four (each pair split by length).
    expect(embedder.runs).toBe(2)
    const [alone] = await tiny().embed([long])
    expect(maxDifference(alone!, vectors[1]!)).toBeLessThan(1e-6)
  })

  it('rejects when the signal is aborted, before or between batches', async () => {
    const embedder = tiny({ batchSize: 1 })
    await expect(embedder.embed(['Rechnung'], { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' })
    const controller = new AbortController()
    // embed() runs synchronously up to its first await; the abort lands before the first batch is checked.
    const pending = embedder.embed(['Rechnung', 'Lieferung'], { signal: controller.signal })
    controller.abort()
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('names the model and the folder when the folder is missing, and retries on the next call', async () => {
    const missing = join(scratch, 'no-such-model')
    const embedder = createTransformersEmbedder({ model: 'ghost', modelDir: missing, allowRemote: false })
    const failure = embedder.embed(['Rechnung'])
    await expect(failure).rejects.toThrow(/embedding model "ghost" from folder ".*no-such-model": the folder does not exist/)
    // A failed load is not remembered: once the folder exists, the same embedder loads it.
    await ensureTinyModel(missing)
    await expect(embedder.embed(['Rechnung'])).resolves.toHaveLength(1)
    expect(embedder.dimensions).toBe(384)
  })
})

describe('ONNX Runtime settings', () => {
  // Linux shows a process's threads in /proc/self/task: the observable that the setting reached the session.
  const threadCount = () => readdirSync('/proc/self/task').length
  it.runIf(process.platform === 'linux')('gives the session the intra-op threads asked for', async () => {
    const added = async (threads: number) => {
      const before = threadCount()
      const embedder = tiny({ threads })
      await embedder.embed(['Rechnung'])
      return threadCount() - before
    }
    // The calling thread is one of the intra-op threads, so n threads start n - 1 more.
    expect(await added(1)).toBe(0)
    expect(await added(3)).toBe(2)
  })

  it('counts its model runs, one per batch', async () => {
    const embedder = tiny({ batchSize: 2 })
    expect(embedder.runs).toBe(0)
    await embedder.embed(['a', 'b', 'c'])
    expect(embedder.runs).toBe(2)
  })
})

describe('e5 prefixes', () => {
  it('prefixes texts for e5 models only', () => {
    expect(withE5Prefix('Xenova/multilingual-e5-small', ['Rechnung'], 'query')).toEqual(['query: Rechnung'])
    expect(withE5Prefix('intfloat/e5-base-v2', ['invoice'], 'passage')).toEqual(['passage: invoice'])
    expect(withE5Prefix('tiny-bert', ['Rechnung'], 'query')).toEqual(['Rechnung'])
    expect(withE5Prefix('Xenova/bge5x', ['Rechnung'], 'query')).toEqual(['Rechnung'])
  })

  it('embeds with the prefix the purpose asks for, passage by default', async () => {
    const e5 = createTransformersEmbedder({
      model: 'tiny-e5',
      modelDir: await ensureTinyModel(join(scratch, 'tiny-e5')),
      allowRemote: false,
    })
    const plain = tiny()
    const [query] = await e5.embed(['Rechnung offen'], { purpose: 'query' })
    const [passage] = await e5.embed(['Rechnung offen'])
    const [expectedQuery] = await plain.embed(['query: Rechnung offen'])
    const [expectedPassage] = await plain.embed(['passage: Rechnung offen'])
    expect(Array.from(query!)).toEqual(Array.from(expectedQuery!))
    expect(Array.from(passage!)).toEqual(Array.from(expectedPassage!))
  })
})
