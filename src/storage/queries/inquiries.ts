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
  result: unknown
  createdAt: Date
}

export interface EscalationInsert {
  id: string
  department: string
  score: number
  reasons: unknown
  dueAt: Date
}

/**
 * Stores the inquiry and, when it escalated, its escalation, in one statement: a data-modifying CTE is
 * atomic like a transaction and costs one round trip instead of four (BEGIN, two INSERTs, COMMIT).
 */
export async function insertInquiry(sql: Sql, inquiry: InquiryInsert & { id: string }, escalation?: EscalationInsert): Promise<void> {
  await sql.query(
    `WITH inquiry AS (
       INSERT INTO inquiries (id, external_id, subject, body, language, channel, customer_id, customer_name, customer_email,
                              customer_tier, metadata, department, confidence, escalated, result, created_at, triaged_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $15::jsonb, $16, $16)
       RETURNING id, department, created_at)
     INSERT INTO escalations (id, inquiry_id, department, score, reasons, due_at, created_at, updated_at)
     SELECT $17::uuid, inquiry.id, inquiry.department, $18, $19::jsonb, $20, inquiry.created_at, inquiry.created_at
       FROM inquiry WHERE $17::uuid IS NOT NULL`,
    [
      inquiry.id, inquiry.externalId ?? null, inquiry.subject ?? null, inquiry.body, inquiry.language, inquiry.channel ?? null,
      inquiry.customer.id ?? null, inquiry.customer.name ?? null, inquiry.customer.email ?? null, inquiry.customer.tier ?? null,
      JSON.stringify(inquiry.metadata), inquiry.department, inquiry.confidence, inquiry.escalated, JSON.stringify(inquiry.result), inquiry.createdAt,
      escalation?.id ?? null, escalation?.score ?? null, escalation ? JSON.stringify(escalation.reasons) : null, escalation?.dueAt ?? null,
    ],
  )
}

/** How many inquiries this customer (by id or by e-mail address) sent since `since`. */
export async function countRecentContacts(
  sql: Sql, customer: { id?: string | undefined; email?: string | undefined }, since: Date, excludeId?: string | undefined,
): Promise<number> {
  if (!customer.id && !customer.email) return 0
  const [row] = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM inquiries
      WHERE created_at >= $3 AND ($4::uuid IS NULL OR id <> $4::uuid)
        AND ((customer_id IS NOT NULL AND customer_id = $1) OR (customer_email IS NOT NULL AND lower(customer_email) = lower($2)))`,
    [customer.id ?? null, customer.email ?? null, since, excludeId ?? null],
  )
  return row?.n ?? 0
}

export async function findInquiryResult(sql: Sql, id: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await sql.query<{ result: Record<string, unknown> }>('SELECT result FROM inquiries WHERE id = $1', [id])
  return row?.result
}
