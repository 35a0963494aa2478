import { beforeAll, describe, expect, it } from 'vitest'
import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'
import { fitAndVectorize } from '../../src/triage/classifier/features.js'
import { createExampleIndex } from '../../src/triage/classifier/knn.js'
import { trainLogistic } from '../../src/triage/classifier/logistic.js'
import { crossValidate } from '../../src/triage/classifier/metrics.js'
import { singleClassConfidence, trainDepartmentModel, type DepartmentModel } from '../../src/triage/classifier/model.js'
import type { Department, LabelledExample } from '../../src/triage/classifier/types.js'
import { syntheticExamples } from './classifier-fixtures.js'

const embedder = createHashingEmbedder(1024)

// Hand-written inquiries, German and English, 20 per department.
const technical = [
  ['de', 'Der Router verliert ständig die WLAN-Verbindung.'],
  ['de', 'Meine Waschmaschine zeigt Fehlercode E18 und pumpt nicht ab.'],
  ['de', 'Die App stürzt beim Start sofort ab.'],
  ['de', 'Seit dem Update funktioniert der Drucker nicht mehr.'],
  ['de', 'Das Display bleibt schwarz, obwohl das Gerät eingeschaltet ist.'],
  ['de', 'Ich kann mich nicht einloggen, das Passwort wird abgelehnt.'],
  ['de', 'Der Server antwortet nicht, unsere Webseite ist offline.'],
  ['de', 'Wie installiere ich die Software auf einem zweiten Rechner?'],
  ['de', 'Die Heizung macht laute Geräusche und wird nicht warm.'],
  ['de', 'Die Synchronisation zwischen Handy und Laptop schlägt fehl.'],
  ['en', 'The router keeps dropping the Wi-Fi connection.'],
  ['en', 'My washing machine shows error E18 and does not drain.'],
  ['en', 'The app crashes immediately on startup.'],
  ['en', 'Since the update the printer no longer works.'],
  ['en', 'The screen stays black even though the device is switched on.'],
  ['en', 'I cannot log in, my password is rejected.'],
  ['en', 'Our website is down, the server is not responding.'],
  ['en', 'How do I install the software on a second computer?'],
  ['en', 'The heating makes loud noises and does not warm up.'],
  ['en', 'Syncing between phone and laptop fails with a timeout error.'],
] as const
const commercial = [
  ['de', 'Ich möchte meine Bestellung stornieren.'],
  ['de', 'Die Rechnung enthält einen falschen Betrag.'],
  ['de', 'Wann kommt meine Lieferung an?'],
  ['de', 'Ich möchte das Gerät zurückgeben und mein Geld erstattet bekommen.'],
  ['de', 'Bitte ändern Sie meine Rechnungsadresse.'],
  ['de', 'Die Zahlung wurde doppelt von meinem Konto abgebucht.'],
  ['de', 'Ich möchte meinen Vertrag kündigen.'],
  ['de', 'Können Sie mir ein Angebot für zehn Lizenzen schicken?'],
  ['de', 'Wo bleibt meine Gutschrift für die Rücksendung?'],
  ['de', 'Gibt es einen Rabatt für Mengenbestellungen?'],
  ['en', 'I want to cancel my order.'],
  ['en', 'The invoice shows the wrong amount.'],
  ['en', 'When will my delivery arrive?'],
  ['en', 'I would like to return the device and get my money back.'],
  ['en', 'Please change my billing address.'],
  ['en', 'The payment was charged twice to my account.'],
  ['en', 'I want to terminate my contract.'],
  ['en', 'Could you send me a quote for ten licences?'],
  ['en', 'Where is my credit note for the returned item?'],
  ['en', 'Is there a discount for bulk orders?'],
] as const

const heldOut: Array<[Department, string]> = [
  ['technical', 'Der Drucker zeigt einen Fehlercode und druckt nicht.'],
  ['technical', 'The app keeps crashing after the latest update.'],
  ['technical', 'WLAN Verbindung bricht dauernd ab, Router neu gestartet.'],
  ['commercial', 'Ich habe eine falsche Rechnung bekommen, bitte korrigieren.'],
  ['commercial', 'You charged me twice, please refund the payment.'],
  ['commercial', 'Bitte stornieren Sie die Bestellung und erstatten Sie den Betrag.'],
]

async function labelled(rows: ReadonlyArray<readonly [string, string, Department]>): Promise<LabelledExample[]> {
  const embeddings = await embedder.embed(rows.map((row) => row[1]))
  return rows.map(([language, text, department], index) => ({ text, department, language, embedding: embeddings[index]! }))
}

/** Predicts like the service: the k nearest labelled examples come along as neighbours. */
async function predictWith(model: DepartmentModel, examples: LabelledExample[], text: string) {
  const [embedding] = await embedder.embed([text])
  return model.predict({ text, neighbours: createExampleIndex(examples).nearest(embedding!, 20) })
}

let examples: LabelledExample[] = []
beforeAll(async () => {
  examples = await labelled([
    ...technical.map(([language, text]) => [language, text, 'technical'] as const),
    ...commercial.map(([language, text]) => [language, text, 'commercial'] as const),
  ])
})

describe('trainDepartmentModel on a small hand-written set', () => {
  it('learns: classifies held-out inquiries with valid probabilities', async () => {
    const model = trainDepartmentModel(examples)
    expect(model.mode).toBe('stacked')
    expect(model.exampleCount).toBe(40)
    expect(model.version).toMatch(/^dept-v1:[0-9a-f]{8}$/)
    for (const [department, text] of heldOut) {
      const prediction = await predictWith(model, examples, text)
      expect(prediction.department, text).toBe(department)
      expect(prediction.confidence).toBeGreaterThanOrEqual(0.5)
      expect(prediction.confidence).toBeLessThanOrEqual(1)
      expect(prediction.confidence).toBe(prediction.probabilities[department])
      expect(prediction.probabilities.technical + prediction.probabilities.commercial).toBeCloseTo(1, 12)
      expect(Number.isFinite(prediction.signals.linear) && Number.isFinite(prediction.signals.knn)).toBe(true)
    }
  })

  it('learns a new phrasing from a few added examples', async () => {
    // Auto-renewing subscriptions are commercial, but nothing in the set says so yet.
    const query = 'Mein Abo hat sich automatisch verlängert, das wollte ich nicht.'
    const before = await predictWith(trainDepartmentModel(examples), examples, query)
    const added = await labelled([
      ['de', 'Das Abo hat sich automatisch verlängert, bitte rückgängig machen.', 'commercial'],
      ['de', 'Automatische Verlängerung meines Abos bitte beenden.', 'commercial'],
      ['en', 'My subscription renewed automatically, I did not want that.', 'commercial'],
    ])
    const grown = [...examples, ...added]
    const after = await predictWith(trainDepartmentModel(grown), grown, query)
    expect(after.probabilities.commercial).toBeGreaterThan(before.probabilities.commercial + 0.1)
    expect(after.department).toBe('commercial')
  })

  it('is deterministic, and its version follows the content, not the order', () => {
    const first = trainDepartmentModel(examples)
    const second = trainDepartmentModel([...examples].reverse())
    expect(second.version).toBe(first.version)
    const input = { text: heldOut[0]![1], neighbours: [{ department: 'technical' as const, similarity: 0.4 }] }
    expect(trainDepartmentModel(examples).predict(input)).toEqual(first.predict(input))
    expect(trainDepartmentModel(examples.slice(1)).version).not.toBe(first.version)
    expect(trainDepartmentModel(examples, { neighbours: 10 }).version).not.toBe(first.version)
  })

  it('uses fixed weights below 30 examples and still learns', async () => {
    const tiny = [...examples.slice(0, 5), ...examples.slice(20, 25)]
    const model = trainDepartmentModel(tiny)
    expect(model.mode).toBe('fixed')
    const prediction = await predictWith(model, tiny, 'Die App stürzt nach dem Start ab.')
    expect(prediction.department).toBe('technical')
    expect(prediction.confidence).toBeGreaterThanOrEqual(0.5)
    expect(prediction.confidence).toBeLessThan(0.95)
  })

  it('with one class only, predicts it with low confidence until neighbours of the other class appear', () => {
    const model = trainDepartmentModel(examples.slice(0, 20))
    expect(model.mode).toBe('single-class')
    const text = 'Ich möchte meine Bestellung stornieren.'
    const alone = model.predict({ text, neighbours: [{ department: 'technical', similarity: 0.5 }] })
    expect(alone).toMatchObject({ department: 'technical', confidence: singleClassConfidence })
    const contradicted = model.predict({
      text,
      neighbours: [0.9, 0.8, 0.7].map((similarity) => ({ department: 'commercial' as const, similarity })),
    })
    expect(contradicted.department).toBe('commercial')
    expect(trainDepartmentModel([]).predict({ text, neighbours: [] }).confidence).toBe(0.5)
  })
})

describe('crossValidate on the hand-written set', () => {
  it('predicts every example once, out of fold, with per-language reports', () => {
    const result = crossValidate(examples, 4, 3)
    expect(result.predictions).toHaveLength(examples.length)
    expect(new Set(result.predictions.map((prediction) => prediction.example)).size).toBe(examples.length)
    expect(Object.keys(result.byLanguage)).toEqual(['de', 'en'])
    expect(result.byLanguage.de!.count + result.byLanguage.en!.count).toBe(40)
    expect(result.overall.accuracy).toBeGreaterThan(0.6)
  })
})

describe('training speed', () => {
  // Reports the timings; asserts only that training and prediction work at this size (a timed
  // assertion would fail on a busy machine without telling anything about the code).
  it('featurizes and trains on 5 000 inquiries and reports how long it takes', async () => {
    const synthetic = await syntheticExamples(5000)
    const started = performance.now()
    const { featurizer, vectors } = fitAndVectorize(synthetic.map((example) => example.text))
    trainLogistic(
      vectors,
      synthetic.map((example) => (example.department === 'technical' ? 1 : 0)),
      { dimensions: featurizer.options.buckets },
    )
    const linearMs = performance.now() - started

    const modelStarted = performance.now()
    const model = trainDepartmentModel(synthetic)
    const modelMs = performance.now() - modelStarted
    const neighbours = createExampleIndex(synthetic).nearest(synthetic[0]!.embedding, 20)
    const predictStarted = performance.now()
    for (const example of synthetic.slice(0, 500)) model.predict({ text: example.text, neighbours })
    const predictMs = (performance.now() - predictStarted) / 500
    console.info(`5000 examples: linear ${linearMs.toFixed(0)} ms, full model ${modelMs.toFixed(0)} ms, predict ${predictMs.toFixed(3)} ms`)
    expect(model.exampleCount).toBe(5000)
    expect(model.predict({ text: synthetic[0]!.text, neighbours }).confidence).toBeGreaterThanOrEqual(0.5)
  }, 60_000)
})
