import { loadDemoKnowledge } from '../src/knowledge/demo.js'
import { readDefaultExamples, readDemoArticles } from '../src/platform/node/knowledge-import/read-files.js'
import { searchKnowledge } from '../src/knowledge/search.js'
import type { ScoredPrediction } from '../src/triage/classifier/metrics.js'
import { loadDefaultExamples } from '../src/triage/examples.js'
import { analyzeInquiry } from '../src/triage/pipeline.js'
import type { TriageResult } from '../src/triage/triage-result.js'
import { readEvalCases, type EvalCase } from './cases.js'
import { createEvalDeps, trainClassifier, type EvalDeps } from './deps.js'
import { inquiryText, retrievalQueryLength } from './inquiry-text.js'
import {
  percentile,
  rankOf,
  scoreBinary,
  scoreDepartments,
  scoreReasons,
  scoreRetrieval,
  type BinaryScores,
  type DepartmentScores,
  type RetrievalScores,
} from './scorers.js'
import { gitCommit } from './git.js'
import { access } from 'node:fs/promises'
import { readEscalationCorpus } from '../src/platform/node/knowledge-import/read-files.js'
import {
  aloneReasons,
  detectorSystem,
  rulesSystem,
  runEscalationSet,
  trainPlainBaseline,
  type EscalationSetReport,
} from './escalation-sets.js'
import { measureSignals, sharedDataDir, type SignalsReport } from './signals.js'
import {
  measureAdobeCrossLingual,
  measureCrossLingualSet,
  type AdobeCrossLingualReport,
  type CrossLingualSetReport,
} from './crosslingual.js'
import {
  measureRelevanceCalibration,
  notMeasured,
  readRelevantArticles,
  scoreShownSuggestions,
  type RelevanceReport,
} from './relevance/measure.js'

/** What one case came out as; kept in report.json so a regression can be traced to its cases. */
export interface CaseOutcome {
  id: string
  language: string
  detectedLanguage: string
  department: string
  predicted: string
  confidence: number
  escalate: boolean
  predictedEscalate: boolean
  reasons: string[]
  detectedReasons: string[]
  targetArticle: string | null
  /** Rank of the target in hybrid search (k = 5); null when missed or when there is no target. */
  rank: number | null
  suggested: string[]
  /** Relevance of each suggestion shown, in order (null in a space without a relevance model). */
  relevance: Array<number | null>
  /** The safety article pinned first, if any. */
  pinned: string | null
  ms: number
}

export interface ProjectReport {
  kind: 'project'
  createdAt: string
  git: { commit: string; dirty: boolean }
  versions: TriageResult['versions'] & { embeddingProvider: string }
  cases: number
  department: DepartmentScores
  escalation: BinaryScores & { byReason: Record<string, BinaryScores> }
  retrieval: RetrievalScores & { suggestedTop3: number }
  /** Detected language against the case's language. */
  languageAccuracy: number
  latency: { medianMs: number; p99Ms: number; meanMs: number; warmup: number }
  /** Escalation on the own set and the blind sets, beside the lexical baselines (eval/escalation-sets.ts). */
  escalationSets: Record<string, EscalationSetReport>
  /** The signals on real human-written text (../shared/data), or null when that folder is absent. */
  signals: SignalsReport | null
  /** Relevance calibration per embedding space (cross-validated) and what triage showed on the cases. */
  relevance: RelevanceReport
  /**
   * Retrieval when the answer exists only in the other language (eval/crosslingual.ts): the blind set C
   * (null when absent) and the Adobe summaries both ways (null without ../shared/data).
   */
  crossLingual: { blindC: CrossLingualSetReport | null; blindD: CrossLingualSetReport | null; adobe: AdobeCrossLingualReport | null }
  outcomes: CaseOutcome[]
}

const warmupCases = 5

/**
 * Runs every case through analyzeInquiry on a fresh in-memory PGlite holding the demo knowledge base
 * and the default examples. The language is not passed, so detection is part of what is measured.
 */
export async function runProjectEval(options: {
  casesFile: string
  log: (line: string) => void
  /** Only the cases: no blind sets, signals, relevance calibration or cross-lingual sets (those stay null or empty). */
  casesOnly?: boolean
  blindSets?: Array<{ name: string; file: string }>
  signalsDir?: string
  crossLingualFile?: string
}): Promise<ProjectReport> {
  const articles = await readDemoArticles()
  const cases = await readEvalCases(options.casesFile, new Set(articles.map((article) => String(article.externalId))))
  options.log(`${cases.length} cases valid; seeding a fresh PGlite with ${articles.length} demo articles and the default examples`)
  const deps = await createEvalDeps()
  try {
    await loadDemoKnowledge(deps, async () => articles)
    await loadDefaultExamples(deps, readDefaultExamples)
    await trainClassifier(deps)
    // The first calls pay for JIT compilation and cold caches; they are run once, unmeasured.
    for (const entry of cases.slice(0, warmupCases)) await analyzeInquiry(deps, inputOf(entry))
    const outcomes: CaseOutcome[] = []
    let versions: TriageResult['versions'] | undefined
    for (const entry of cases) {
      const { outcome, result } = await runCase(deps, entry)
      versions ??= result.versions
      outcomes.push(outcome)
    }
    const extras = options.casesOnly ? await casesOnly(deps, outcomes, options) : await everySet(deps, outcomes, options)
    return {
      ...(await summarise(cases, outcomes, { ...versions!, embeddingProvider: deps.embeddings.target.space.provider })),
      ...extras,
    }
  } finally {
    await deps.sql.close()
  }
}

type ProjectEvalOptions = Parameters<typeof runProjectEval>[0]
type Extras = Pick<ProjectReport, 'escalationSets' | 'signals' | 'relevance' | 'crossLingual'>

/** The blind escalation sets, the signals on real text, relevance calibration and the cross-lingual sets. */
async function everySet(deps: EvalDeps, outcomes: CaseOutcome[], options: ProjectEvalOptions): Promise<Extras> {
  const escalationSets = await measureEscalationSets(
    deps,
    [{ name: 'own', file: options.casesFile }, ...(options.blindSets ?? defaultBlindSets)],
    options.log,
  )
  const signals = await measureSignals(deps, options.signalsDir ?? sharedDataDir, options.log)
  const calibration = await measureRelevanceCalibration(deps, options.log)
  return {
    escalationSets,
    signals,
    relevance: {
      spaces: { [deps.embeddings.target.space.provider]: calibration },
      notMeasured,
      shown: scoreShownSuggestions(outcomes, deps.config.triage.suggestionMinRelevance, await readRelevantArticles()),
    },
    crossLingual: {
      blindC: await measureCrossLingualSet(options.crossLingualFile ?? 'eval/crosslingual/blind-c.jsonl', options.log),
      // Written after C had been reported, to check that C's figure was not a lucky or spent set.
      blindD: await measureCrossLingualSet('eval/crosslingual/blind-d.jsonl', options.log),
      adobe: await measureAdobeCrossLingual(options.log),
    },
  }
}

/** `--cases-only`: what the given cases say, and nothing measured on other sets. */
async function casesOnly(deps: EvalDeps, outcomes: CaseOutcome[], options: ProjectEvalOptions): Promise<Extras> {
  return {
    escalationSets: await measureEscalationSets(deps, [{ name: 'own', file: options.casesFile }], options.log),
    signals: null,
    relevance: {
      spaces: {},
      notMeasured,
      shown: scoreShownSuggestions(outcomes, deps.config.triage.suggestionMinRelevance, await readRelevantArticles()),
    },
    crossLingual: { blindC: null, blindD: null, adobe: null },
  }
}

async function runCase(deps: EvalDeps, entry: EvalCase): Promise<{ outcome: CaseOutcome; result: TriageResult }> {
  const input = inputOf(entry)
  const started = performance.now()
  const { result } = await analyzeInquiry(deps, input)
  const ms = performance.now() - started
  const ranked = await searchTop5(deps, inquiryText(input), result.language)
  return {
    result,
    outcome: {
      id: entry.id,
      language: entry.language,
      detectedLanguage: result.language,
      department: entry.department,
      predicted: result.department,
      confidence: result.confidence,
      escalate: entry.escalate,
      predictedEscalate: result.escalation.escalate,
      reasons: entry.reasons,
      detectedReasons: result.escalation.reasons.map((reason) => reason.code),
      targetArticle: entry.targetArticle,
      rank: entry.targetArticle ? rankOf(ranked, entry.targetArticle) : null,
      suggested: result.suggestions.map((suggestion) => suggestion.externalId),
      relevance: result.suggestions.map((suggestion) => suggestion.relevance ?? null),
      pinned: result.suggestions.find((suggestion) => suggestion.pinned)?.externalId ?? null,
      ms: Math.round(ms * 100) / 100,
    },
  }
}

/**
 * Hybrid search as triage runs it: the whole text's vector, the query cut to the same length, articles
 * in the inquiry's language and, through the glossary translation, in the other languages. Only k
 * differs (5 instead of triage's 6), which leaves the ranking unchanged: both fetch 40 candidates per list.
 */
export async function searchTop5(deps: EvalDeps, text: string, language: string): Promise<string[]> {
  const [vector] = await deps.embeddings.target.embed([text], { purpose: 'query' })
  const { results } = await searchKnowledge(deps, { q: text.slice(0, retrievalQueryLength), k: 5, queryLanguage: language, vector })
  return results.map((hit) => hit.externalId)
}

function inputOf(entry: EvalCase) {
  return { ...(entry.subject ? { subject: entry.subject } : {}), body: entry.body }
}

/** The blind sets in eval/escalation/ that exist (blind-b is written after tuning against blind-a). */
const defaultBlindSets = [
  { name: 'blindA', file: 'eval/escalation/blind-a.jsonl' },
  { name: 'blindB', file: 'eval/escalation/blind-b.jsonl' },
]

async function measureEscalationSets(
  deps: EvalDeps,
  sets: Array<{ name: string; file: string }>,
  log: (line: string) => void,
): Promise<Record<string, EscalationSetReport>> {
  const state = await deps.escalation.current(deps)
  const corpus = (await readEscalationCorpus()).map((line) => {
    const { subject, body, reasons } = line as { subject?: string; body: string; reasons: string[] }
    return { text: [subject, body].filter(Boolean).join('\n\n'), reasons }
  })
  const systems = { ours: detectorSystem(state), plainLr: trainPlainBaseline(corpus, state), rules: rulesSystem }
  const reports: Record<string, EscalationSetReport> = {}
  for (const set of sets) {
    if (set.name !== 'own' && !(await exists(set.file))) continue
    reports[set.name] = await runEscalationSet(deps, set, systems, aloneReasons(state))
    log(`escalation set ${set.name}: ${reports[set.name]!.n} cases`)
  }
  return reports
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  )
}

async function summarise(
  cases: EvalCase[],
  outcomes: CaseOutcome[],
  versions: ProjectReport['versions'],
): Promise<Omit<ProjectReport, 'escalationSets' | 'signals' | 'relevance' | 'crossLingual'>> {
  const predictions: ScoredPrediction[] = outcomes.map((outcome) => ({
    actual: outcome.department as ScoredPrediction['actual'],
    predicted: outcome.predicted as ScoredPrediction['predicted'],
    confidence: outcome.confidence,
    language: outcome.language,
  }))
  const targeted = outcomes.filter((outcome) => outcome.targetArticle)
  const retrieval = scoreRetrieval(targeted.map((outcome) => outcome.rank))
  const suggestedTop3 = targeted.filter((outcome) => outcome.suggested.includes(outcome.targetArticle!)).length / (targeted.length || 1)
  const times = outcomes.map((outcome) => outcome.ms)
  return {
    kind: 'project',
    createdAt: new Date().toISOString(),
    git: await gitCommit(),
    versions,
    cases: cases.length,
    department: scoreDepartments(predictions),
    escalation: {
      ...scoreBinary(outcomes.map((outcome) => ({ expected: outcome.escalate, predicted: outcome.predictedEscalate }))),
      byReason: scoreReasons(outcomes.map((outcome) => ({ expected: outcome.reasons, detected: outcome.detectedReasons }))),
    },
    retrieval: { ...(retrieval ?? { recallAt1: 0, recallAt3: 0, recallAt5: 0, mrr: 0, n: 0 }), suggestedTop3 },
    languageAccuracy: outcomes.filter((outcome) => outcome.detectedLanguage === outcome.language).length / outcomes.length,
    latency: {
      medianMs: percentile(times, 50),
      p99Ms: percentile(times, 99),
      meanMs: times.reduce((sum, time) => sum + time, 0) / times.length,
      warmup: Math.min(warmupCases, cases.length),
    },
    outcomes,
  }
}
