import type { Sql } from '../sql.js'

export type EscalationStatus = 'open' | 'claimed' | 'resolved'

/** One escalation with what a lead needs of its inquiry. */
export interface EscalationRow {
  id: string
  inquiry_id: string
  status: EscalationStatus
  department: 'technical' | 'commercial'
  score: number
  reasons: Array<{ code: string; detail: string }>
  due_at: Date
  created_at: Date
  updated_at: Date
  version: number
  claimed_by: string | null
  claimed_by_name: string | null
  claimed_at: Date | null
  resolved_by: string | null
  resolved_at: Date | null
  resolution: string | null
  final_department: 'technical' | 'commercial' | null
  reply: string | null
  kb_article_id: string | null
  policy_version: number | null
  warranted: boolean | null
  inquiry_subject: string | null
  inquiry_body: string
  inquiry_language: string
  inquiry_external_id: string | null
  inquiry_customer_name: string | null
  inquiry_customer_email: string | null
  inquiry_customer_tier: string | null
  inquiry_confidence: number | null
  inquiry_result: Record<string, unknown> | null
  inquiry_created_at: Date
}

const select = `
  SELECT e.id, e.inquiry_id, e.status, e.department, e.score, e.reasons, e.due_at, e.created_at, e.updated_at, e.version,
         e.claimed_by, k.name AS claimed_by_name, e.claimed_at, e.resolved_by, e.resolved_at, e.resolution, e.final_department,
         e.reply, e.kb_article_id, e.policy_version, e.warranted, i.subject AS inquiry_subject, i.body AS inquiry_body, i.language AS inquiry_language,
         i.external_id AS inquiry_external_id, i.customer_name AS inquiry_customer_name, i.customer_email AS inquiry_customer_email,
         i.customer_tier AS inquiry_customer_tier, i.confidence AS inquiry_confidence, i.result AS inquiry_result, i.created_at AS inquiry_created_at
    FROM escalations e JOIN inquiries i ON i.id = e.inquiry_id LEFT JOIN api_keys k ON k.id = e.claimed_by`

export interface EscalationFilter {
  status?: EscalationStatus | undefined
  /** Leaves out resolved cases: the lead's working queue (open and claimed). */
  unresolved?: boolean | undefined
  department?: 'technical' | 'commercial' | undefined
  /** Only cases past their due time (and not resolved) at `now`. */
  overdueAt?: Date | undefined
  limit: number
  /** The id of the last item of the previous page. */
  cursor?: string | undefined
}

/** The queue, soonest due first, paged by keyset on (due_at, id). */
export async function listEscalations(sql: Sql, filter: EscalationFilter): Promise<{ rows: EscalationRow[]; nextCursor: string | null }> {
  const rows = await sql.query<EscalationRow>(
    `${select}
      WHERE ($1::text IS NULL OR e.status = $1) AND ($2::text IS NULL OR e.department = $2)
        AND ($3::timestamptz IS NULL OR (e.status <> 'resolved' AND e.due_at < $3))
        AND ($4::uuid IS NULL OR (e.due_at, e.id) > (SELECT due_at, id FROM escalations WHERE id = $4::uuid))
        AND ($6::boolean IS NOT TRUE OR e.status <> 'resolved')
      ORDER BY e.due_at, e.id LIMIT $5`,
    [
      filter.status ?? null,
      filter.department ?? null,
      filter.overdueAt ?? null,
      filter.cursor ?? null,
      filter.limit + 1,
      filter.unresolved ?? null,
    ],
  )
  const page = rows.slice(0, filter.limit)
  return { rows: page, nextCursor: rows.length > filter.limit ? page[page.length - 1]!.id : null }
}

export async function findEscalation(sql: Sql, id: string): Promise<EscalationRow | undefined> {
  const [row] = await sql.query<EscalationRow>(`${select} WHERE e.id = $1`, [id])
  return row
}

/** The state a change expects to find; a concurrent change makes the update miss (the caller answers 409). */
export interface ExpectedState {
  version: number
}

export interface EscalationChange {
  status: EscalationStatus
  claimedBy: string | null
  claimedAt: Date | null
  resolvedBy?: string | null
  resolvedAt?: Date | null
  resolution?: string | null
  finalDepartment?: string | null
  reply?: string | null
  kbArticleId?: string | null
  /** The lead's verdict on whether the case needed a lead. */
  warranted?: boolean | null
  at: Date
}

/** Applies the change only if the row is still as the caller read it. */
export async function updateEscalationIf(sql: Sql, id: string, expected: ExpectedState, change: EscalationChange): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE escalations SET status = $3, claimed_by = $4, claimed_at = $5, resolved_by = $6, resolved_at = $7, resolution = $8,
            final_department = $9, reply = $10, kb_article_id = $11, updated_at = $12, warranted = $13, version = version + 1
      WHERE id = $1 AND version = $2
      RETURNING id`,
    [
      id,
      expected.version,
      change.status,
      change.claimedBy,
      change.claimedAt,
      change.resolvedBy ?? null,
      change.resolvedAt ?? null,
      change.resolution ?? null,
      change.finalDepartment ?? null,
      change.reply ?? null,
      change.kbArticleId ?? null,
      change.at,
      change.warranted ?? null,
    ],
  )
  return rows.length > 0
}

export interface OpenedEscalation {
  id: string
  inquiryId: string
  department: string
  score: number
  reasons: Array<{ code: string; detail: string }>
  dueAt: Date
  policyVersion: number
  openedBy: string
  /** The inquiry's stored triage result, with its escalation updated to this one. */
  result: unknown
  at: Date
}

/**
 * Opens an escalation for an inquiry triage did not escalate (an agent asked for a lead) and marks the
 * inquiry escalated; false when it has one already.
 */
export async function openEscalation(sql: Sql, escalation: OpenedEscalation): Promise<boolean> {
  const rows = await sql.query(
    `WITH opened AS (
       INSERT INTO escalations (id, inquiry_id, department, score, reasons, due_at, policy_version, opened_by, created_at, updated_at)
       SELECT $1, $2, $3, $4, $5::jsonb, $6, $7, $8, $10, $10
        WHERE NOT EXISTS (SELECT 1 FROM escalations WHERE inquiry_id = $2)
       ON CONFLICT (inquiry_id) DO NOTHING
       RETURNING inquiry_id)
     UPDATE inquiries SET escalated = true, result = $9::jsonb FROM opened WHERE inquiries.id = opened.inquiry_id RETURNING inquiries.id`,
    [
      escalation.id,
      escalation.inquiryId,
      escalation.department,
      escalation.score,
      JSON.stringify(escalation.reasons),
      escalation.dueAt,
      escalation.policyVersion,
      escalation.openedBy,
      JSON.stringify(escalation.result),
      escalation.at,
    ],
  )
  return rows.length > 0
}
