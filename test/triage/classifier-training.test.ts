import { describe, expect, it } from 'vitest'
import { createExampleIndex } from '../../src/triage/classifier/knn.js'
import { trainDepartmentModel, trainDepartmentModelInSlices } from '../../src/triage/classifier/model.js'
import { nextMacrotask, runInSlices, runToEnd, type Steps } from '../../src/triage/classifier/steps.js'
import { createDepartmentClassifier } from '../../src/triage/classifier-service.js'
import { addExamples } from '../../src/triage/examples.js'
import { createTestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { syntheticExamples } from './classifier-fixtures.js'

// No assertion here measures time: a busy machine must not fail them. They count what happened instead.

describe('runInSlices', () => {
  function* countTo(limit: number): Steps<number> {
    let total = 0
    for (let index = 1; index <= limit; index++) {
      total += index
      yield
    }
    return total
  }

  it('returns what runToEnd returns and pauses after at most maxYields yields', async () => {
    let pauses = 0
    const pause = async () => void pauses++
    // A clock that never moves, as on Workers while code runs: only the yield count ends a slice.
    const result = await runInSlices(countTo(100), { pause, maxYields: 10, now: () => 0 })
    expect(result).toBe(runToEnd(countTo(100)))
    expect(pauses).toBe(10)
  })
})

describe('training in slices', () => {
  it('keeps the event loop turning while a model trains on 2 000 examples, and trains the same model', async () => {
    const examples = await syntheticExamples(2000)
    let ticks = 0
    let pauses = 0
    const timer = setInterval(() => ticks++, 1)
    const model = await trainDepartmentModelInSlices(examples, {}, { pause: () => (pauses++, nextMacrotask()) }).finally(() =>
      clearInterval(timer),
    )
    // Featurizing alone yields once per text and the default slice ends after 64 yields at the latest,
    // so there are dozens of pauses on any machine, each a macrotask in which the interval can fire.
    expect(pauses).toBeGreaterThan(0)
    expect(ticks).toBeGreaterThan(0)

    const direct = trainDepartmentModel(examples)
    expect(model.version).toBe(direct.version)
    expect(model.mode).toBe('stacked')
    const index = createExampleIndex(examples)
    for (const example of examples.slice(0, 20)) {
      const input = { text: example.text, neighbours: index.nearest(example, 20) }
      expect(model.predict(input)).toEqual(direct.predict(input))
    }
  }, 120_000)
})

describe.each(testDatabases)('department classifier service [$name]', (database) => {
  it('keeps answering with the previous model while the new one trains', async () => {
    const sql = await database.open()
    try {
      const t = await createTestApp(sql)
      const space = t.deps.embeddings.target
      // Distinct texts: addExamples does not take the same example twice in one batch.
      const synthetic = [...new Map((await syntheticExamples(400)).map((example) => [example.text, example])).values()].slice(0, 160)
      const toInput = (example: (typeof synthetic)[number]) => ({ text: example.text, department: example.department, language: 'en' })
      await addExamples(t.deps, synthetic.slice(0, 80).map(toInput), 'api')

      // Training pauses through `pause`; the test swaps in a gate that holds it until released.
      let pause = nextMacrotask
      const classifier = createDepartmentClassifier(Date.now, { pause: () => pause(), maxYields: 8 })
      await classifier.refresh(t.deps, space)
      const text = 'my router: keeps rebooting. Thanks'
      const [vector] = await space.embed([text])
      const input = { text, vector: vector!, space }
      const before = await classifier.classify(t.deps, input)

      await addExamples(t.deps, synthetic.slice(80).map(toInput), 'api')
      let reached!: () => void
      let release!: () => void
      const paused = new Promise<void>((resolve) => (reached = resolve))
      const released = new Promise<void>((resolve) => (release = resolve))
      pause = () => (reached(), released)
      const refreshing = classifier.refresh(t.deps, space)
      await paused

      const during = await classifier.classify(t.deps, input)
      expect(during.version).toBe(before.version)
      release()
      await refreshing
      const after = await classifier.classify(t.deps, input)
      expect(after.version).not.toBe(before.version)
      expect(after.department).toBe('technical')
    } finally {
      await sql.close()
    }
  })
})
