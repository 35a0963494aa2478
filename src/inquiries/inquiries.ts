import { z } from 'zod'
import { isUuid } from '../auth/api-keys.js'
import type { Principal } from '../auth/roles.js'
import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import * as queries from '../storage/queries/inquiries.js'
import type { TriageResult } from '../triage/triage-result.js'

// Stored inquiries as the API and the web UI read them: rows are mapped to camelCase here, once.

export type { InquiryListFilter } from '../storage/queries/inquiries.js'

/** One inquiry as received and, once triaged, with its result. */
export interface StoredInquiry {
  id: string
  externalId: string | null
  subject: string | null
  body: string
  language: string
  customer: { name: string | null; email: string | null }
  status: 'received' | 'triaged'
  result: TriageResult | null
  createdAt: string
  /** When the result reached the helpdesk (webhook inquiries). */
  writtenBackAt: string | null
}

/** One line of the inquiry list; the API names it InquirySummary. */
export const InquirySummarySchema = z.object({
  inquiryId: z.string().uuid(),
  externalId: z.string().nullable(),
  subject: z.string().nullable(),
  excerpt: z.string(),
  language: z.string(),
  status: z.enum(['received', 'triaged']),
  department: z.enum(['technical', 'commercial']).nullable(),
  confidence: z.number().nullable(),
  escalated: z.boolean().nullable(),
  customer: z.object({ name: z.string().nullable(), email: z.string().nullable() }),
  escalation: z.object({ id: z.string(), status: z.string(), dueAt: z.string(), overdue: z.boolean() }).nullable(),
  createdAt: z.string(),
})
export type InquirySummary = z.infer<typeof InquirySummarySchema>

/** The inquiry, or undefined for an unknown or malformed id. */
export async function findInquiry(deps: Pick<Deps, 'sql'>, id: string): Promise<StoredInquiry | undefined> {
  const row = isUuid(id) ? await queries.findStoredInquiry(deps.sql, id) : undefined
  return row ? toStoredInquiry(row) : undefined
}

/**
 * The inquiry, or 404. With a viewer that is a helpdesk's machine key, only the inquiries that key
 * submitted are found: others' are "not found", not forbidden.
 */
export async function getInquiry(deps: Pick<Deps, 'sql'>, id: string, viewer?: Principal): Promise<StoredInquiry> {
  const visible = isUuid(id) && (viewer?.role !== 'integration' || (await queries.isSubmittedBy(deps.sql, id, viewer.keyId)))
  const inquiry = visible ? await findInquiry(deps, id) : undefined
  if (!inquiry) throw new AppError('not_found', `No inquiry with id ${id}`)
  return inquiry
}

/** One page of inquiries, newest first; an escalation is overdue by the deps' clock. */
export async function listInquiries(
  deps: Pick<Deps, 'sql' | 'clock'>,
  filter: queries.InquiryListFilter,
): Promise<{ items: InquirySummary[]; nextCursor: string | null }> {
  const page = await queries.listInquiries(deps.sql, filter)
  const now = deps.clock.now()
  return { items: page.rows.map((row) => toSummary(row, now)), nextCursor: page.nextCursor }
}

type Department = 'technical' | 'commercial'

/**
 * The department each inquiry was corrected to (by an agent's feedback or a lead's final department),
 * only where it differs from triage's. The web UI shows it beside the original; the API's inquiry keeps
 * triage's department, since it reports what triage decided.
 */
export async function correctedDepartments(
  deps: Pick<Deps, 'sql'>,
  inquiries: ReadonlyArray<{ id: string; department: string | null | undefined }>,
): Promise<Map<string, Department>> {
  const triaged = new Map(inquiries.map((inquiry) => [inquiry.id, inquiry.department]))
  const rows = triaged.size ? await queries.latestDepartmentCorrections(deps.sql, [...triaged.keys()]) : []
  return new Map(
    rows
      .filter((row) => row.department !== triaged.get(row.inquiry_id))
      .map((row) => [row.inquiry_id, row.department as Department] as const),
  )
}

function toStoredInquiry(row: queries.StoredInquiryRow): StoredInquiry {
  return {
    id: row.id,
    externalId: row.external_id,
    subject: row.subject,
    body: row.body,
    language: row.language,
    customer: { name: row.customer_name, email: row.customer_email },
    status: row.status,
    result: row.result,
    createdAt: row.created_at.toISOString(),
    writtenBackAt: row.written_back_at?.toISOString() ?? null,
  }
}

function toSummary(row: queries.InquiryListRow, now: Date): InquirySummary {
  return {
    inquiryId: row.id,
    externalId: row.external_id,
    subject: row.subject,
    excerpt: row.excerpt,
    language: row.language,
    status: row.status,
    department: row.department as InquirySummary['department'],
    confidence: row.confidence,
    escalated: row.escalated,
    customer: { name: row.customer_name, email: row.customer_email },
    escalation:
      row.escalation_id && row.escalation_due_at
        ? {
            id: row.escalation_id,
            status: row.escalation_status!,
            dueAt: row.escalation_due_at.toISOString(),
            overdue: row.escalation_status !== 'resolved' && row.escalation_due_at < now,
          }
        : null,
    createdAt: row.created_at.toISOString(),
  }
}
