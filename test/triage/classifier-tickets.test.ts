import { readFile } from 'node:fs/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'
import { fitAndVectorize, type FeatureOptions } from '../../src/triage/classifier/features.js'
import { predictLogit, trainLogistic } from '../../src/triage/classifier/logistic.js'
import { crossValidate, type ClassificationReport, type CrossValidationResult, type Trainer } from '../../src/triage/classifier/metrics.js'
import { labelOf, sigmoid, type Department, type LabelledExample } from '../../src/triage/classifier/types.js'
import { sharedDataFile } from '../helpers/shared-data.js'

const file = sharedDataFile('tickets-dev.jsonl')

/** The linear model alone, decided at p = 0.5 of its (class-balanced, uncalibrated) logit. */
function linearOnly(features: FeatureOptions): Trainer {
  return (examples) => {
    const { featurizer, vectors } = fitAndVectorize(examples.map((example) => example.text), features)
    const labels = examples.map((example) => labelOf(example.department))
    const model = trainLogistic(vectors, labels, { dimensions: featurizer.options.buckets })
    return {
      predict: ({ text }) => {
        const linear = predictLogit(model, featurizer.vectorize(text))
        const technical = sigmoid(linear)
        const department: Department = technical >= 0.5 ? 'technical' : 'commercial'
        const confidence = Math.max(technical, 1 - technical)
        return { department, confidence, probabilities: { technical, commercial: 1 - technical }, signals: { linear, knn: 0 } }
      },
    }
  }
}

const format = (report: ClassificationReport | undefined) =>
  report
    ? `acc ${report.accuracy.toFixed(3)}  macro-F1 ${report.macroF1.toFixed(3)}  ECE ${report.ece.toFixed(3)}  (n ${report.count})`
    : 'n/a'

function summarise(name: string, result: CrossValidationResult, milliseconds: number): string {
  const { overall, byLanguage } = result
  return [
    `${name} (${(milliseconds / 1000).toFixed(1)} s)`,
    `  overall  ${format(overall)}`,
    `  de       ${format(byLanguage.de)}`,
    `  en       ${format(byLanguage.en)}`,
    `  technical P ${overall.classes.technical.precision.toFixed(3)} R ${overall.classes.technical.recall.toFixed(3)}` +
      `  commercial P ${overall.classes.commercial.precision.toFixed(3)} R ${overall.classes.commercial.recall.toFixed(3)}`,
  ].join('\n')
}

function timed<T>(run: () => T): [T, number] {
  const started = performance.now()
  return [run(), performance.now() - started]
}

// Synthetic, noisily labelled tickets (CC BY-NC 4.0: evaluation only), read from ../shared/data and never
// copied into the project. Only technical/commercial rows; text = subject + "\n" + body.
describe.skipIf(!file)('department classifier, 5-fold CV on the dev tickets (needs ../shared/data/tickets-dev.jsonl)', () => {
  let examples: LabelledExample[] = []

  beforeAll(async () => {
    const rows = (await readFile(file!, 'utf8'))
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as { subject: string; body: string; department: string; language: string })
      .filter((row) => row.department === 'technical' || row.department === 'commercial')
    const texts = rows.map((row) => `${row.subject}\n${row.body}`)
    const embeddings = await createHashingEmbedder(1024).embed(texts)
    examples = rows.map((row, index) => ({
      text: texts[index]!,
      department: row.department as Department,
      language: row.language,
      embedding: embeddings[index]!,
    }))
  }, 60_000)

  it('beats the hashed character n-gram linear baseline, calibrated', () => {
    const [stacked, stackedMs] = timed(() => crossValidate(examples, 5, 1))
    const [linear, linearMs] = timed(() => crossValidate(examples, 5, 1, { neighbours: 0, train: linearOnly({}) }))
    const [baseline, baselineMs] = timed(() =>
      crossValidate(examples, 5, 1, { neighbours: 0, train: linearOnly({ words: false, idf: false }) }),
    )
    console.info(
      [
        `dev tickets, ${examples.length} technical/commercial rows, stratified 5-fold CV, seed 1`,
        summarise('stacked model (linear + kNN, calibrated)', stacked, stackedMs),
        summarise('linear alone, words + char n-grams, TF-IDF', linear, linearMs),
        summarise('baseline: linear alone, char n-grams only, TF', baseline, baselineMs),
        `reliability (stacked): ${stacked.overall.reliability
          .filter((bin) => bin.count > 0)
          .map((bin) => `[${bin.lower.toFixed(1)},${bin.upper.toFixed(1)}) n ${bin.count} conf ${bin.meanConfidence.toFixed(3)} acc ${bin.accuracy.toFixed(3)}`)
          .join('; ')}`,
      ].join('\n'),
    )
    expect(stacked.overall.macroF1).toBeGreaterThan(0.71)
    expect(stacked.overall.macroF1).toBeGreaterThan(baseline.overall.macroF1 + 0.01)
    expect(stacked.overall.ece).toBeLessThan(0.03)
  })
})
