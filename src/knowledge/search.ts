import type { Deps } from '../deps.js'
import * as queries from '../storage/queries/knowledge.js'
import { textSearchConfig } from './article-input.js'
import { toSpace } from './spaces.js'

export interface SearchInput {
  q: string
  k: number
  department?: 'technical' | 'commercial' | undefined
  language?: string | undefined
  signal?: AbortSignal
  /** The question's vector when the caller already has it in the active space (triage embeds once). */
  vector?: Float32Array | undefined
}

export interface SearchHit {
  articleId: string
  externalId: string
  title: string
  url: string | null
  language: string
  department: string
  /** Reciprocal-rank-fusion score: sum of 1/(60 + rank) over the two result lists. */
  score: number
  /** The best chunk of the article for this query. */
  snippet: string
  headingPath: string
  /** 1-based rank of the article in each list, null when that list did not find it. */
  vectorRank: number | null
  textRank: number | null
  /** Cosine similarity of the article's best chunk to the question, when vector search found it. */
  similarity: number | null
}

export interface SearchResult {
  results: SearchHit[]
  space: string | null
  degraded: string[]
}

/** RRF's usual constant: damps the head of each list so neither ranking dominates. */
const rrfK = 60
const candidatesPerList = 40
/**
 * Full-text matches whose vector similarity is computed for the vector list: more than the 40 the text
 * list keeps, since ranking them costs the same (ts_rank scores every match before the LIMIT) and 100
 * distances cost little. bench:kb at 100k chunks: vector-list recall@10 0.83 and top-5 agreement with an
 * exact vector leg 0.91, against 0.77 and 0.90 scoring 40 (separate runs; the HNSW answers alone: 0.59, 0.64).
 */
export const textMatchesScored = 100

/**
 * Hybrid search: vector kNN through the active space's HNSW index and full-text search, fused by
 * reciprocal rank fusion at article level. Without an embedder for the active space (a model that
 * failed to load) it answers from full text alone and says so in `degraded`.
 */
export async function searchKnowledge(deps: Pick<Deps, 'sql' | 'embeddings'>, input: SearchInput): Promise<SearchResult> {
  const filter: queries.CandidateFilter = {
    ...(input.department ? { departments: [input.department, 'both'] } : {}),
    ...(input.language ? { language: input.language } : {}),
  }
  const limit = Math.max(candidatesPerList, input.k * 4)
  const degraded: string[] = []
  const active = await deps.embeddings.activeSpace(() => queries.findActiveSpace(deps.sql))
  const embedder = active ? deps.embeddings.forSpace(toSpace(active)) : undefined
  if (!embedder) degraded.push(active ? 'vector_search_unavailable' : 'no_embedding_space')
  // The question's vector in the active space, when there is an embedder for it.
  const scored = embedder && active
    ? { space: active, vector: input.vector ?? (await embedder.embed([input.q], { purpose: 'query', ...(input.signal ? { signal: input.signal } : {}) }))[0]! }
    : undefined
  // Chunks are stemmed in their own language, so a language-filtered search needs only that stemming.
  const configs = input.language ? [textSearchConfig(input.language)] : ['german', 'english', 'simple']
  // In a small space the HNSW answers are already exact, and scoring the text matches would only cost
  // time: about 1 ms of a triage on PGlite with the demo knowledge base.
  const scoreText = scored && !scored.space.knn_exact ? scored : undefined
  const [nearest, matches] = await Promise.all([
    scored ? queries.nearestChunks(deps.sql, scored.space, scored.vector, limit, filter) : Promise.resolve([]),
    queries.textMatches(deps.sql, input.q, scoreText ? Math.max(limit, textMatchesScored) : limit, { ...filter, configs }, scoreText),
  ])
  return { results: rankArticles(nearest, matches, limit).slice(0, input.k), space: active?.id ?? null, degraded }
}

/** The hybrid ranking from the two legs' rows: the vector list (see vectorCandidates) and the best `limit` text matches, fused. */
export function rankArticles(nearest: queries.CandidateRow[], matches: queries.TextCandidateRow[], limit: number): SearchHit[] {
  return fuse(vectorCandidates(nearest, matches, limit), matches.slice(0, limit))
}

/**
 * The vector list: the HNSW answers and the full-text matches, ranked together by their exact
 * similarity. A short question lies away from the passages in vector space, and the graph then misses
 * some of its nearest chunks (bench:kb: recall@10 0.63 at 100k chunks); the chunks sharing its words
 * are often among them, and their similarity comes with the text leg at no extra round trip.
 */
export function vectorCandidates(nearest: queries.CandidateRow[], text: queries.TextCandidateRow[], limit: number): queries.CandidateRow[] {
  const byChunk = new Map(nearest.map((row) => [row.chunk_id, row]))
  for (const row of text) {
    if (row.similarity !== null && !byChunk.has(row.chunk_id)) byChunk.set(row.chunk_id, { ...row, score: row.similarity })
  }
  return [...byChunk.values()].sort((a, b) => b.score - a.score).slice(0, limit)
}

/** Ranks articles by the best rank any of their chunks reached in each list, then fuses the ranks. */
export function fuse(nearest: queries.CandidateRow[], text: queries.CandidateRow[]): SearchHit[] {
  const hits = new Map<string, SearchHit & { bestContribution: number }>()
  const addList = (rows: queries.CandidateRow[], key: 'vectorRank' | 'textRank') => {
    let rank = 0
    const seen = new Set<string>()
    for (const row of rows) {
      if (seen.has(row.article_id)) continue
      seen.add(row.article_id)
      rank++
      const contribution = 1 / (rrfK + rank)
      const hit = hits.get(row.article_id) ?? { ...toHit(row), bestContribution: 0 }
      hit[key] = rank
      if (key === 'vectorRank') hit.similarity = Math.round(row.score * 1e4) / 1e4
      hit.score += contribution
      if (contribution > hit.bestContribution) {
        hit.bestContribution = contribution
        hit.snippet = row.content
        hit.headingPath = row.heading_path
      }
      hits.set(row.article_id, hit)
    }
  }
  addList(nearest, 'vectorRank')
  addList(text, 'textRank')
  return [...hits.values()]
    .sort((a, b) => b.score - a.score)
    .map(({ bestContribution: _, ...hit }) => ({ ...hit, score: Math.round(hit.score * 1e6) / 1e6 }))
}

function toHit(row: queries.CandidateRow): SearchHit {
  return {
    articleId: row.article_id,
    externalId: row.external_id,
    title: row.title,
    url: row.url,
    language: row.language,
    department: row.department,
    score: 0,
    snippet: row.content,
    headingPath: row.heading_path,
    vectorRank: null,
    textRank: null,
    similarity: null,
  }
}
