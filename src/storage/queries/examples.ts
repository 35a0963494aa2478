import type { Sql } from '../sql.js'
import { vectorLiteral } from '../vector-param.js'

export interface ExampleInsert {
  text: string
  department: 'technical' | 'commercial'
  language: string
  source: 'default' | 'api' | 'import' | 'feedback'
  contentHash: string
  /** The inquiry a correction came from, so erasing the inquiry erases the example. */
  inquiryId?: string | null | undefined
}

/** Inserts examples, skipping ones already stored (same text and label); returns the new rows' ids. */
export async function insertExamples(sql: Sql, examples: ExampleInsert[]): Promise<Array<{ id: string; content_hash: string }>> {
  if (examples.length === 0) return []
  return sql.query<{ id: string; content_hash: string }>(
    `INSERT INTO training_examples (text, department, language, source, content_hash, inquiry_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[])
     ON CONFLICT (content_hash) DO NOTHING
     RETURNING id, content_hash`,
    [
      examples.map((e) => e.text),
      examples.map((e) => e.department),
      examples.map((e) => e.language),
      examples.map((e) => e.source),
      examples.map((e) => e.contentHash),
      examples.map((e) => e.inquiryId ?? null),
    ],
  )
}

export async function insertExampleEmbeddings(
  sql: Sql,
  spaceId: string,
  rows: Array<{ exampleId: string; department: string; vector: Float32Array }>,
): Promise<void> {
  if (rows.length === 0) return
  await sql.query(
    `INSERT INTO training_example_embeddings (space_id, example_id, department, embedding)
     SELECT $1, e.example_id, e.department, e.embedding::vector
       FROM unnest($2::uuid[], $3::text[], $4::text[]) AS e (example_id, department, embedding)
       JOIN training_examples t ON t.id = e.example_id
     ON CONFLICT (space_id, example_id) DO UPDATE SET embedding = EXCLUDED.embedding`,
    [spaceId, rows.map((r) => r.exampleId), rows.map((r) => r.department), rows.map((r) => vectorLiteral(r.vector))],
  )
}

export interface Neighbour {
  department: 'technical' | 'commercial'
  similarity: number
}

/** The labelled examples nearest to a vector, through the space's HNSW index. */
export function nearestExamples(
  sql: Sql,
  space: { id: string; dimensions: number },
  vector: Float32Array,
  limit: number,
): Promise<Neighbour[]> {
  const dims = Math.trunc(space.dimensions)
  return sql.query<Neighbour>(
    `SELECT department, 1 - (embedding::vector(${dims}) <=> $1::vector(${dims})) AS similarity
       FROM training_example_embeddings
      WHERE space_id = $2
      ORDER BY embedding::vector(${dims}) <=> $1::vector(${dims})
      LIMIT $3`,
    [vector, space.id, limit],
  )
}

/** A cheap fingerprint of the training set: it changes whenever an example is added or removed. */
export async function readExamplesStamp(sql: Sql): Promise<string> {
  const [row] = await sql.query<{ stamp: string }>(
    `SELECT count(*)::text || ':' || coalesce(max(created_at)::text, '') AS stamp FROM training_examples`,
  )
  return row?.stamp ?? '0:'
}

export interface StoredExample {
  id: string
  text: string
  department: 'technical' | 'commercial'
  language: string
  embedding: string
}

/**
 * Every example with its vector in the space, for training the in-memory model. Examples stored in one
 * batch share created_at; ordering them by content (not by their random ids) makes the same examples
 * train the same model every time, so evaluations repeat exactly.
 */
export function listExamplesWithEmbeddings(sql: Sql, spaceId: string): Promise<StoredExample[]> {
  return sql.query<StoredExample>(
    `SELECT t.id, t.text, t.department, t.language, e.embedding::text AS embedding
       FROM training_examples t JOIN training_example_embeddings e ON e.example_id = t.id AND e.space_id = $1
      ORDER BY t.created_at, t.content_hash`,
    [spaceId],
  )
}

export function findUnembeddedExamples(sql: Sql, spaceId: string, limit: number) {
  return sql.query<{ id: string; text: string; department: string }>(
    `SELECT t.id, t.text, t.department FROM training_examples t
      WHERE NOT EXISTS (SELECT 1 FROM training_example_embeddings e WHERE e.example_id = t.id AND e.space_id = $1)
      ORDER BY t.id LIMIT $2`,
    [spaceId, limit],
  )
}

export async function countExamples(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM training_examples')
  return row?.n ?? 0
}

export function parseVector(text: string): Float32Array {
  return Float32Array.from(text.slice(1, -1).split(','), Number)
}
