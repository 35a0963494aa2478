import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseEvalArgs, UsageError } from '../../eval/args.js'
import { CasesInvalidError, readEvalCases } from '../../eval/cases.js'
import { FileInvalidError, readLabelledFile } from '../../eval/tickets.js'
import { readDemoArticles } from '../../src/platform/node/knowledge-import/read-files.js'
import { runEval, writeFiles } from './support.js'

const good = {
  id: 'c1',
  body: 'Die Waschmaschine zeigt F21.',
  language: 'de',
  department: 'technical',
  escalate: false,
  reasons: [],
  targetArticle: null,
}
const badCases = [
  good,
  { ...good, id: 'c2', department: 'sales' },
  { ...good, id: 'c3', targetArticle: 'kb-xx-nowhere' },
  '{"id": "c4", ',
  { ...good, id: 'c1' },
]

describe('eval input validation', () => {
  it('accepts the shipped eval set, every target an article of the demo knowledge base', async () => {
    const ids = new Set((await readDemoArticles()).map((article) => String(article.externalId)))
    const cases = await readEvalCases(new URL('../../eval/cases.jsonl', import.meta.url).pathname, ids)
    expect(cases.length).toBeGreaterThanOrEqual(200)
    expect(new Set(cases.map((entry) => entry.language))).toEqual(new Set(['de', 'en']))
  })

  it('names the line and field of every bad case', async () => {
    const dir = await writeFiles({ 'cases.jsonl': badCases })
    const error = await readEvalCases(join(dir, 'cases.jsonl'), new Set(['kb-en-real'])).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(CasesInvalidError)
    const problems = (error as CasesInvalidError).problems
    expect(problems).toEqual([
      expect.stringMatching(/^line 2: field "department": /),
      'line 3: field "targetArticle": "kb-xx-nowhere" is not an article of the demo knowledge base',
      'line 4: not valid JSON',
      'line 5: field "id": "c1" repeats line 1',
    ])
  })

  it('exits 2 with the problems before any case runs', async () => {
    const dir = await writeFiles({ 'cases.jsonl': badCases })
    const run = await runEval(['--cases', join(dir, 'cases.jsonl'), '--no-write'])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/line 2: field "department"/)
    expect(run.stderr).toMatch(/line 3: field "targetArticle": "kb-xx-nowhere"/)
  })

  it('refuses bad arguments and unreadable or invalid files with exit code 2', async () => {
    const dir = await writeFiles({
      'rows.jsonl': [
        { body: 'fine', department: 'technical' },
        { subject: 'no body', department: 'technical' },
      ],
    })
    const missingTest = await runEval(['--train', join(dir, 'rows.jsonl')])
    expect(missingTest.code).toBe(2)
    expect(missingTest.stderr).toMatch(/--train and --test go together/)
    const unreadable = await runEval(['--train', join(dir, 'absent.jsonl'), '--test', join(dir, 'absent.jsonl'), '--json'])
    expect(unreadable.code).toBe(2)
    expect(unreadable.stderr).toMatch(/cannot read .*absent\.jsonl/)
    const invalid = await runEval(['--cv', '5', join(dir, 'rows.jsonl'), '--json'])
    expect(invalid.code).toBe(2)
    expect(invalid.stderr).toMatch(/rows\.jsonl line 2: field "body": needs a non-empty body or text/)
    expect(invalid.stdout).toBe('')
  })

  it('parses the three modes and rejects contradictions', () => {
    expect(parseEvalArgs([])).toMatchObject({ mode: 'project', casesFile: 'eval/cases.jsonl', outDir: 'eval', casesOnly: false })
    expect(parseEvalArgs(['--cases', 'c.jsonl', '--cases-only'])).toMatchObject({ mode: 'project', casesFile: 'c.jsonl', casesOnly: true })
    expect(parseEvalArgs(['--train', 'a', '--test', 'b', '--limit', '50', '--json'])).toEqual({
      mode: 'files',
      train: 'a',
      test: 'b',
      limit: 50,
      json: true,
    })
    expect(parseEvalArgs(['--cv', '5', 'a'])).toMatchObject({ mode: 'cv', file: 'a', folds: 5, seed: 1 })
    expect(parseEvalArgs(['--cv', '5', '--train', 'a', '--seed', '3'])).toMatchObject({ mode: 'cv', file: 'a', seed: 3 })
    for (const argv of [
      ['--cv', '5'],
      ['--cv', '1', 'a'],
      ['--cv', '5', 'a', '--test', 'b'],
      ['--limit', '0', '--train', 'a', '--test', 'b'],
      ['--bogus'],
      ['stray'],
      ['--limit', '5'],
      ['--cases-only'],
    ]) {
      expect(() => parseEvalArgs(argv), argv.join(' ')).toThrow(UsageError)
    }
  })

  it('reads ticket rows with subject and body, or text alone, and keeps other labels out of department scoring', async () => {
    const dir = await writeFiles({
      'rows.jsonl': [
        {
          subject: 'Router',
          body: 'WLAN fällt aus',
          department: 'technical',
          language: 'de',
          priority: 'HIGH',
          answer: ' Bitte neu starten. ',
        },
        { text: 'Where is my refund?', department: 'other' },
      ],
      'bad.jsonl': ['{"body": "x", "language": "english"}'],
    })
    const rows = await readLabelledFile(join(dir, 'rows.jsonl'))
    expect(rows.map(({ line, ...row }) => row)).toEqual([
      {
        id: 'line-1',
        subject: 'Router',
        body: 'WLAN fällt aus',
        language: 'de',
        department: 'technical',
        priority: 'high',
        answer: 'Bitte neu starten.',
      },
      {
        id: 'line-2',
        subject: undefined,
        body: 'Where is my refund?',
        language: undefined,
        department: null,
        priority: null,
        answer: null,
      },
    ])
    await expect(readLabelledFile(join(dir, 'bad.jsonl'))).rejects.toThrow(FileInvalidError)
  })
})
