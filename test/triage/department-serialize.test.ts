import { describe, expect, it } from 'vitest'
import { createExampleIndex } from '../../src/triage/classifier/knn.js'
import { trainDepartmentModel } from '../../src/triage/classifier/model.js'
import { deserializeDepartmentModel, serializeDepartmentModel } from '../../src/triage/classifier/serialize.js'
import { syntheticExamples } from './classifier-fixtures.js'

// A stored department model must predict exactly what the trained one does, or a Worker would answer
// differently from the Node process that trained it.
describe('department model serialisation', () => {
  it('restores a stacked model that predicts identically, with the same version', async () => {
    const examples = await syntheticExamples(300)
    const trained = trainDepartmentModel(examples)
    expect(trained.mode).toBe('stacked')
    const bytes = serializeDepartmentModel(trained)
    const restored = deserializeDepartmentModel(bytes)!
    expect(restored).toBeDefined()
    expect({ version: restored.version, mode: restored.mode, exampleCount: restored.exampleCount }).toEqual({
      version: trained.version,
      mode: 'stacked',
      exampleCount: 300,
    })
    const index = createExampleIndex(examples)
    const texts = [...examples.slice(0, 15).map((example) => example.text), 'Rechnung doppelt abgebucht', 'router reboots every hour']
    for (const text of texts) {
      const input = { text, neighbours: index.nearest(examples[0]!, 20) }
      expect(restored.predict(input)).toEqual(trained.predict(input))
    }
    // Only the features training saw are stored, not the 2^18 buckets twice over (2 MiB dense).
    expect(bytes.byteLength).toBeLessThan(1024 * 1024)
  })

  it('restores fixed-weight and single-class models', async () => {
    const examples = await syntheticExamples(40)
    const small = trainDepartmentModel(examples.slice(0, 8))
    const oneClass = trainDepartmentModel(examples.filter((example) => example.department === 'commercial').slice(0, 5))
    for (const model of [small, oneClass]) {
      const restored = deserializeDepartmentModel(serializeDepartmentModel(model))!
      expect(restored.mode).toBe(model.mode)
      const input = { text: examples[9]!.text, neighbours: [{ department: 'technical' as const, similarity: 0.9 }] }
      expect(restored.predict(input)).toEqual(model.predict(input))
    }
    expect(oneClass.mode).toBe('single-class')
  })

  it('refuses bytes that are not a department model of this format', () => {
    expect(deserializeDepartmentModel(new Uint8Array([1, 2, 3]))).toBeUndefined()
    const other = new TextEncoder().encode(JSON.stringify({ format: 1, version: 'dept-v0:abc', exampleCount: 0, mode: 'single-class' }))
    const bytes = new Uint8Array(4 + Math.ceil(other.length / 4) * 4)
    new DataView(bytes.buffer).setUint32(0, other.length, true)
    bytes.set(other, 4)
    expect(deserializeDepartmentModel(bytes)).toBeUndefined()
  })
})
