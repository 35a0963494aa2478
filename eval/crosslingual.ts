import { access, readFile } from 'node:fs/promises'
import { z } from 'zod'
import { upsertArticles } from '../src/knowledge/ingest.js'
import { parseJsonLines } from '../src/platform/node/knowledge-import/formats.js'
import { readDemoArticles } from '../src/platform/node/knowledge-import/read-files.js'
import { detectLanguage } from '../src/triage/language.js'
import { createEvalDeps, loadWithoutVectorIndexes, type EvalDeps } from './deps.js'
import { inquiryText } from './inquiry-text.js'
import { readCheckedLines } from './json-lines.js'
import { searchTop5 } from './project.js'
import { rankOf, scoreRetrieval, type RetrievalScores } from './scorers.js'
import { sharedDataDir } from './signals.js'

/**
 * Cross-lingual retrieval: questions whose answer exists only in the other language. The knowledge base
 * holds only the articles in the language other than the question's, and the question goes through
 * triage's search (language detected, glossary translation into the other language).
 */

const CrossLingualCaseSchema = z.object({
  id: z.string().min(1),
  subject: z.string().min(1).optional(),
  body: z.string().min(1),
  language: z.enum(['de', 'en']),
  targetArticle: z.string().min(1),
})

export interface CrossLingualSetReport {
  file: string
  overall: RetrievalScores
  /** Keyed `deToEn` (German questions) and `enToDe`. */
  byDirection: Record<string, RetrievalScores>
  /** The cases whose target has no twin in the question's language (eval/crosslingual/README.md). */
  noCounterpart: RetrievalScores | null
  missed: string[]
}

/**
 * Targets with no twin in the other language, as eval/crosslingual/README.md names them (the set's
 * author wrote that list; the cases' texts are not read for it).
 */
export const articlesWithoutCounterpart = new Set([
  'kb-en-account-login',
  'kb-en-b2b-volume-orders',
  'kb-en-r2-firmware',
  'kb-en-router-firmware',
  'kb-en-router-wifi',
  'kb-de-homehub-firmware',
  'kb-de-router-internet',
  'kb-de-transportschaden',
  'kb-de-retourenlabel',
  'kb-de-angebot-preisanfrage',
])

/** Recall@3 of a cross-lingual set: per question language, a fresh database with the other language's demo articles only. */
export async function measureCrossLingualSet(file: string, log: (line: string) => void): Promise<CrossLingualSetReport | null> {
  if (!(await exists(file))) return null
  const checked = await readCheckedLines(file, CrossLingualCaseSchema)
  if (checked.problems.length) throw new Error(`${file} is invalid:\n${checked.problems.join('\n')}`)
  const rows = checked.rows.map((row) => row.value)
  const articles = await readDemoArticles()
  const ranks = new Map<string, number | null>()
  for (const language of ['de', 'en'] as const) {
    const cases = rows.filter((entry) => entry.language === language)
    if (cases.length === 0) continue
    const other = articles.filter((article) => String(article.language) !== language)
    log(`cross-lingual ${file}: ${cases.length} ${language} questions against ${other.length} articles in the other language`)
    await withArticles(other, async (deps) => {
      for (const entry of cases) {
        const text = inquiryText({ ...(entry.subject ? { subject: entry.subject } : {}), body: entry.body })
        ranks.set(entry.id, rankOf(await searchTop5(deps, text, detectLanguage(text).language), entry.targetArticle))
      }
    })
  }
  const score = (filter: (entry: (typeof rows)[number]) => boolean) =>
    scoreRetrieval(rows.filter(filter).map((entry) => ranks.get(entry.id) ?? null))
  const languages = [...new Set(rows.map((entry) => entry.language))].sort()
  return {
    file,
    overall: score(() => true)!,
    byDirection: Object.fromEntries(languages.map((language) => [directionKey(language), score((entry) => entry.language === language)!])),
    noCounterpart: score((entry) => articlesWithoutCounterpart.has(entry.targetArticle)),
    missed: rows.filter((entry) => (ranks.get(entry.id) ?? 99) > 3).map((entry) => entry.id),
  }
}

export const adobeFile = `${sharedDataDir}kb-adobe-commerce.jsonl`

export interface AdobeCrossLingualReport {
  /** Keyed by direction, e.g. `deToEn`: German summaries against the English articles alone. */
  byDirection: Record<string, RetrievalScores>
}

/**
 * The Adobe Commerce articles (../shared/data, MIT; read there, never copied): per direction only one
 * language imported, the other language's summaries as questions, the counterpart (same exl_id) as target.
 */
export async function measureAdobeCrossLingual(log: (line: string) => void, file = adobeFile): Promise<AdobeCrossLingualReport | null> {
  if (!(await exists(file))) return null
  const text = await readFile(file, 'utf8')
  const articles = parseJsonLines(text)
  const lines = text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { id: string; language: string; exl_id?: string; description?: string })
  const byDirection: Record<string, RetrievalScores> = {}
  for (const [from, to] of [
    ['de', 'en'],
    ['en', 'de'],
  ] as const) {
    const targets = new Map(lines.filter((line) => line.language === to && line.exl_id).map((line) => [line.exl_id!, line.id]))
    const questions = lines.filter((line) => line.language === from && line.description?.trim() && targets.has(line.exl_id ?? ''))
    log(`cross-lingual Adobe ${directionKey(from)}: ${questions.length} summaries against the ${targets.size} ${to} articles`)
    const imported = articles.filter((article) => String(article.language) === to)
    byDirection[directionKey(from)] = await withArticles(imported, async (deps) => {
      const ranks: Array<number | null> = []
      for (const question of questions) {
        const summary = question.description!.trim()
        ranks.push(rankOf(await searchTop5(deps, summary, detectLanguage(summary).language), targets.get(question.exl_id!)!))
      }
      return scoreRetrieval(ranks)!
    })
  }
  return { byDirection }
}

/** `deToEn` for German questions against English articles: a key a gate's dotted path can name. */
function directionKey(from: string): string {
  return from === 'de' ? 'deToEn' : 'enToDe'
}

async function withArticles<T>(articles: unknown[], run: (deps: EvalDeps) => Promise<T>): Promise<T> {
  const deps = await createEvalDeps()
  try {
    await loadWithoutVectorIndexes(deps, async () => {
      for (let start = 0; start < articles.length; start += 100) await upsertArticles(deps, articles.slice(start, start + 100))
    })
    // The space is remembered for a second with the articles' languages as they were before the import.
    deps.embeddings.forgetActiveSpace()
    return await run(deps)
  } finally {
    await deps.sql.close()
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  )
}
