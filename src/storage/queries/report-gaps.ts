import type { Sql } from '../sql.js'

// The knowledge-gap report: inquiries no article answered. All filters run on inquiries.created_at
// (index inquiries_report) before anything is joined.

export interface GapInquiryRow {
  id: string
  subject: string | null
  body: string
  language: string
  department: 'technical' | 'commercial'
  customer_name: string | null
  created_at: Date
  /** no_knowledge: triage found no relevant article; not_used: the agent's last verdict was "none used". */
  reason: 'no_knowledge' | 'not_used'
  /** How many gap inquiries the range holds, of which at most `limit` are returned. */
  total: number
}

/**
 * The most recent `limit` gap inquiries in the range, newest first: triage answered noKnowledge, or the
 * last feedback on an inquiry that had suggestions said none of them was used.
 */
export async function listGapInquiries(
  sql: Sql,
  input: { fromAt: Date; toAt: Date; department: string | null; limit: number },
): Promise<GapInquiryRow[]> {
  return sql.query<GapInquiryRow>(
    `SELECT i.id, i.subject, i.body, i.language, i.department, i.customer_name, i.created_at,
            CASE WHEN i.no_knowledge THEN 'no_knowledge' ELSE 'not_used' END AS reason,
            count(*) OVER ()::int AS total
       FROM inquiries i
       LEFT JOIN LATERAL (
         SELECT true AS found, f.used_article_id FROM inquiry_feedback f WHERE f.inquiry_id = i.id ORDER BY f.created_at DESC, f.id DESC LIMIT 1
       ) AS last ON true
      WHERE i.created_at >= $1 AND i.created_at < $2 AND i.status = 'triaged'
        AND ($3::text IS NULL OR i.department = $3)
        AND (i.no_knowledge OR (last.found AND last.used_article_id IS NULL AND i.suggestion_count > 0))
      ORDER BY i.created_at DESC, i.id DESC
      LIMIT $4`,
    [input.fromAt, input.toAt, input.department, input.limit],
  )
}

export interface DraftSourceRow {
  id: string
  subject: string | null
  body: string
  language: string
  customer_name: string | null
}

/** The inquiries a gap draft quotes, in the order asked; unknown ids are simply missing. */
export async function findDraftSources(sql: Sql, ids: readonly string[]): Promise<DraftSourceRow[]> {
  const rows = await sql.query<DraftSourceRow>(
    'SELECT id, subject, body, language, customer_name FROM inquiries WHERE id = ANY($1::uuid[])',
    [ids],
  )
  return ids.flatMap((id) => rows.filter((row) => row.id === id))
}
