import { createHash } from 'node:crypto'
import { access, readFile } from 'node:fs/promises'
import { loadDemoKnowledge } from '../../src/knowledge/demo.js'
import { upsertArticles } from '../../src/knowledge/ingest.js'
import { parseJsonLines } from '../../src/platform/node/knowledge-import/formats.js'
import { readDemoArticles } from '../../src/platform/node/knowledge-import/read-files.js'
import { detectLanguage } from '../../src/triage/language.js'
import { retrieveCandidates } from '../../src/triage/pipeline.js'
import { relevanceContext, relevanceFeatures } from '../../src/triage/relevance.js'
import { readEvalCases } from '../cases.js'
import { createEvalDeps, loadWithoutVectorIndexes, type EvalDeps } from '../deps.js'
import { inquiryText } from '../inquiry-text.js'
import { sharedDataDir } from '../signals.js'

/**
 * Labelled question → article pairs for the relevance calibration: every hit triage would choose its
 * suggestions from, labelled 1 when it is the question's target article. Two sources:
 * - `own`: the eval set's cases (eval/cases.jsonl) against the demo knowledge base; cases without a
 *   target contribute only negatives, which is what a suggestion for them is.
 * - `adobe`: the Adobe Commerce articles' summaries (`description`) as questions against the Adobe
 *   articles, read from ../shared/data (MIT; never copied into the project), when that file exists.
 * Never the blind escalation sets or the cross-lingual sets: those stay unseen.
 */

export interface LabelledHit {
  externalId: string
  features: number[]
  label: 0 | 1
}

/** One question and its hits in the search's order. */
export interface LabelledQuery {
  id: string
  source: 'own' | 'adobe'
  target: string | null
  hits: LabelledHit[]
}

export const ownCasesFile = 'eval/cases.jsonl'
export const adobeFile = `${sharedDataDir}kb-adobe-commerce.jsonl`

/** The own eval cases, searched as triage searches them, in an already seeded eval database. */
export async function ownQueries(deps: EvalDeps, casesFile = ownCasesFile): Promise<LabelledQuery[]> {
  const articles = await readDemoArticles()
  const cases = await readEvalCases(casesFile, new Set(articles.map((article) => String(article.externalId))))
  const queries: LabelledQuery[] = []
  for (const entry of cases) {
    const text = inquiryText({ ...(entry.subject ? { subject: entry.subject } : {}), body: entry.body })
    queries.push(await labelledSearch(deps, { id: entry.id, source: 'own', text, target: entry.targetArticle }))
  }
  return queries
}

/** A fresh eval database with the demo knowledge base, and the own cases' queries in it. */
export async function ownQueriesFresh(casesFile = ownCasesFile): Promise<LabelledQuery[]> {
  const deps = await createEvalDeps()
  try {
    await loadDemoKnowledge(deps, readDemoArticles)
    return await ownQueries(deps, casesFile)
  } finally {
    await deps.sql.close()
  }
}

/** The Adobe summaries against the Adobe articles in a fresh eval database; [] when the file is absent. */
export async function adobeQueries(log: (line: string) => void, file = adobeFile): Promise<LabelledQuery[]> {
  if (!(await exists(file))) return []
  const text = await readFile(file, 'utf8')
  const articles = parseJsonLines(text)
  // The summary is no article field, so the import drops it; it is read from the raw lines.
  const summaries = text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { id: string; description?: string })
  log(`relevance: loading ${articles.length} Adobe articles into a fresh PGlite`)
  const deps = await createEvalDeps()
  try {
    await loadWithoutVectorIndexes(deps, async () => {
      for (let start = 0; start < articles.length; start += 100) await upsertArticles(deps, articles.slice(start, start + 100))
    })
    const queries: LabelledQuery[] = []
    for (const { id, description } of summaries) {
      if (!description?.trim()) continue
      queries.push(await labelledSearch(deps, { id, source: 'adobe', text: description.trim(), target: id }))
    }
    return queries
  } finally {
    await deps.sql.close()
  }
}

async function labelledSearch(
  deps: EvalDeps,
  question: { id: string; source: LabelledQuery['source']; text: string; target: string | null },
): Promise<LabelledQuery> {
  const [vector] = await deps.embeddings.target.embed([question.text], { purpose: 'query' })
  const language = detectLanguage(question.text).language
  const hits = await retrieveCandidates(deps, question.text, language, vector!, [])
  const context = relevanceContext(question.text, hits)
  return {
    id: question.id,
    source: question.source,
    target: question.target,
    hits: hits.map((hit) => ({
      externalId: hit.externalId,
      features: relevanceFeatures(hit, context),
      label: hit.externalId === question.target ? 1 : 0,
    })),
  }
}

/** First 12 hex digits of a file's SHA-256: the data version recorded with the coefficients. */
export async function fileVersion(file: string): Promise<string | null> {
  if (!(await exists(file))) return null
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex')
    .slice(0, 12)
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  )
}
