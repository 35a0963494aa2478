// The vector list the hybrid search fuses: the HNSW answers plus the full-text matches, ranked together by
// their exact similarity, so a near chunk the graph missed still counts as a vector hit.
import { describe, expect, it } from 'vitest'
import { fuse, rankArticles, textList, vectorCandidates } from '../../src/knowledge/search.js'
import type { CandidateRow, TextCandidateRow } from '../../src/storage/queries/knowledge.js'

const row = (chunk: string, article: string, score: number): CandidateRow => ({
  chunk_id: chunk,
  article_id: article,
  external_id: `kb-${article}`,
  title: article,
  url: null,
  language: 'de',
  department: 'technical',
  heading_path: '',
  content: `chunk ${chunk}`,
  score,
})
const textRow = (
  chunk: string,
  article: string,
  rank: number,
  similarity: number | null,
  textRank: number | null = 1,
): TextCandidateRow => ({ ...row(chunk, article, rank), similarity, text_rank: textRank, scored_matches: null })

describe('vectorCandidates', () => {
  const nearest = [row('c1', 'a1', 0.9), row('c2', 'a2', 0.7), row('c3', 'a3', 0.5)]

  it('puts a full-text match the graph missed at its place by similarity, and keeps the limit', () => {
    const text = [textRow('c9', 'a9', 0.3, 0.8), textRow('c8', 'a8', 0.2, 0.1)]
    const list = vectorCandidates(nearest, text, 3)
    expect(list.map((candidate) => [candidate.chunk_id, candidate.score])).toEqual([
      ['c1', 0.9],
      ['c9', 0.8],
      ['c2', 0.7],
    ])
  })

  it('keeps the HNSW row of a chunk both lists found, and leaves out matches without a vector', () => {
    const text = [textRow('c2', 'a2', 0.5, 0.7), textRow('c7', 'a7', 0.4, null)]
    const list = vectorCandidates(nearest, text, 10)
    expect(list.map((candidate) => candidate.chunk_id)).toEqual(['c1', 'c2', 'c3'])
    expect(list[1]!.score).toBe(0.7)
  })

  it('gives the fused hit the similarity as vector rank and score', () => {
    const text = [textRow('c9', 'a9', 0.3, 0.95)]
    const [first] = fuse(vectorCandidates(nearest, text, 3), text)
    expect(first).toMatchObject({ articleId: 'a9', vectorRank: 1, textRank: 1, similarity: 0.95 })
  })
})

describe('textList', () => {
  it('is the matches with a text rank, in that order; matches there only for their similarity stay out of it', () => {
    const matches = [textRow('c3', 'a3', 0.2, 0.1, 2), textRow('c9', 'a9', 0.1, 0.9, null), textRow('c1', 'a1', 0.5, 0.2, 1)]
    expect(textList(matches, 40).map((match) => match.chunk_id)).toEqual(['c1', 'c3'])
    expect(textList(matches, 1).map((match) => match.chunk_id)).toEqual(['c1'])
  })

  it('lets a similarity-only match count in the vector list but not in the text ranking', () => {
    const hits = rankArticles([row('c1', 'a1', 0.6)], [textRow('c1', 'a1', 0.5, 0.6, 1), textRow('c9', 'a9', 0.1, 0.9, null)], 40)
    expect(hits.find((hit) => hit.articleId === 'a9')).toMatchObject({ vectorRank: 1, textRank: null })
    expect(hits.find((hit) => hit.articleId === 'a1')).toMatchObject({ vectorRank: 2, textRank: 1 })
  })
})
