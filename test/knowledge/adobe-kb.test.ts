import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseJsonLines } from '../../src/platform/node/knowledge-import/formats.js'
import { upsertArticles } from '../../src/knowledge/ingest.js'
import { searchKnowledge } from '../../src/knowledge/search.js'
import { ensureSpace } from '../../src/knowledge/spaces.js'
import { createMemoryLogger } from '../../src/logger.js'
import type { Sql } from '../../src/storage/sql.js'
import { hashingRuntime } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { retrievalMetrics } from '../helpers/retrieval-metrics.js'
import { sharedDataFile } from '../helpers/shared-data.js'

const file = sharedDataFile('kb-adobe-commerce.jsonl')
const pglite = testDatabases.find((database) => database.name === 'pglite')!

// Real support articles (German machine-translated), read from ../shared/data and never copied into
// the project. Skipped where that folder is absent. Title-as-query against its own article, per language.
describe.skipIf(!file)('Adobe Commerce knowledge base, title as query (needs ../shared/data/kb-adobe-commerce.jsonl)', () => {
  let sql: Sql
  const deps = { embeddings: hashingRuntime(), logger: createMemoryLogger() }
  let articles: Array<Record<string, unknown>> = []

  beforeAll(async () => {
    articles = parseJsonLines(await readFile(file!, 'utf8'))
    sql = await pglite.open()
    await ensureSpace(sql, deps.embeddings.target.space)
    for (let start = 0; start < articles.length; start += 100) {
      const result = await upsertArticles({ ...deps, sql }, articles.slice(start, start + 100))
      expect(result.failed).toEqual([])
    }
  }, 240_000)
  afterAll(async () => sql?.close())

  it('finds each article by its title in the top 5, per language', async () => {
    const byLanguage: Record<string, Array<{ ranked: string[]; target: string }>> = {}
    for (const article of articles) {
      const { results } = await searchKnowledge({ ...deps, sql }, { q: String(article.title), k: 5, language: String(article.language) })
      ;(byLanguage[String(article.language)] ??= []).push({
        ranked: results.map((hit) => hit.externalId),
        target: String(article.externalId),
      })
    }
    const report = Object.fromEntries(Object.entries(byLanguage).map(([language, rankings]) => [language, retrievalMetrics(rankings)]))
    console.info('Adobe KB title-as-query', JSON.stringify(report))
    for (const metrics of Object.values(report)) expect(metrics.recallAt5).toBeGreaterThanOrEqual(0.8)
  })
})
