import { afterEach, describe, expect, it } from 'vitest'
import type { Deps } from '../../src/deps.js'
import {
  noteChunksWritten,
  refreshTextStatistics,
  textStatisticsSetting,
  upsertArticles,
  type TextStatisticsState,
} from '../../src/knowledge/ingest.js'
import { reindexKnowledge } from '../../src/knowledge/reindex.js'
import { largeSpaceEfSearchFactor, largeSpaceVectors, searchKnowledge, searchLegs, wideSearchFactor } from '../../src/knowledge/search.js'
import { ensureSpace } from '../../src/knowledge/spaces.js'
import { createMemoryLogger } from '../../src/logger.js'
import * as queries from '../../src/storage/queries/knowledge.js'
import { readSetting, writeSetting } from '../../src/storage/queries/settings.js'
import { defaultHnswEfSearch } from '../../src/storage/session.js'
import type { Sql } from '../../src/storage/sql.js'
import { hashingRuntime } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

type KnowledgeDeps = Pick<Deps, 'sql' | 'embeddings' | 'logger'>

const descaling = {
  externalId: 'kb-en-descale',
  title: 'Descaling the Barista B3',
  language: 'en',
  department: 'technical',
  tags: ['coffee'],
  body: '## When to descale\n\nThe Barista B3 shows a red drop when limescale builds up.\n\n## How to descale\n\nFill the tank with descaler and start program 4. It takes 25 minutes.',
}
const refund = {
  externalId: 'kb-de-erstattung',
  title: 'Rückerstattung nach Widerruf',
  language: 'de',
  department: 'commercial',
  body: 'Nach Ihrem Widerruf erstatten wir den Kaufpreis innerhalb von 14 Tagen auf das ursprüngliche Zahlungsmittel.',
}

describe.each(testDatabases)('knowledge base contract [$name]', (database) => {
  let sql: Sql
  afterEach(async () => sql?.close())
  const setup = async (runtime = hashingRuntime()): Promise<KnowledgeDeps> => {
    sql = await database.open()
    await ensureSpace(sql, runtime.target.space)
    return { sql, embeddings: runtime, logger: createMemoryLogger() }
  }
  const count = async (table: string) => (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n

  it('creates articles with chunks, full-text vectors and embeddings in the active space', async () => {
    const deps = await setup()
    const result = await upsertArticles(deps, [descaling, refund])
    expect(result).toMatchObject({ created: 2, updated: 0, unchanged: 0, failed: [] })
    expect(await count('kb_chunks')).toBeGreaterThanOrEqual(2)
    expect(await count('kb_chunk_embeddings')).toBe(await count('kb_chunks'))
    const [chunk] = await sql.query<{ heading_path: string }>(`SELECT heading_path FROM kb_chunks ORDER BY ordinal LIMIT 1`)
    expect(chunk?.heading_path).toBe('When to descale')
  })

  it('skips unchanged content and re-chunks changed content', async () => {
    const deps = await setup()
    await upsertArticles(deps, [descaling, refund])
    const before = await sql.query<{ id: string }>('SELECT id FROM kb_chunks')
    expect(await upsertArticles(deps, [descaling, refund])).toMatchObject({ created: 0, updated: 0, unchanged: 2 })
    const changed = await upsertArticles(deps, [{ ...descaling, body: `${descaling.body}\n\nUse only Nordwerk descaler.` }, refund])
    expect(changed).toMatchObject({ created: 0, updated: 1, unchanged: 1 })
    const after = await sql.query<{ id: string }>('SELECT id FROM kb_chunks')
    expect(after.filter((row) => before.some((old) => old.id === row.id)).length).toBeLessThan(after.length)
    expect(await count('kb_chunk_embeddings')).toBe(await count('kb_chunks'))
  })

  it('derives chunk ids from the content, so a rebuilt knowledge base ranks ties the same way', async () => {
    const deps = await setup()
    const chunkIds = async () => (await sql.query<{ id: string }>('SELECT id FROM kb_chunks ORDER BY id')).map((row) => row.id)
    await upsertArticles(deps, [descaling, refund])
    const first = await chunkIds()
    expect(first).toHaveLength(3)
    // The same content written again after a delete (a new installation, a restore) gets the same ids.
    await sql.query('DELETE FROM kb_articles')
    await upsertArticles(deps, [refund, descaling])
    expect(await chunkIds()).toEqual(first)
    // Changed text, or the same text under another title, is a new chunk with a new id.
    await upsertArticles(deps, [{ ...refund, title: 'Erstattung' }])
    const retitled = await chunkIds()
    expect(retitled.filter((id) => !first.includes(id))).toHaveLength(1)
    expect(await count('kb_chunk_embeddings')).toBe(3)
  })

  it('reports each bad article with its reason and still writes the good ones', async () => {
    const deps = await setup()
    const result = await upsertArticles(deps, [
      { ...descaling, body: '   ' },
      { ...descaling, externalId: 'binary', body: 'PDF\u0000\u0001\u0002 stream' },
      { ...descaling, externalId: 'unknown-field', colour: 'red' },
      { ...descaling, externalId: 'too-big', body: 'x'.repeat(1024 * 1024 + 1) },
      { ...descaling, externalId: 'bad-department', department: 'sales' },
      refund,
      refund,
      'not an object',
    ])
    expect(result.created).toBe(1)
    expect(result.failed.map((failure) => failure.index).sort()).toEqual([0, 1, 2, 3, 4, 6, 7])
    const reasons = Object.fromEntries(result.failed.map((failure) => [failure.index, failure.reason]))
    expect(reasons[0]).toMatch(/body: must not be empty/)
    expect(reasons[1]).toMatch(/binary/)
    expect(reasons[2]).toMatch(/colour/)
    expect(reasons[3]).toMatch(/1 MB/)
    expect(reasons[6]).toMatch(/more than once/)
    expect(await count('kb_articles')).toBe(1)
  })

  it('finds articles by meaning and by words, with both ranks and the best chunk as snippet', async () => {
    const deps = await setup()
    await upsertArticles(deps, [descaling, refund])
    const { results, space, degraded } = await searchKnowledge(deps, { q: 'how do I remove limescale from my coffee machine', k: 5 })
    expect(space).toBe(deps.embeddings.target.id)
    expect(degraded).toEqual([])
    expect(results[0]).toMatchObject({ externalId: 'kb-en-descale', title: 'Descaling the Barista B3' })
    expect(results[0]!.vectorRank).toBe(1)
    expect(results[0]!.snippet).toMatch(/limescale|descaler/)
    const german = await searchKnowledge(deps, { q: 'Wann bekomme ich mein Geld zurück nach dem Widerruf?', k: 1 })
    expect(german.results[0]).toMatchObject({ externalId: 'kb-de-erstattung', textRank: 1 })
  })

  it('still returns k results under department and language filters', async () => {
    const deps = await setup()
    const articles = Array.from({ length: 40 }, (_, i) => ({
      externalId: `a-${i}`,
      title: `Article ${i} about ${i % 2 ? 'invoices' : 'error codes'}`,
      language: i % 4 < 2 ? 'de' : 'en',
      department: i % 2 ? 'commercial' : 'technical',
      body: `Paragraph ${i}: ${i % 2 ? 'payment invoice refund' : 'error code reset firmware'} number ${i}.`,
    }))
    await upsertArticles(deps, articles)
    const commercial = await searchKnowledge(deps, { q: 'error code reset firmware', k: 10, department: 'commercial' })
    expect(commercial.results).toHaveLength(10)
    expect(commercial.results.every((hit) => hit.department === 'commercial')).toBe(true)
    const germanTechnical = await searchKnowledge(deps, { q: 'payment invoice', k: 10, department: 'technical', language: 'de' })
    expect(germanTechnical.results).toHaveLength(10)
    expect(germanTechnical.results.every((hit) => hit.language === 'de' && hit.department === 'technical')).toBe(true)
  })

  it('keeps drafts out of search and removes deleted articles with their vectors', async () => {
    const deps = await setup()
    await upsertArticles(deps, [descaling], { status: 'draft' })
    expect(await count('kb_chunks')).toBe(0)
    expect((await searchKnowledge(deps, { q: 'descale', k: 5 })).results).toEqual([])
    await upsertArticles(deps, [descaling])
    const [{ id }] = (await sql.query<{ id: string }>('SELECT id FROM kb_articles')) as [{ id: string }]
    expect((await searchKnowledge(deps, { q: 'descale', k: 5 })).results).toHaveLength(1)
    expect(await queries.deleteArticle(sql, id)).toBe(true)
    expect(await count('kb_chunks')).toBe(0)
    expect(await count('kb_chunk_embeddings')).toBe(0)
  })

  it('re-indexes into a new space while the old one keeps answering, then switches', async () => {
    const oldRuntime = hashingRuntime(1024)
    const deps = await setup(oldRuntime)
    await upsertArticles(deps, [descaling, refund])
    const newDeps = { ...deps, embeddings: hashingRuntime(256) }
    await ensureSpace(sql, newDeps.embeddings.target.space)
    const during = await searchKnowledge(newDeps, { q: 'limescale coffee', k: 3 })
    expect(during.space).toBe(oldRuntime.target.id) // still the complete old space
    expect(during.results[0]?.externalId).toBe('kb-en-descale')
    // New writes during the re-index go to both spaces.
    await upsertArticles(newDeps, [{ ...refund, externalId: 'kb-de-neu' }])
    const progress: number[] = []
    const outcome = await reindexKnowledge(newDeps, { batchSize: 1, onProgress: (p) => progress.push(p.embedded) })
    expect(outcome.activated).toBe(true)
    expect(progress.length).toBeGreaterThan(1)
    const after = await searchKnowledge(newDeps, { q: 'limescale coffee', k: 3 })
    expect(after.space).toBe(newDeps.embeddings.target.id)
    expect(after.results[0]?.externalId).toBe('kb-en-descale')
    const coverage = await queries.countSpaceCoverage(sql, newDeps.embeddings.target.id)
    expect(coverage.embedded).toBe(coverage.chunks)
    expect((await queries.countSpaceCoverage(sql, oldRuntime.target.id)).embedded).toBe(coverage.chunks)
  })

  it('leaves words found in more than 1 000 chunks out of the text query of a large knowledge base', async () => {
    const deps = await setup()
    await upsertArticles(deps, [descaling, refund])
    const [{ id }] = (await sql.query<{ id: string }>(`SELECT id FROM kb_articles WHERE external_id = 'kb-en-descale'`)) as [{ id: string }]
    // 1 200 chunks that all mention the router: enough for ANALYZE to call "router" common.
    await sql.query(
      `INSERT INTO kb_chunks (article_id, ordinal, heading_path, content, language, department, fts)
       SELECT $1, 100 + g, '', 'router note ' || g, 'en', 'technical', to_tsvector('english', 'router firmware note ' || g)
         FROM generate_series(1, 1200) AS g`,
      [id],
    )
    await refreshTextStatistics(sql)
    const common = await sql.query<{ lexeme: string | null }>('SELECT lexeme FROM kb_common_lexemes')
    expect(common.map((row) => row.lexeme)).toContain('router')
    expect(common.every((row) => row.lexeme !== null)).toBe(true)
    const [{ query }] = (await sql.query<{ query: string }>(
      `SELECT kb_text_query('router limescale', ARRAY['english']::regconfig[])::text AS query`,
    )) as [{ query: string }]
    expect(query).toContain('limescal')
    expect(query).not.toContain('router')
    const { results } = await searchKnowledge(deps, { q: 'router limescale', k: 3 })
    expect(results.some((hit) => hit.externalId === 'kb-en-descale')).toBe(true)
  })

  it('refreshes the word statistics once the chunks written since the last refresh reach 20% (at least 100)', async () => {
    const deps = await setup()
    const state = () => readSetting<TextStatisticsState>(sql, textStatisticsSetting)
    await upsertArticles(deps, [descaling, refund])
    expect((await state())?.chunks).toBeUndefined() // a few chunks: no word can be common yet
    expect(await noteChunksWritten(sql, 120)).toBe(true)
    expect(await state()).toMatchObject({ written: 0 })
    // As if the last refresh had seen 1 000 chunks: the next one is due after 200 more.
    await writeSetting(sql, textStatisticsSetting, { chunks: 1000, written: 0 })
    expect(await noteChunksWritten(sql, 150)).toBe(false)
    expect(await state()).toMatchObject({ chunks: 1000, written: 150 })
    expect(await noteChunksWritten(sql, 60)).toBe(true)
    const after = await state()
    expect(after?.written).toBe(0)
    expect(after?.chunks).toBeLessThan(1000) // the count ANALYZE found
  })

  it('gives full-text matches their exact vector similarity, the one the kNN query computes', async () => {
    const deps = await setup()
    await upsertArticles(deps, [descaling, refund])
    const space = (await queries.findActiveSpace(sql))!
    const question = 'How do I descale the Barista? Rückerstattung?'
    const [vector] = await deps.embeddings.target.embed([question], { purpose: 'query' })
    const configs = ['german', 'english', 'simple']
    const text = await queries.textMatches(sql, question, 40, { configs }, { space, vector: vector!, scoredMatches: 100 })
    const nearest = await queries.nearestChunks(sql, space, vector!, 40, {})
    expect(text.length).toBeGreaterThan(0)
    for (const match of text) {
      const same = nearest.find((candidate) => candidate.chunk_id === match.chunk_id)!
      expect(match.similarity).toBeCloseTo(same.score, 5)
    }
    const plain = await queries.textMatches(sql, question, 40, { configs })
    expect(plain.map((match) => [match.chunk_id, match.similarity, match.text_rank])).toEqual(
      text.map((match) => [match.chunk_id, null, match.text_rank]),
    )
    expect(plain.map((match) => match.text_rank)).toEqual(plain.map((_, index) => index + 1))
  })

  it('also returns the most similar of the scored matches when they rank below the text list, without a text rank', async () => {
    const deps = await setup()
    // Six articles carry the question's words in their titles, which ts_rank weighs most, among many other
    // words; one short passage is nearly the question itself, with its words in the body only.
    const filler = 'Rechnung Lieferung Garantie Widerruf Gutschein Rabatt Ratenkauf Kundenkonto Versandkosten Abholung'
    const titled = Array.from({ length: 6 }, (_, index) => ({
      externalId: `kb-filter-${index}`,
      title: `Laugenpumpe Filter Aqua ${index}`,
      language: 'de',
      department: 'technical',
      body: `${filler} ${index}. ${filler}.`,
    }))
    const aqua = {
      externalId: 'kb-aqua-pump',
      title: 'Ablauf',
      language: 'de',
      department: 'technical',
      body: 'Aqua 7 pumpt nicht ab: Filter der Laugenpumpe.',
    }
    await upsertArticles(deps, [...titled, aqua])
    const space = (await queries.findActiveSpace(sql))!
    const question = 'Aqua 7 pumpt nicht ab, Filter Laugenpumpe'
    const [vector] = await deps.embeddings.target.embed([question], { purpose: 'query' })
    const match = (limit: number, scoredMatches: number) =>
      queries.textMatches(sql, question, limit, { configs: ['german'] }, { space, vector: vector!, scoredMatches })
    const ranked = await queries.textMatches(sql, question, 2, { configs: ['german'] })
    const aquaChunk = (rows: queries.TextCandidateRow[]) => rows.find((row) => row.external_id === 'kb-aqua-pump')
    expect(aquaChunk(ranked)).toBeUndefined()

    const rows = await match(2, 100)
    expect(rows.filter((row) => row.text_rank !== null).map((row) => [row.chunk_id, row.text_rank])).toEqual(
      ranked.map((row) => [row.chunk_id, row.text_rank]),
    )
    const extra = aquaChunk(rows)
    expect(extra).toMatchObject({ text_rank: null })
    expect(extra!.similarity).toBeGreaterThan(Math.max(...rows.filter((row) => row !== extra).map((row) => row.similarity!)))
    expect(rows.map((row) => row.scored_matches)).toEqual(rows.map(() => 7))
    // Scoring only the text list's matches cannot reach it.
    const fewScored = await match(2, 2)
    expect(aquaChunk(fewScored)).toBeUndefined()
    expect(fewScored[0]!.scored_matches).toBe(2)
    expect(ranked.map((row) => row.scored_matches)).toEqual([null, null])
  })

  it('says whether the active space is small enough for its HNSW kNN to be exact (the search then skips scoring text matches)', async () => {
    const deps = await setup()
    const articles = Array.from({ length: 11 }, (_, index) => ({
      ...refund,
      externalId: `kb-small-${index}`,
      title: `Erstattung ${index}`,
      body: `${refund.body} Fall ${index}.`,
    }))
    await upsertArticles(deps, articles.slice(0, 10))
    expect(await count('kb_chunk_embeddings')).toBe(10)
    const exactAt = (efSearch: number) =>
      sql.transaction(async (tx) => {
        await tx.exec(`SET LOCAL hnsw.ef_search = ${efSearch}`)
        return (await queries.findActiveSpace(tx))!.knn_exact
      })
    expect(queries.hnswExhaustiveFactor).toBe(10)
    expect(await exactAt(1)).toBe(true) // 10 vectors, bound 10 × 1
    await upsertArticles(deps, articles.slice(10))
    expect(await exactAt(1)).toBe(false) // 11 vectors
    expect(await exactAt(2)).toBe(true)
    expect((await queries.findActiveSpace(sql))!.knn_exact).toBe(true) // the session's ef_search 200
    // The index's size as the statistics know it: none before ANALYZE, the vectors after.
    expect((await queries.findActiveSpace(sql))!.indexed_vectors).toBe(0)
    await sql.exec('ANALYZE kb_chunk_embeddings')
    expect((await queries.findActiveSpace(sql))!.indexed_vectors).toBe(await count('kb_chunk_embeddings'))
  })

  it('runs the kNN again with a wider graph search when full text matches few chunks', async () => {
    const deps = await setup()
    await upsertArticles(deps, [descaling, refund])
    // As in a large space, where the text leg scores its matches (a small one answers exactly anyway).
    const space = { ...(await queries.findActiveSpace(sql))!, knn_exact: false }
    const efDuringKnn: string[] = []
    const watched: Sql = {
      ...sql,
      transaction: (fn) =>
        sql.transaction((tx) =>
          fn({
            ...tx,
            query: async (text, params) => {
              const rows = await tx.query(text, params)
              if (text.includes('ORDER BY embedding'))
                efDuringKnn.push((await tx.query<{ ef: string }>(`SELECT current_setting('hnsw.ef_search') AS ef`))[0]!.ef)
              return rows as never
            },
          }),
        ),
    }
    const legs = async (question: string, wideSearchBelowMatches?: number) => {
      const [vector] = await deps.embeddings.target.embed([question], { purpose: 'query' })
      return searchLegs(
        watched,
        question,
        { space, vector: vector! },
        40,
        { configs: ['german', 'english', 'simple'] },
        wideSearchBelowMatches ? { wideSearchBelowMatches } : {},
      )
    }
    const sessionEf = (await sql.query<{ ef: string }>(`SELECT current_setting('hnsw.ef_search') AS ef`))[0]!.ef

    const unmatched = await legs('Mein Gerät macht seltsame Pfeiftöne')
    expect(unmatched.matches).toHaveLength(0)
    expect(unmatched.widened).toBe(true)
    expect(efDuringKnn).toEqual([String(Math.min(1000, wideSearchFactor * Number(sessionEf)))])
    expect(unmatched.nearest.length).toBeGreaterThan(0)

    // Two chunks match: below the default threshold (100) the kNN widens, at or above a threshold of 2 it does not.
    const fewMatches = await legs('Barista descale')
    expect(fewMatches.matches[0]!.scored_matches).toBe(2)
    expect(fewMatches.widened).toBe(true)
    const enoughMatches = await legs('Barista descale', 2)
    expect(enoughMatches.widened).toBe(false)
    expect(efDuringKnn).toHaveLength(2)

    // A large space (by its index statistics) searches at 1.5 × ef_search from the start, and the
    // second kNN, when there is one, at 4 × ef_search.
    const large = { ...space, indexed_vectors: largeSpaceVectors }
    const [vector] = await deps.embeddings.target.embed(['Barista descale'], { purpose: 'query' })
    const configs = ['german', 'english', 'simple']
    efDuringKnn.length = 0
    expect(
      (await searchLegs(watched, 'Barista descale', { space: large, vector: vector! }, 40, { configs }, { wideSearchBelowMatches: 2 }))
        .widened,
    ).toBe(false)
    expect(efDuringKnn).toEqual([String(Math.round(largeSpaceEfSearchFactor * Number(sessionEf)))])
    expect((await searchLegs(watched, 'Barista descale', { space: large, vector: vector! }, 40, { configs })).widened).toBe(true)
    expect(efDuringKnn.slice(1)).toEqual([
      String(Math.round(largeSpaceEfSearchFactor * Number(sessionEf))),
      String(Math.min(1000, wideSearchFactor * Number(sessionEf))),
    ])
  })

  it("widens only its own kNN statement: ef_search is as before afterwards, also inside a caller's transaction", async () => {
    const deps = await setup()
    await upsertArticles(deps, [descaling, refund])
    const space = (await queries.findActiveSpace(sql))!
    const [vector] = await deps.embeddings.target.embed(['descale'], { purpose: 'query' })
    const exact = await queries.nearestChunks(sql, space, vector!, 5, {})
    const setting = await sql.transaction(async (tx) => {
      await tx.exec('SET LOCAL hnsw.ef_search = 10')
      const rows = await queries.nearestChunks(tx, space, vector!, 5, {}, { efSearchFactor: 4 })
      expect(rows.map((row) => row.chunk_id)).toEqual(exact.map((row) => row.chunk_id))
      return (await tx.query<{ ef: string }>(`SELECT current_setting('hnsw.ef_search') AS ef`))[0]!.ef
    })
    expect(setting).toBe('10')
    await queries.nearestChunks(sql, space, vector!, 5, {}, { efSearchFactor: 4 })
    const [after] = await sql.query<{ ef: string }>(`SELECT current_setting('hnsw.ef_search') AS ef`)
    expect(after!.ef).toBe(String(defaultHnswEfSearch))
  })

  it('uses the HNSW index of the active space for kNN', async () => {
    const deps = await setup()
    await upsertArticles(deps, [descaling, refund])
    const space = (await queries.findActiveSpace(sql))!
    // With two rows any plan is cheap; forbidding the alternatives shows the query matches the index.
    // One transaction, so the settings and the EXPLAIN share a connection.
    const plan = await sql.transaction(async (tx) => {
      await tx.exec('SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off')
      return tx.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT chunk_id FROM kb_chunk_embeddings WHERE space_id = '${space.id}'
          ORDER BY embedding::vector(${space.dimensions}) <=> '[${Array(space.dimensions).fill(0.1).join(',')}]'::vector(${space.dimensions}) LIMIT 5`,
      )
    })
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain(space.index_name)
  })
})
