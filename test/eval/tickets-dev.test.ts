import { describe, expect, it } from 'vitest'
import { sharedDataFile } from '../helpers/shared-data.js'
import { runEval } from './support.js'

const file = sharedDataFile('tickets-dev.jsonl')

// Synthetic, noisily labelled tickets (CC BY-NC 4.0, evaluation only), read in place and never copied.
// A 400-row prefix keeps CI short; README "Evaluation" has the figures of the whole file.
describe.skipIf(!file)('npm run eval -- --cv on the dev tickets (needs ../shared/data/tickets-dev.jsonl)', () => {
  it('cross-validates a subset through the pipeline, well above chance', async () => {
    const run = await runEval(['--cv', '3', file!, '--limit', '400', '--json'])
    expect(run.code, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout) as Record<string, any>
    console.info('tickets-dev, 400 rows, 3-fold CV:', run.stdout.trim())
    expect(result).toMatchObject({ mode: 'cv', folds: 3, seed: 1, n: 400 })
    expect(Object.keys(result.department.byLanguage).sort()).toEqual(['de', 'en'])
    expect(result.department.macroF1).toBeGreaterThan(0.55)
    expect(result.department.ece).toBeLessThan(0.15)
    // Each row's own answer among 400: the hybrid search finds most of them.
    expect(result.retrieval.recallAt5).toBeGreaterThan(0.7)
    expect(result.escalation.n).toBe(400)
  }, 900_000)
})
