import type { Deps } from '../deps.js'
import type { Sql } from '../storage/sql.js'
import * as queries from '../storage/queries/knowledge.js'
import { textSearchConfig } from './article-input.js'
import { toSpace } from './spaces.js'
import { translateQuery } from './translate-query.js'

export interface SearchInput {
  q: string
  k: number
  department?: 'technical' | 'commercial' | undefined
  language?: string | undefined
  /**
   * The language the question is written in, when no `language` filter is set: articles in it are
   * searched with the question, articles in each other language of the knowledge base with its
   * glossary translation (see crossLingualLists).
   */
  queryLanguage?: string | undefined
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
  /**
   * Reciprocal-rank-fusion score: sum of 1/(60 + rank) over the two result lists (times
   * otherLanguageWeight for an article found through the question's translation).
   */
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
 * The best full-text matches by rank whose exact vector similarity the text leg computes for the vector
 * list: the graph search misses some of a short question's nearest chunks, and the chunks that share its
 * words hold nearly all of them (figures: bench/kb-notes.md#scored-text-matches).
 */
export const scoredTextMatches = 4000

/**
 * Hybrid search: vector kNN through the active space's HNSW index and full-text search, fused by
 * reciprocal rank fusion at article level. Without an embedder for the active space (a model that
 * failed to load) it answers from full text alone and says so in `degraded`.
 */
export async function searchKnowledge(deps: Pick<Deps, 'sql' | 'embeddings'>, input: SearchInput): Promise<SearchResult> {
  const departments = input.department ? { departments: [input.department, 'both'] } : {}
  const limit = Math.max(candidatesPerList, input.k * 4)
  const degraded: string[] = []
  const active = await deps.embeddings.activeSpace(() => queries.findActiveSpace(deps.sql))
  const embedder = active ? deps.embeddings.forSpace(toSpace(active)) : undefined
  if (!embedder) degraded.push(active ? 'vector_search_unavailable' : 'no_embedding_space')
  const embed = async (text: string) =>
    (await embedder!.embed([text], { purpose: 'query', ...(input.signal ? { signal: input.signal } : {}) }))[0]!
  // The question's vector in the active space, when there is an embedder for it.
  const scored = embedder && active ? { space: active, vector: input.vector ?? (await embed(input.q)) } : undefined
  const language = input.language ?? input.queryLanguage
  // Chunks are stemmed in their own language, so a language-filtered search needs only that stemming.
  const configs = language ? [textSearchConfig(language)] : ['german', 'english', 'simple']
  const filter = { ...departments, ...(language ? { language } : {}), configs }
  const own = searchLegs(deps.sql, input.q, scored, limit, filter)
  const others = crossLingualLists(input, active?.languages ?? []).map(async ({ language, question }) => {
    // A hashing vector knows only the words it sees, so the other language's leg embeds the translation;
    // a multilingual model's vector of the question is already cross-lingual.
    const vector = scored && (active!.provider === 'hashing' && question !== input.q ? await embed(question) : scored.vector)
    const legs = await searchLegs(deps.sql, question, scored && { space: scored.space, vector: vector! }, limit, {
      ...departments,
      language,
      configs: [textSearchConfig(language)],
    })
    return { ...legs, weight: otherLanguageWeight }
  })
  const groups = await Promise.all([own.then((legs) => ({ ...legs, weight: 1 })), ...others])
  const lists = groups.map((group) => ({ ...listsOf(group.nearest, group.matches, limit), weight: group.weight }))
  return { results: fuseLists(lists).slice(0, input.k), space: active?.id ?? null, degraded }
}

/**
 * An article in another language than the question's counts this much of one in its language: twins
 * of the same article in both languages then rank the question's own first, while an article that
 * exists only in the other language still reaches the top. Chosen, not tuned: with it the own eval
 * cases' same-language figures stay as they were, and the cross-lingual sets hold one language only.
 */
export const otherLanguageWeight = 0.8

/**
 * The other languages' searches: with `queryLanguage` and no language filter, one per other language
 * of the published articles, with the question translated by the glossary (as written where the
 * glossary does not cover the pair).
 */
export function crossLingualLists(
  input: Pick<SearchInput, 'q' | 'language' | 'queryLanguage'>,
  languages: readonly string[],
): Array<{ language: string; question: string }> {
  const from = input.queryLanguage
  if (input.language || !from) return []
  return languages
    .filter((language) => language !== from)
    .map((language) => {
      // A question of only function words ("Hallo?") translates to nothing; it is searched as written.
      const translated = translateQuery(input.q, from, language)?.trim()
      return { language, question: translated || input.q }
    })
}

/**
 * The two legs' rows: the HNSW answers and the full-text matches (scored for the vector list in a large
 * space). When the full text matches few chunks, the question's nearest chunks mostly share no word
 * with it (a question in other words than the articles', or about something they do not name), and the
 * vector leg carries the answer alone; so its kNN runs again with a wider graph search
 * (`wideSearchFactor` × hnsw.ef_search).
 */
export async function searchLegs(
  sql: Sql,
  question: string,
  scored: { space: queries.ActiveSpaceRow; vector: Float32Array } | undefined,
  limit: number,
  filter: queries.CandidateFilter & { configs: readonly string[] },
  options: { wideSearchBelowMatches?: number } = {},
): Promise<{ nearest: queries.CandidateRow[]; matches: queries.TextCandidateRow[]; widened: boolean }> {
  const scoring = scored && textMatchScoring(scored.space, scored.vector)
  const [nearest, matches] = await Promise.all([
    scored ? queries.nearestChunks(sql, scored.space, scored.vector, limit, filter, knnOptions(scored.space)) : Promise.resolve([]),
    queries.textMatches(sql, question, limit, filter, scoring),
  ])
  const scoredMatches = matches[0]?.scored_matches ?? 0
  if (!scored || !scoring || scoredMatches >= (options.wideSearchBelowMatches ?? wideSearchBelowMatches))
    return { nearest, matches, widened: false }
  return {
    nearest: await queries.nearestChunks(sql, scored.space, scored.vector, limit, filter, { efSearchFactor: wideSearchFactor }),
    matches,
    widened: true,
  }
}

/**
 * When and how much wider the second kNN searches: low enough that most questions do not pay for an
 * exact scan (figures: bench/kb-notes.md#wider-second-knn).
 */
export const wideSearchBelowMatches = 100
export const wideSearchFactor = 4

/**
 * A large space's kNN runs at 1.5 × hnsw.ef_search (300 at the default), only from 50 000 vectors, where
 * the planner keeps the index (figures: bench/kb-notes.md#large-space-ef-search).
 */
export const largeSpaceVectors = 50_000
export const largeSpaceEfSearchFactor = 1.5

/** How the search's first kNN runs in this space: wider in a large one. */
export function knnOptions(space: queries.ActiveSpaceRow): { efSearchFactor?: number } {
  return space.indexed_vectors >= largeSpaceVectors ? { efSearchFactor: largeSpaceEfSearchFactor } : {}
}

/**
 * How the text leg feeds the vector list in this space. In a small space the HNSW answers are already
 * exact, and scoring the text matches would only cost time: about 1 ms of a triage on PGlite with the
 * demo knowledge base.
 */
export function textMatchScoring(space: queries.ActiveSpaceRow, vector: Float32Array): queries.TextMatchScoring | undefined {
  return space.knn_exact ? undefined : { space, vector, scoredMatches: scoredTextMatches }
}

/** The hybrid ranking from the two legs' rows: the vector list (see vectorCandidates) and the full-text ranking, fused. */
export function rankArticles(nearest: queries.CandidateRow[], matches: queries.TextCandidateRow[], limit: number): SearchHit[] {
  return fuseLists([{ ...listsOf(nearest, matches, limit), weight: 1 }])
}

function listsOf(nearest: queries.CandidateRow[], matches: queries.TextCandidateRow[], limit: number) {
  return { nearest: vectorCandidates(nearest, matches, limit), text: textList(matches, limit) }
}

/** The full-text ranking: the matches with a text rank, best first (the rest came only for their similarity). */
export function textList(matches: queries.TextCandidateRow[], limit: number): queries.TextCandidateRow[] {
  return matches
    .filter((row) => row.text_rank !== null)
    .sort((a, b) => a.text_rank! - b.text_rank!)
    .slice(0, limit)
}

/**
 * The vector list: the HNSW answers and the full-text matches, ranked together by their exact
 * similarity. A short question lies away from the passages in vector space, and the graph then misses
 * some of its nearest chunks (bench:kb: recall@10 0.64 at 100k chunks); the chunks sharing its words
 * hold nearly all of them, and their similarity comes with the text leg at no extra round trip.
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
  return fuseLists([{ nearest, text, weight: 1 }])
}

/**
 * Fuses the vector and text lists of one or more searches (the question's, and its translation's in
 * another language, whose articles the first does not hold): each article's rank in each list, its
 * contribution scaled by its search's weight.
 */
export function fuseLists(
  groups: ReadonlyArray<{ nearest: queries.CandidateRow[]; text: queries.CandidateRow[]; weight: number }>,
): SearchHit[] {
  const hits = new Map<string, SearchHit & { bestContribution: number }>()
  const addList = (rows: queries.CandidateRow[], key: 'vectorRank' | 'textRank', weight: number) => {
    let rank = 0
    const seen = new Set<string>()
    for (const row of rows) {
      if (seen.has(row.article_id)) continue
      seen.add(row.article_id)
      rank++
      const contribution = weight / (rrfK + rank)
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
  for (const group of groups) addList(group.nearest, 'vectorRank', group.weight)
  for (const group of groups) addList(group.text, 'textRank', group.weight)
  return [...hits.values()]
    .sort((a, b) => b.score - a.score)
    .map(({ bestContribution: _, ...hit }) => ({ ...hit, score: Math.round(hit.score * 1e6) / 1e6 }))
}

/** A chunk row as a hit that no list has ranked yet. */
export function toHit(row: Omit<queries.CandidateRow, 'score'>): SearchHit {
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
