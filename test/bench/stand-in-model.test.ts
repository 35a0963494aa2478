import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { censusOnnxFile, type OnnxCensus } from '../../bench/model/onnx-census.js'
import { published } from '../../bench/model/published.js'
import { ensureStandInModel, standInGraphs } from '../../bench/model/stand-in.js'
import { loadFolderTokenizer } from '../../bench/model/tokens-per-word.js'
import { createTransformersEmbedder } from '../../src/platform/node/embeddings/transformers.js'
import { countOperators, countParameters } from '../helpers/onnx-build.js'

// The stand-in shrunk to 2 layers and 5 000 pieces (about 30 MB, under a second to write) runs through the real
// transformers.js and onnxruntime; the full-size figures are computed from the same graph builder without writing.
const shrunk = { layers: 2, vocabSize: 5000 }
let dir: string
let fp32: OnnxCensus
let int8: OnnxCensus
beforeAll(async () => {
  dir = await ensureStandInModel(shrunk)
  ;[fp32, int8] = await Promise.all([censusOnnxFile(join(dir, 'onnx/model.onnx')), censusOnnxFile(join(dir, 'onnx/model_quantized.onnx'))])
})

const norm = (vector: Float32Array) => Math.hypot(...vector)
const maxDifference = (a: Float32Array, b: Float32Array) => a.reduce((max, value, index) => Math.max(max, Math.abs(value - b[index]!)), 0)

describe('full-size stand-in graph (built, not written)', () => {
  const full = standInGraphs()

  it('has the parameter count of multilingual-e5-small: 117.65 M with the pooler the ONNX export drops', () => {
    expect(countParameters(full.fp32)).toBe(117_505_920)
    expect(countParameters(full.fp32) + 384 * 384 + 384).toBe(published.checkpointParameters)
    expect(countParameters(full.int8)).toBe(published.int8.parameters)
  })

  it('has the published int8 operator census and the fp32 census derived from it, type by type', () => {
    expect(countOperators(full.int8)).toEqual(published.int8.operators)
    expect(countOperators(full.fp32)).toEqual(published.fp32.operators)
    expect(full.int8.initializers).toHaveLength(published.int8.initializers)
  })
})

describe('stand-in folder (2 layers, 5 000 pieces)', () => {
  it('writes files whose graphs read back as built: names, parameters, operators', async () => {
    const built = standInGraphs(shrunk)
    for (const [census, parts] of [
      [fp32, built.fp32],
      [int8, built.int8],
    ] as const) {
      expect(census.inputs).toEqual(['input_ids', 'attention_mask', 'token_type_ids'])
      expect(census.outputs).toEqual(['last_hidden_state'])
      expect(census.parameters).toBe(countParameters(parts))
      expect(census.operators).toEqual(countOperators(parts))
      expect(census.opset).toBe(11)
    }
    // The same operator types as the full-size model; only the per-layer counts shrink.
    expect(Object.keys(fp32.operators).sort()).toEqual(Object.keys(published.fp32.operators).sort())
    expect(Object.keys(int8.operators).sort()).toEqual(Object.keys(published.int8.operators).sort())
    expect(int8.operators.MatMulInteger).toBe(6 * shrunk.layers)
    expect(int8.bytes).toBeLessThan(fp32.bytes / 3)
  })

  it('has an XLM-R-style tokenizer: specials 0-3, <mask> last, <s> … </s> around a text, no <unk> for German', async () => {
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { vocab_size: number; num_hidden_layers: number }
    expect(config).toMatchObject({ vocab_size: 5000, num_hidden_layers: 2 })
    const { tokenizer } = await loadFolderTokenizer(dir)
    expect(tokenizer.model.vocab).toHaveLength(5000)
    expect(tokenizer.model.vocab.slice(0, 4)).toEqual(['<s>', '<pad>', '</s>', '<unk>'])
    expect(tokenizer.model.vocab.at(-1)).toBe('<mask>')
    const ids = tokenizer.encode('Die Spülmaschine zeigt Fehler E24.', null, { add_special_tokens: true })
    expect(ids[0]).toBe(0)
    expect(ids.at(-1)).toBe(2)
    expect(ids).not.toContain(3)
  })

  for (const quantized of [false, true]) {
    it(`loads through the transformers embedder (${quantized ? 'int8' : 'fp32'}): 384-dim unit vectors, deterministic, distinct`, async () => {
      const embedder = createTransformersEmbedder({ model: 'Xenova/multilingual-e5-small', modelDir: dir, quantized })
      const [first, again, other] = await embedder.embed([
        'Die Waschmaschine pumpt nicht ab.',
        'Die Waschmaschine pumpt nicht ab.',
        'Invoice charged twice',
      ])
      expect(embedder.dimensions).toBe(384)
      for (const vector of [first!, other!]) {
        expect(vector).toHaveLength(384)
        expect(norm(vector)).toBeCloseTo(1, 5)
        expect(vector.every(Number.isFinite)).toBe(true)
      }
      expect(maxDifference(first!, again!)).toBe(0)
      expect(maxDifference(first!, other!)).toBeGreaterThan(1e-3)
    })
  }
})
