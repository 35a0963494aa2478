import type { TriageResult } from '../../triage/triage-result.js'
import type { Sql } from '../sql.js'

export interface InquiryInsert {
  externalId: string | undefined
  subject: string | undefined
  body: string
  language: string
  channel: string | undefined
  customer: { id?: string | undefined; name?: string | undefined; email?: string | undefined; tier?: string | undefined }
  metadata: Record<string, unknown>
  department: string
  confidence: number
  escalated: boolean
  result: TriageResult
  createdAt: Date
  /** The API key that sent POST /v1/triage; an integration key may read back only its own inquiries. */
  submittedByKeyId?: string | undefined
}

export interface EscalationInsert {
  id: string
  department: string
  score: number
  reasons: unknown
  dueAt: Date
  /** The escalation policy version the decision was made under. */
  policyVersion: number
}

/**
 * Stores the inquiry and, when it escalated, its escalation, in one statement: a data-modifying CTE is
 * atomic like a transaction and costs one round trip instead of four (BEGIN, two INSERTs, COMMIT).
 */
export async function insertInquiry(sql: Sql, inquiry: InquiryInsert & { id: string }, escalation?: EscalationInsert): Promise<void> {
  await sql.query(
    `WITH inquiry AS (
       INSERT INTO inquiries (id, external_id, subject, body, language, channel, customer_id, customer_name, customer_email,
                              customer_tier, metadata, department, confidence, escalated, result, created_at, triaged_at, submitted_by_key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $15::jsonb, $16, $16, $22)
       RETURNING id, department, created_at)
     INSERT INTO escalations (id, inquiry_id, department, score, reasons, due_at, policy_version, created_at, updated_at)
     SELECT $17::uuid, inquiry.id, inquiry.department, $18, $19::jsonb, $20, $21, inquiry.created_at, inquiry.created_at
       FROM inquiry WHERE $17::uuid IS NOT NULL`,
    [
      inquiry.id,
      inquiry.externalId ?? null,
      inquiry.subject ?? null,
      inquiry.body,
      inquiry.language,
      inquiry.channel ?? null,
      inquiry.customer.id ?? null,
      inquiry.customer.name ?? null,
      inquiry.customer.email ?? null,
      inquiry.customer.tier ?? null,
      JSON.stringify(inquiry.metadata),
      inquiry.department,
      inquiry.confidence,
      inquiry.escalated,
      JSON.stringify(inquiry.result),
      inquiry.createdAt,
      ...escalationParams(escalation),
      inquiry.submittedByKeyId ?? null,
    ],
  )
}

/** An inquiry as a webhook delivered it, before triage: the ticket is kept for the write-back. */
export interface ReceivedInquiryInsert {
  id: string
  integrationId: string
  externalId: string
  subject: string | undefined
  body: string
  language: string | undefined
  channel: string | undefined
  customer: InquiryInsert['customer']
  metadata: Record<string, unknown>
  ticket: unknown
}

/** Placeholder language of a received inquiry; triage replaces it with the detected one. */
export const undeterminedLanguage = 'und'

export async function insertReceivedInquiry(sql: Sql, inquiry: ReceivedInquiryInsert): Promise<void> {
  await sql.query(
    `INSERT INTO inquiries (id, integration_id, external_id, subject, body, language, channel, customer_id, customer_name,
                            customer_email, customer_tier, metadata, ticket, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13::jsonb, 'received')`,
    [
      inquiry.id,
      inquiry.integrationId,
      inquiry.externalId,
      inquiry.subject ?? null,
      inquiry.body,
      inquiry.language ?? undeterminedLanguage,
      inquiry.channel ?? null,
      inquiry.customer.id ?? null,
      inquiry.customer.name ?? null,
      inquiry.customer.email ?? null,
      inquiry.customer.tier ?? null,
      JSON.stringify(inquiry.metadata),
      JSON.stringify(inquiry.ticket),
    ],
  )
}

/**
 * Records a delivery's idempotency keys for its inquiry. False when any key is taken: the delivery was
 * seen before (a concurrent one waits here for the first to commit, then sees its keys).
 */
export async function recordDeliveryKeys(sql: Sql, integrationId: string, keys: readonly string[], inquiryId: string): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO webhook_deliveries (integration_id, key, inquiry_id)
     SELECT $1, key, $3 FROM unnest($2::text[]) AS key ON CONFLICT DO NOTHING RETURNING key`,
    [integrationId, [...keys].sort(), inquiryId], // sorted, so concurrent deliveries take the keys' locks in one order
  )
  return rows.length === keys.length
}

/** The inquiry an earlier delivery with any of these keys created. */
export async function findDeliveredInquiry(
  sql: Sql,
  integrationId: string,
  keys: readonly string[],
): Promise<{ id: string; status: string } | undefined> {
  const [row] = await sql.query<{ id: string; status: string }>(
    `SELECT i.id, i.status FROM webhook_deliveries d JOIN inquiries i ON i.id = d.inquiry_id
      WHERE d.integration_id = $1 AND d.key = ANY($2::text[]) ORDER BY d.created_at LIMIT 1`,
    [integrationId, keys],
  )
  return row
}

/** What a background job needs of one stored inquiry. */
export interface StoredInquiryRow {
  id: string
  integration_id: string | null
  external_id: string | null
  subject: string | null
  body: string
  language: string
  channel: string | null
  customer_id: string | null
  customer_name: string | null
  customer_email: string | null
  customer_tier: 'standard' | 'premium' | 'key_account' | null
  metadata: Record<string, unknown>
  ticket: unknown
  status: 'received' | 'triaged'
  /** Written only from a `TriageResult` (insertInquiry, completeReceivedInquiry). */
  result: TriageResult | null
  created_at: Date
  triaged_at: Date | null
  written_back_at: Date | null
}

export async function findStoredInquiry(sql: Sql, id: string): Promise<StoredInquiryRow | undefined> {
  const [row] = await sql.query<StoredInquiryRow>(
    `SELECT id, integration_id, external_id, subject, body, language, channel, customer_id, customer_name, customer_email,
            customer_tier, metadata, ticket, status, result, created_at, triaged_at, written_back_at
       FROM inquiries WHERE id = $1`,
    [id],
  )
  return row
}

/** The escalation's five statement parameters (id, score, reasons, due, policy version), nulls without one. */
function escalationParams(escalation: EscalationInsert | undefined): unknown[] {
  return [
    escalation?.id ?? null,
    escalation?.score ?? null,
    escalation ? JSON.stringify(escalation.reasons) : null,
    escalation?.dueAt ?? null,
    escalation?.policyVersion ?? null,
  ]
}

/**
 * Stores the triage of a received inquiry and its escalation in one statement. False when the inquiry
 * is no longer 'received' (another attempt of the job finished first), and then nothing is written.
 */
export async function completeReceivedInquiry(
  sql: Sql,
  inquiry: Pick<InquiryInsert, 'language' | 'department' | 'confidence' | 'escalated' | 'result'> & { id: string; triagedAt: Date },
  escalation?: EscalationInsert,
): Promise<boolean> {
  const rows = await sql.query(
    `WITH inquiry AS (
       UPDATE inquiries SET language = $2, department = $3, confidence = $4, escalated = $5, result = $6::jsonb, status = 'triaged', triaged_at = $7
        WHERE id = $1 AND status = 'received' RETURNING id, department),
     escalation AS (
       INSERT INTO escalations (id, inquiry_id, department, score, reasons, due_at, policy_version, created_at, updated_at)
       SELECT $8::uuid, inquiry.id, inquiry.department, $9, $10::jsonb, $11, $12, $7, $7 FROM inquiry WHERE $8::uuid IS NOT NULL)
     SELECT id FROM inquiry`,
    [
      inquiry.id,
      inquiry.language,
      inquiry.department,
      inquiry.confidence,
      inquiry.escalated,
      JSON.stringify(inquiry.result),
      inquiry.triagedAt,
      ...escalationParams(escalation),
    ],
  )
  return rows.length > 0
}

export async function markWrittenBack(sql: Sql, id: string, at: Date): Promise<void> {
  await sql.query('UPDATE inquiries SET written_back_at = $2 WHERE id = $1 AND written_back_at IS NULL', [id, at])
}

export interface InquiryListFilter {
  status?: 'received' | 'triaged' | undefined
  department?: 'technical' | 'commercial' | undefined
  escalated?: boolean | undefined
  /** Words in the subject, body, customer or external id. */
  q?: string | undefined
  limit: number
  cursor?: string | undefined
}

export interface InquiryListRow {
  id: string
  external_id: string | null
  subject: string | null
  excerpt: string
  language: string
  department: string | null
  confidence: number | null
  escalated: boolean | null
  status: 'received' | 'triaged'
  customer_name: string | null
  customer_email: string | null
  created_at: Date
  escalation_id: string | null
  escalation_status: string | null
  escalation_due_at: Date | null
}

/** Newest first, paged by keyset on (created_at, id); q matches case-insensitively anywhere in the text fields. */
export async function listInquiries(sql: Sql, filter: InquiryListFilter): Promise<{ rows: InquiryListRow[]; nextCursor: string | null }> {
  const pattern = filter.q ? `%${filter.q.replace(/[\\%_]/g, (char) => `\\${char}`)}%` : null
  const rows = await sql.query<InquiryListRow>(
    `SELECT i.id, i.external_id, i.subject, left(i.body, 240) AS excerpt, i.language, i.department, i.confidence, i.escalated, i.status,
            i.customer_name, i.customer_email, i.created_at, e.id AS escalation_id, e.status AS escalation_status, e.due_at AS escalation_due_at
       FROM inquiries i LEFT JOIN escalations e ON e.inquiry_id = i.id
      WHERE ($1::text IS NULL OR i.status = $1) AND ($2::text IS NULL OR i.department = $2) AND ($3::boolean IS NULL OR i.escalated = $3)
        AND ($4::text IS NULL OR i.subject ILIKE $4 OR i.body ILIKE $4 OR i.customer_name ILIKE $4 OR i.customer_email ILIKE $4 OR i.external_id ILIKE $4)
        AND ($5::uuid IS NULL OR (i.created_at, i.id) < (SELECT created_at, id FROM inquiries WHERE id = $5::uuid))
      ORDER BY i.created_at DESC, i.id DESC LIMIT $6`,
    [filter.status ?? null, filter.department ?? null, filter.escalated ?? null, pattern, filter.cursor ?? null, filter.limit + 1],
  )
  const page = rows.slice(0, filter.limit)
  return { rows: page, nextCursor: rows.length > filter.limit ? page[page.length - 1]!.id : null }
}

export interface FeedbackInsert {
  inquiryId: string
  usedArticleId: string | null
  edited: boolean | undefined
  rating: number | undefined
  correctDepartment: string | undefined
  comment: string | undefined
  authorKeyId: string
}

export async function insertFeedback(sql: Sql, feedback: FeedbackInsert, at: Date): Promise<string> {
  const [row] = await sql.query<{ id: string }>(
    `INSERT INTO inquiry_feedback (inquiry_id, used_article_id, edited, rating, correct_department, comment, author_key_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      feedback.inquiryId,
      feedback.usedArticleId,
      feedback.edited ?? null,
      feedback.rating ?? null,
      feedback.correctDepartment ?? null,
      feedback.comment ?? null,
      feedback.authorKeyId,
      at,
    ],
  )
  return row!.id
}

export interface FeedbackRow {
  id: string
  used_article_id: string | null
  edited: boolean | null
  rating: number | null
  correct_department: string | null
  comment: string | null
  author_key_id: string | null
  created_at: Date
}

export function listFeedback(sql: Sql, inquiryId: string): Promise<FeedbackRow[]> {
  return sql.query<FeedbackRow>(
    `SELECT id, used_article_id, edited, rating, correct_department, comment, author_key_id, created_at
       FROM inquiry_feedback WHERE inquiry_id = $1 ORDER BY created_at, id`,
    [inquiryId],
  )
}

/**
 * The last department correction of each inquiry that has one: an agent's feedback or a lead's final
 * department when resolving the case, whichever came later.
 */
export function latestDepartmentCorrections(sql: Sql, inquiryIds: string[]): Promise<Array<{ inquiry_id: string; department: string }>> {
  return sql.query(
    `SELECT DISTINCT ON (inquiry_id) inquiry_id, department
       FROM (SELECT inquiry_id, correct_department AS department, created_at AS at
               FROM inquiry_feedback WHERE inquiry_id = ANY($1::uuid[]) AND correct_department IS NOT NULL
             UNION ALL
             SELECT inquiry_id, final_department, coalesce(resolved_at, updated_at)
               FROM escalations WHERE inquiry_id = ANY($1::uuid[]) AND final_department IS NOT NULL) AS corrections
      ORDER BY inquiry_id, at DESC`,
    [inquiryIds],
  )
}

/** True when this API key submitted the inquiry (POST /v1/triage); false for others and for webhook inquiries. */
export async function isSubmittedBy(sql: Sql, inquiryId: string, keyId: string): Promise<boolean> {
  const rows = await sql.query('SELECT 1 FROM inquiries WHERE id = $1 AND submitted_by_key_id = $2', [inquiryId, keyId])
  return rows.length > 0
}
