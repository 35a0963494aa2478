import { parseArgs } from 'node:util'
import { signalKinds, type SignalKind } from './signal-kinds.js'

/** What `npm run eval` was asked to do. */
export type EvalCommand =
  | { mode: 'project'; casesFile: string; thresholdsFile: string; outDir: string | null; json: boolean; casesOnly: boolean }
  | { mode: 'files'; train: string; test: string; limit: number | null; json: boolean }
  | { mode: 'cv'; file: string; folds: number; seed: number; limit: number | null; json: boolean }
  | { mode: 'signal-cv'; signal: SignalKind; file: string; folds: number; seed: number; json: boolean }
  | { mode: 'signal-files'; signal: SignalKind; train: string; test: string; json: boolean }
  | { mode: 'help' }

/** Bad arguments: the runner prints the message and the usage, and exits 2. */
export class UsageError extends Error {}

export const usage = `usage:
  npm run eval                                   the project's eval set (eval/cases.jsonl); writes eval/report.*
      [--cases <jsonl>] [--thresholds <json>] [--out <dir> | --no-write] [--json]
      [--cases-only]                             only the cases: no blind sets, signals, calibration or cross-lingual sets
  npm run eval -- --train <jsonl> --test <jsonl> [--limit <n>] [--json]
                                                 train the department classifier on one file, evaluate on the other
  npm run eval -- --cv <k> <jsonl> [--seed <n>] [--limit <n>] [--json]
                                                 k-fold cross-validation on one file (--train <jsonl> works too)
  npm run eval -- --signal <anger|complaint|negative> --cv <k> <jsonl> [--seed <n>] [--json]
  npm run eval -- --signal <anger|complaint|negative> --train <jsonl> --test <jsonl> [--json]
                                                 an escalation signal on real text (../shared/data/signals-*):
                                                 the detector's learner beside the plain lexical baseline`

const defaults = { cases: 'eval/cases.jsonl', thresholds: 'eval/thresholds.json', out: 'eval' }

export function parseEvalArgs(argv: string[]): EvalCommand {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const { values, positionals } = parsed
  if (values.help) return { mode: 'help' }
  const json = Boolean(values.json)
  if (values.signal !== undefined) return signalCommand(values, positionals, json)
  const limit = values.limit === undefined ? null : positiveInteger('--limit', values.limit)
  if (values.cv !== undefined) {
    if (values.test !== undefined) throw new UsageError('--cv takes one file; --test is for --train/--test runs')
    const files = [...positionals, ...(values.train !== undefined ? [values.train] : [])]
    if (files.length !== 1) throw new UsageError(`--cv needs exactly one file (as an argument or --train <file>), got ${files.length}`)
    const folds = positiveInteger('--cv', values.cv)
    if (folds < 2) throw new UsageError('--cv needs at least 2 folds')
    return { mode: 'cv', file: files[0]!, folds, seed: values.seed === undefined ? 1 : positiveInteger('--seed', values.seed), limit, json }
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`)
  if (values.train !== undefined || values.test !== undefined) {
    if (values.train === undefined || values.test === undefined) throw new UsageError('--train and --test go together')
    return { mode: 'files', train: values.train, test: values.test, limit, json }
  }
  if (values['cases-only'] && values.cases === undefined) throw new UsageError('--cases-only needs --cases <jsonl>')
  if (limit !== null || values.seed !== undefined) throw new UsageError('--limit and --seed apply to --train/--test and --cv runs')
  if (values['no-write'] && values.out !== undefined) throw new UsageError('--out and --no-write exclude each other')
  return {
    mode: 'project',
    casesFile: values.cases ?? defaults.cases,
    thresholdsFile: values.thresholds ?? defaults.thresholds,
    outDir: values['no-write'] ? null : (values.out ?? defaults.out),
    json,
    casesOnly: Boolean(values['cases-only']),
  }
}

function signalCommand(values: ReturnType<typeof parse>['values'], positionals: string[], json: boolean): EvalCommand {
  const signal = values.signal!
  if (!(signal in signalKinds)) throw new UsageError(`--signal must be one of ${Object.keys(signalKinds).join(', ')}, got "${signal}"`)
  if (values.limit !== undefined) throw new UsageError('--limit does not apply to --signal runs')
  if (values.cv !== undefined) {
    const files = [...positionals, ...(values.train !== undefined ? [values.train] : [])]
    if (files.length !== 1 || values.test !== undefined) throw new UsageError('--signal --cv takes exactly one file')
    const folds = positiveInteger('--cv', values.cv)
    if (folds < 2) throw new UsageError('--cv needs at least 2 folds')
    return {
      mode: 'signal-cv',
      signal: signal as SignalKind,
      file: files[0]!,
      folds,
      seed: values.seed === undefined ? 1 : positiveInteger('--seed', values.seed),
      json,
    }
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`)
  if (values.train === undefined || values.test === undefined)
    throw new UsageError('--signal needs --cv <k> <file>, or --train <file> --test <file>')
  if (values.seed !== undefined) throw new UsageError('--seed applies to --cv runs')
  return { mode: 'signal-files', signal: signal as SignalKind, train: values.train, test: values.test, json }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      train: { type: 'string' },
      test: { type: 'string' },
      cv: { type: 'string' },
      seed: { type: 'string' },
      limit: { type: 'string' },
      cases: { type: 'string' },
      'cases-only': { type: 'boolean' },
      thresholds: { type: 'string' },
      out: { type: 'string' },
      'no-write': { type: 'boolean' },
      json: { type: 'boolean' },
      signal: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}

function positiveInteger(name: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${name} must be a positive integer, got "${value}"`)
  return Number(value)
}
