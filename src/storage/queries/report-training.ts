import type { Sql } from '../sql.js'

// The training-needs report. Per inquiry of the range (index inquiries_report), the signals that an
// answer or a routing needed a human's correction:
// - edited: the agent's last feedback used a suggestion but changed it;
// - rejected: the agent's last feedback used none of the suggestions the inquiry had;
// - corrected: the agent's last feedback or the lead's final department differs from triage's;
// - handed_back: a lead released or reassigned the inquiry's case (audit_log);
// - re_escalated: the case was resolved and the same customer (id or address) had another escalation
//   within `repeatDays` after it. Cases are never re-opened here, so a customer coming back escalated
//   is the nearest thing to a re-escalation the data holds. The later inquiry is found through the
//   customer indexes (customer_id or lower(customer_email), created_at) and its escalation by inquiry_id:
//   searching escalations by time instead scanned all of them per resolved case (78 s at 100,000 inquiries).
const signals = `
  WITH scoped AS (
    SELECT i.id, i.subject, i.body, i.language, i.department, i.customer_name, i.customer_id, i.customer_email, i.created_at,
           i.suggestion_count > 0 AS had_suggestions
      FROM inquiries i
     WHERE i.created_at >= $1 AND i.created_at < $2 AND i.status = 'triaged' AND ($3::text IS NULL OR i.department = $3)
  ), flagged AS (
    SELECT s.*, last.found IS NOT NULL AS has_feedback, e.id IS NOT NULL AS escalated,
           coalesce(last.used_article_id IS NOT NULL AND last.edited, false) AS edited,
           coalesce(last.found AND last.used_article_id IS NULL AND s.had_suggestions, false) AS rejected,
           coalesce(last.correct_department <> s.department, false) OR coalesce(e.final_department <> s.department, false) AS corrected,
           EXISTS (SELECT 1 FROM audit_log a WHERE a.entity_type = 'escalation' AND a.entity_id = e.id
                      AND a.action IN ('release', 'reassign')) AS handed_back,
           e.status = 'resolved' AND (
             (s.customer_id IS NOT NULL AND EXISTS (
               SELECT 1 FROM inquiries i2 JOIN escalations e2 ON e2.inquiry_id = i2.id
                WHERE i2.customer_id = s.customer_id AND e2.id <> e.id
                  AND i2.created_at > e.resolved_at AND i2.created_at <= e.resolved_at + make_interval(days => $4)))
             OR (s.customer_email IS NOT NULL AND EXISTS (
               SELECT 1 FROM inquiries i2 JOIN escalations e2 ON e2.inquiry_id = i2.id
                WHERE lower(i2.customer_email) = lower(s.customer_email) AND e2.id <> e.id
                  AND i2.created_at > e.resolved_at AND i2.created_at <= e.resolved_at + make_interval(days => $4)))) AS re_escalated
      FROM scoped s
      LEFT JOIN LATERAL (
        SELECT true AS found, f.used_article_id, f.edited, f.correct_department FROM inquiry_feedback f
         WHERE f.inquiry_id = s.id ORDER BY f.created_at DESC, f.id DESC LIMIT 1
      ) AS last ON true
      LEFT JOIN escalations e ON e.inquiry_id = s.id
  )`

export interface TrainingRange {
  fromAt: Date
  toAt: Date
  department: string | null
  repeatDays: number
}
const params = (input: TrainingRange) => [input.fromAt, input.toAt, input.department, input.repeatDays]

export interface DepartmentSignalRow {
  department: 'technical' | 'commercial'
  inquiries: number
  with_feedback: number
  escalated: number
  edited: number
  rejected: number
  corrected: number
  handed_back: number
  re_escalated: number
  with_signal: number
}

/** Counts per department over every inquiry of the range. */
export function countSignalsByDepartment(sql: Sql, input: TrainingRange): Promise<DepartmentSignalRow[]> {
  return sql.query<DepartmentSignalRow>(
    `${signals}
     SELECT department, count(*)::int AS inquiries, count(*) FILTER (WHERE has_feedback)::int AS with_feedback,
            count(*) FILTER (WHERE escalated)::int AS escalated, count(*) FILTER (WHERE edited)::int AS edited,
            count(*) FILTER (WHERE rejected)::int AS rejected, count(*) FILTER (WHERE corrected)::int AS corrected,
            count(*) FILTER (WHERE handed_back)::int AS handed_back, count(*) FILTER (WHERE re_escalated)::int AS re_escalated,
            count(*) FILTER (WHERE edited OR rejected OR corrected OR handed_back OR re_escalated)::int AS with_signal
       FROM flagged GROUP BY department ORDER BY department`,
    params(input),
  )
}

export interface SignalInquiryRow {
  id: string
  subject: string | null
  body: string
  language: string
  department: 'technical' | 'commercial'
  customer_name: string | null
  created_at: Date
  edited: boolean
  rejected: boolean
  corrected: boolean
  handed_back: boolean
  re_escalated: boolean
}

/** The most recent `limit` inquiries with at least one signal, newest first. */
export function listSignalInquiries(sql: Sql, input: TrainingRange & { limit: number }): Promise<SignalInquiryRow[]> {
  return sql.query<SignalInquiryRow>(
    `${signals}
     SELECT id, subject, body, language, department, customer_name, created_at, edited, rejected, corrected, handed_back, re_escalated
       FROM flagged WHERE edited OR rejected OR corrected OR handed_back OR re_escalated
      ORDER BY created_at DESC, id DESC LIMIT $5`,
    [...params(input), input.limit],
  )
}

export interface AgentSignalRow {
  key_id: string
  name: string
  feedback: number
  edited: number
  rejected: number
  corrected: number
}

/** Per feedback author (every verdict, not only the last per inquiry): only read when REPORTS_PER_AGENT=true. */
export function countSignalsByAgent(sql: Sql, input: Omit<TrainingRange, 'repeatDays'>): Promise<AgentSignalRow[]> {
  return sql.query<AgentSignalRow>(
    `SELECT k.id AS key_id, k.name, count(*)::int AS feedback,
            count(*) FILTER (WHERE f.used_article_id IS NOT NULL AND f.edited)::int AS edited,
            count(*) FILTER (WHERE f.used_article_id IS NULL AND i.suggestion_count > 0)::int AS rejected,
            count(*) FILTER (WHERE f.correct_department <> i.department)::int AS corrected
       FROM inquiries i JOIN inquiry_feedback f ON f.inquiry_id = i.id JOIN api_keys k ON k.id = f.author_key_id
      WHERE i.created_at >= $1 AND i.created_at < $2 AND i.status = 'triaged' AND ($3::text IS NULL OR i.department = $3)
      GROUP BY k.id, k.name ORDER BY count(*) DESC, k.name, k.id`,
    [input.fromAt, input.toAt, input.department],
  )
}
