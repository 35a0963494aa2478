import { upsertArticles } from '../src/knowledge/ingest.js'
import type { ClassificationReport, ScoredPrediction } from '../src/triage/classifier/metrics.js'
import { stratifiedFolds } from '../src/triage/classifier/random.js'
import { addExamples } from '../src/triage/examples.js'
import { analyzeInquiry } from '../src/triage/pipeline.js'
import { createEvalDeps, loadWithoutVectorIndexes, trainClassifier, withReadMemo, type EvalDeps } from './deps.js'
import { inquiryText } from './inquiry-text.js'
import { searchTop5 } from './project.js'
import { rankOf, scoreBinary, scoreDepartments, scoreRetrieval } from './scorers.js'
import { expectsEscalation, readLabelledFile, type LabelledRow } from './tickets.js'

type Log = (line: string) => void

/** What one evaluated row came out as. */
interface RowOutcome {
  row: LabelledRow
  department: ScoredPrediction['predicted']
  confidence: number
  escalate: boolean
  /** Rank of the row's own answer in hybrid search (k = 5); undefined without an answer. */
  rank: number | null | undefined
}

/** The one JSON object `--train/--test` and `--cv` print. */
export interface FileEvalResult {
  mode: 'train-test' | 'cv'
  department: (Omit<ClassificationReport, 'reliability' | 'count'> & { n: number; byLanguage: Record<string, LanguageScores> }) | null
  retrieval: { recallAt1: number; recallAt3: number; recallAt5: number; mrr: number; n: number; articles: number } | null
  escalation: { precision: number | null; recall: number | null; n: number; expected: number; escalated: number } | null
  n: number
  trainExamples: number
  folds?: number
  seed?: number
}

type LanguageScores = { accuracy: number; macroF1: number; ece: number; n: number }

/** Trains on one file's technical/commercial rows only (no default examples), evaluates on the other. */
export async function runTrainTest(command: { train: string; test: string; limit: number | null }, log: Log): Promise<FileEvalResult> {
  const [train, test] = await Promise.all([readLabelledFile(command.train, command.limit), readLabelledFile(command.test, command.limit)])
  const deps = await createEvalDeps()
  try {
    const { articles, targets } = await loadAnswers(deps, test, log)
    const examples = await addTrainingRows(deps, train, log)
    const outcomes = await evaluateRows(deps, test, targets, log)
    return { mode: 'train-test', ...summarise(outcomes, articles), trainExamples: examples }
  } finally {
    await deps.sql.close()
  }
}

/**
 * k-fold cross-validation on one file, folds stratified by department and seeded. The knowledge base
 * (the file's answers) is loaded once and copied into each fold's fresh database from a dump; each
 * fold trains on the other folds' rows and is evaluated through the pipeline.
 */
export async function runCrossValidation(
  command: { file: string; folds: number; seed: number; limit: number | null },
  log: Log,
): Promise<FileEvalResult> {
  const rows = await readLabelledFile(command.file, command.limit)
  const folds = stratifiedFolds(
    Uint8Array.from(rows, (row) => (row.department === 'technical' ? 1 : row.department === 'commercial' ? 0 : 2)),
    command.folds,
    command.seed,
  )
  const base = await createEvalDeps()
  const { articles, targets, dump } = await loadAnswers(base, rows, log)
    .then(async (loaded) => ({ ...loaded, dump: await base.sql.dump() }))
    .finally(() => base.sql.close())
  const outcomes: RowOutcome[] = []
  let trainExamples = 0
  for (let fold = 0; fold < command.folds; fold++) {
    log(`fold ${fold + 1}/${command.folds}`)
    const deps = await createEvalDeps({ loadDataDir: dump })
    try {
      trainExamples += await addTrainingRows(
        deps,
        rows.filter((_, index) => folds[index] !== fold),
        log,
      )
      outcomes.push(
        ...(await evaluateRows(
          deps,
          rows.filter((_, index) => folds[index] === fold),
          targets,
          log,
        )),
      )
    } finally {
      await deps.sql.close()
    }
  }
  return {
    mode: 'cv',
    ...summarise(outcomes, articles),
    trainExamples: Math.round(trainExamples / command.folds),
    folds: command.folds,
    seed: command.seed,
  }
}

/** Labelled technical/commercial rows become training examples; the classifier is trained on them now. */
async function addTrainingRows(deps: EvalDeps, rows: readonly LabelledRow[], log: Log): Promise<number> {
  const labelled = rows.filter((row) => row.department)
  if (labelled.length === 0) throw new Error('the training rows hold no technical or commercial example')
  const started = performance.now()
  const inputs = labelled.map((row) => ({
    text: inquiryText(row),
    department: row.department,
    ...(row.language ? { language: row.language } : {}),
  }))
  const result = await loadWithoutVectorIndexes(deps, () => addExamples(deps, inputs, 'import'))
  if (result.failed.length) log(`${result.failed.length} training rows rejected, first: ${result.failed[0]!.reason}`)
  const stored = performance.now()
  await trainClassifier(deps)
  log(
    `${result.created} examples stored (${result.duplicates} duplicates) in ${seconds(started, stored)} s, classifier trained in ${seconds(stored)} s`,
  )
  return result.created
}

/**
 * The knowledge base of a ticket file: one article per distinct non-empty answer (identical answers
 * share one), titled by the row's subject or its first words. Returns each row's target article.
 */
async function loadAnswers(
  deps: EvalDeps,
  rows: readonly LabelledRow[],
  log: Log,
): Promise<{ articles: number; targets: Map<LabelledRow, string> }> {
  const targets = new Map<LabelledRow, string>()
  const byAnswer = new Map<string, { externalId: string; title: string; body: string; language: string; department: 'both' }>()
  for (const row of rows) {
    if (!row.answer) continue
    let article = byAnswer.get(row.answer)
    if (!article) {
      article = {
        externalId: `answer-${byAnswer.size + 1}`,
        title: titleOf(row),
        body: row.answer,
        language: row.language ?? 'en',
        department: 'both',
      }
      byAnswer.set(row.answer, article)
    }
    targets.set(row, article.externalId)
  }
  if (byAnswer.size === 0) return { articles: 0, targets }
  const started = performance.now()
  const articles = [...byAnswer.values()]
  const result = await loadWithoutVectorIndexes(deps, () => upsertArticles(deps, articles))
  if (result.failed.length)
    throw new Error(
      `answer articles rejected: ${result.failed
        .slice(0, 3)
        .map((failure) => `${failure.externalId}: ${failure.reason}`)
        .join('; ')}`,
    )
  log(`knowledge base: ${articles.length} answers in ${seconds(started)} s`)
  return { articles: articles.length, targets }
}

function titleOf(row: LabelledRow): string {
  return (row.subject || row.body.split(/\s+/).slice(0, 8).join(' ')).slice(0, 200)
}

/** Every row through analyzeInquiry (department and escalation); rows with an answer also through k = 5 search. */
async function evaluateRows(
  deps: EvalDeps,
  rows: readonly LabelledRow[],
  targets: Map<LabelledRow, string>,
  log: Log,
): Promise<RowOutcome[]> {
  const outcomes: RowOutcome[] = []
  const started = performance.now()
  // Per row, the k = 5 search repeats the statements of triage's own retrieval: served from a memo.
  const sql = withReadMemo(deps.sql)
  const rowDeps = { ...deps, sql }
  for (const row of rows) {
    sql.clear()
    const input = { ...(row.subject ? { subject: row.subject } : {}), body: row.body }
    const { result } = await analyzeInquiry(rowDeps, input)
    const target = targets.get(row)
    const rank = target ? rankOf(await searchTop5(rowDeps, inquiryText(input), result.language), target) : undefined
    outcomes.push({ row, department: result.department, confidence: result.confidence, escalate: result.escalation.escalate, rank })
    if (outcomes.length % 500 === 0) log(`  ${outcomes.length}/${rows.length} rows (${seconds(started)} s)`)
  }
  log(`evaluated ${rows.length} rows in ${seconds(started)} s`)
  return outcomes
}

function summarise(outcomes: RowOutcome[], articles: number): Omit<FileEvalResult, 'mode' | 'trainExamples'> {
  const predictions: ScoredPrediction[] = outcomes.flatMap(({ row, department, confidence }) =>
    row.department ? [{ actual: row.department, predicted: department, confidence, language: row.language ?? 'unknown' }] : [],
  )
  const retrieval = scoreRetrieval(outcomes.flatMap((outcome) => (outcome.rank === undefined ? [] : [outcome.rank])))
  const escalated = outcomes.flatMap((outcome) => {
    const expected = expectsEscalation(outcome.row)
    return expected === null ? [] : [{ expected, predicted: outcome.escalate }]
  })
  const escalation = scoreBinary(escalated)
  return {
    department: predictions.length ? departmentSummary(predictions) : null,
    retrieval: retrieval ? { ...retrieval, articles } : null,
    escalation: escalated.length
      ? {
          precision: escalation.precision,
          recall: escalation.recall,
          n: escalation.n,
          expected: escalation.truePositives + escalation.falseNegatives,
          escalated: escalation.truePositives + escalation.falsePositives,
        }
      : null,
    n: outcomes.length,
  }
}

function departmentSummary(predictions: ScoredPrediction[]): NonNullable<FileEvalResult['department']> {
  const { reliability: _reliability, count, confusion: _confusion, byLanguage, ...overall } = scoreDepartments(predictions)
  const compact = (report: ClassificationReport): LanguageScores => ({
    accuracy: report.accuracy,
    macroF1: report.macroF1,
    ece: report.ece,
    n: report.count,
  })
  return {
    ...overall,
    n: count,
    byLanguage: Object.fromEntries(Object.entries(byLanguage).map(([language, report]) => [language, compact(report)])),
  }
}

const seconds = (since: number, until = performance.now()) => ((until - since) / 1000).toFixed(1)
