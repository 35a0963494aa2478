import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { upsertArticles } from '../../src/knowledge/ingest.js'
import { readDemoArticles } from '../../src/platform/node/knowledge-import/read-files.js'
import { searchKnowledge } from '../../src/knowledge/search.js'
import { ensureSpace } from '../../src/knowledge/spaces.js'
import { createMemoryLogger } from '../../src/logger.js'
import type { Sql } from '../../src/storage/sql.js'
import { hashingRuntime } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { retrievalMetrics } from '../helpers/retrieval-metrics.js'

interface RetrievalQuery {
  query: string
  language: 'de' | 'en'
  target: string
}

const queries = JSON.parse(await readFile(new URL('../fixtures/retrieval-queries.json', import.meta.url), 'utf8')) as RetrievalQuery[]

describe.each(testDatabases)('retrieval on the demo knowledge base with the hashing embedder [$name]', (database) => {
  let sql: Sql
  const deps = { embeddings: hashingRuntime(), logger: createMemoryLogger() }
  beforeAll(async () => {
    sql = await database.open()
    await ensureSpace(sql, deps.embeddings.target.space)
    const result = await upsertArticles({ ...deps, sql }, await readDemoArticles())
    expect(result.failed).toEqual([])
    expect(result.created).toBeGreaterThanOrEqual(40)
  })
  afterAll(async () => sql?.close())

  it('finds the target article in the top 3 for at least 90% of the written queries', async () => {
    expect(queries.length).toBeGreaterThanOrEqual(40)
    const rankings = []
    for (const entry of queries) {
      const { results } = await searchKnowledge({ ...deps, sql }, { q: entry.query, k: 5 })
      rankings.push({ ranked: results.map((hit) => hit.externalId), target: entry.target, query: entry.query })
    }
    const metrics = retrievalMetrics(rankings)
    const misses = rankings.filter((entry) => !entry.ranked.slice(0, 3).includes(entry.target))
    console.info(
      `[${database.name}] demo KB retrieval`,
      JSON.stringify(metrics),
      misses.map((miss) => `${miss.query} -> ${miss.ranked[0]} (want ${miss.target})`),
    )
    expect(metrics.recallAt3).toBeGreaterThanOrEqual(0.9)
  })
})
