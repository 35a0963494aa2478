import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sql } from '../../src/storage/sql.js'
import { expectedCalibrationError } from '../../src/triage/classifier/metrics.js'
import type { TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { openSeeded } from '../helpers/seed.js'

interface TriageCase {
  id: string
  subject?: string
  body: string
  language: string
  customer?: Record<string, string>
  expected: { department: string; escalate: boolean; reasons: string[] }
}

const cases = JSON.parse(await readFile(new URL('../fixtures/triage-cases.json', import.meta.url), 'utf8')) as TriageCase[]
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.99))]!

// The written acceptance set: angry, legal, safety, data-protection, key-account and injection cases,
// triaged through the HTTP API in-process with the hashing embedder and no LLM. Its labels follow the
// policy of issue 16 (press and reviews are public_exposure; a large order is not a key account).
describe.each(testDatabases)('triage acceptance set [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  let key: string
  beforeAll(async () => {
    ;({ sql, t } = await openSeeded(database))
    key = await t.keyFor('integration')
  })
  afterAll(async () => sql?.close())

  it('gets departments and escalations right and reports latency', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(60)
    const outcomes = []
    const latencies: number[] = []
    for (const entry of cases) {
      const started = performance.now()
      const response = await t.call('POST', '/v1/triage', {
        key,
        json: { subject: entry.subject, body: entry.body, customer: entry.customer },
      })
      latencies.push(performance.now() - started)
      expect(response.status).toBe(200)
      const result = (await response.json()) as {
        department: 'technical' | 'commercial'
        confidence: number
        escalation: { escalate: boolean; reasons: Array<{ code: string }> }
      }
      outcomes.push({ entry, result })
    }
    const departmentRight = outcomes.filter(({ entry, result }) => result.department === entry.expected.department).length
    const truePositive = outcomes.filter(({ entry, result }) => entry.expected.escalate && result.escalation.escalate).length
    const predicted = outcomes.filter(({ result }) => result.escalation.escalate).length
    const expected = outcomes.filter(({ entry }) => entry.expected.escalate).length
    const missingReasons = outcomes.flatMap(({ entry, result }) =>
      entry.expected.reasons
        .filter((code) => !result.escalation.reasons.some((reason) => reason.code === code))
        .map((code) => `${entry.id}:${code}`),
    )
    const report = {
      n: cases.length,
      departmentAccuracy: departmentRight / cases.length,
      escalationRecall: truePositive / expected,
      escalationPrecision: truePositive / predicted,
      // Calibration on data the model never saw (the acceptance set is not in the training examples).
      expectedCalibrationError:
        Math.round(
          expectedCalibrationError(
            outcomes.map(({ entry, result }) => ({
              predicted: result.department,
              actual: entry.expected.department as 'technical' | 'commercial',
              confidence: result.confidence,
              language: entry.language,
            })),
          ) * 1000,
        ) / 1000,
      latencyMs: { median: Math.round(median(latencies) * 10) / 10, p99: Math.round(p99(latencies) * 10) / 10 },
    }
    console.info(`[${database.name}] triage acceptance`, JSON.stringify(report), 'missing reasons:', missingReasons)
    expect(report.departmentAccuracy).toBeGreaterThanOrEqual(0.95)
    // A learned detector (issue 16), no longer rules written for these very cases: the targets of the
    // blind sets apply here too, and most named reasons must be found, not every one.
    expect(report.escalationRecall).toBeGreaterThanOrEqual(0.95)
    expect(report.escalationPrecision).toBeGreaterThanOrEqual(0.85)
    const expectedReasons = cases.reduce((sum, entry) => sum + entry.expected.reasons.length, 0)
    expect(1 - missingReasons.length / expectedReasons).toBeGreaterThanOrEqual(0.85)
  })
})
