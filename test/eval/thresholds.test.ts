import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkThresholds, readThresholds } from '../../eval/thresholds.js'
import { runEval, writeFiles } from './support.js'

const cases = [
  {
    id: 't1',
    body: 'Aus der Waschmaschine ist Wasser ausgelaufen, der Aquastop hat ausgelöst.',
    language: 'de',
    department: 'technical',
    escalate: false,
    reasons: [],
    targetArticle: 'kb-de-aquastop',
  },
  {
    id: 't2',
    subject: 'Refund',
    body: 'I returned the coffee machine two weeks ago. When do I get my money back?',
    language: 'en',
    department: 'commercial',
    escalate: false,
    reasons: [],
    targetArticle: null,
  },
  {
    id: 't3',
    body: 'The charger of my robot vacuum started smoking and smells burnt!',
    language: 'en',
    department: 'technical',
    escalate: true,
    reasons: ['safety'],
    targetArticle: null,
  },
]

describe('eval thresholds', () => {
  it('passes and fails gates by min and max, and fails a metric that was not measured', () => {
    const report = { department: { macroF1: 0.9, ece: 0.05 }, escalation: { precision: null } }
    const results = checkThresholds(report, [
      { metric: 'department.macroF1', min: 0.85, target: 0.95 },
      { metric: 'department.ece', max: 0.04 },
      { metric: 'escalation.precision', min: 0.5 },
      { metric: 'retrieval.recallAt5', min: 0.5 },
      { metric: 'crossLingual.adobe.byDirection.deToEn.recallAt5', min: 0.9, optional: true },
      { metric: 'department.macroF1', min: 0.95, optional: true },
    ])
    expect(results.map((result) => [result.metric, result.passed, result.targetMet])).toEqual([
      ['department.macroF1', true, false],
      ['department.ece', false, null],
      ['escalation.precision', false, null],
      ['retrieval.recallAt5', false, null],
      // An optional gate passes only when its data is absent, never when it is measured and missed.
      ['crossLingual.adobe.byDirection.deToEn.recallAt5', true, null],
      ['department.macroF1', false, null],
    ])
  })

  it('the shipped gates name metrics the report has', async () => {
    const checks = await readThresholds(new URL('../../eval/thresholds.json', import.meta.url).pathname)
    const report = JSON.parse(await readFile(new URL('../../eval/report.json', import.meta.url), 'utf8')) as unknown
    expect(checkThresholds(report, checks).filter((result) => result.measured === null)).toEqual([])
  })

  it('exits non-zero and names the gate when a threshold is missed', async () => {
    const dir = await writeFiles({
      'cases.jsonl': cases,
      'thresholds.json': JSON.stringify({
        checks: [
          { metric: 'department.macroF1', min: 1.01 },
          { metric: 'department.ece', max: 1 },
        ],
      }),
    })
    const run = await runEval([
      '--cases',
      join(dir, 'cases.jsonl'),
      '--thresholds',
      join(dir, 'thresholds.json'),
      '--out',
      join(dir, 'report'),
      // The gates here are the cases' own; the blind and shared-data sets are measured by CI's full eval.
      '--cases-only',
    ])
    expect(run.code, run.stderr).toBe(1)
    expect(run.stdout).toMatch(/FAILED department\.macroF1 = [\d.]+ \(gate >= 1\.01\)/)
    expect(run.stdout).toMatch(/ok +department\.ece/)
    expect(run.stderr).toMatch(/1 gate\(s\) missed: department\.macroF1/)
    const written = JSON.parse(await readFile(join(dir, 'report', 'report.json'), 'utf8')) as Record<string, unknown>
    expect(written.cases).toBe(3)
    expect(written).toMatchObject({ signals: null, crossLingual: { blindC: null, blindD: null, adobe: null } })
    expect(await readFile(join(dir, 'report', 'confusion-matrix.svg'), 'utf8')).toMatch(/^<svg /)
  })
})
