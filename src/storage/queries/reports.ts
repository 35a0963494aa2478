import type { Sql } from '../sql.js'

// The lead's overview report. Every query picks the inquiries that arrived in the range by
// `created_at >= $1 AND created_at < $2` with both bounds computed beforehand, so it reads the
// inquiries_report index (covering: the counts read no row); escalations and feedback are joined through their inquiry_id indexes.
// Only triaged inquiries count (a webhook's 'received' row has no department yet). Local dates and hours
// come from `created_at AT TIME ZONE` the UI time zone, so DST changes shift no inquiry into another day.

/** The range as instants plus what the queries need to group by local period. */
export interface ReportScope {
  fromAt: Date
  toAt: Date
  from: string
  to: string
  timeZone: string
  unit: 'day' | 'week'
  department: string | null
}

/** The instants local days `from` (its start) to `to` (the end of that day) mark in the time zone. */
export async function rangeBounds(sql: Sql, input: { from: string; to: string; timeZone: string }): Promise<{ fromAt: Date; toAt: Date }> {
  const [row] = await sql.query<{ from_at: Date; to_at: Date }>(
    `SELECT $1::date::timestamp AT TIME ZONE $3 AS from_at, ($2::date + 1)::timestamp AT TIME ZONE $3 AS to_at`,
    [input.from, input.to, input.timeZone],
  )
  return { fromAt: row!.from_at, toAt: row!.to_at }
}

const inRange = `i.created_at >= $1 AND i.created_at < $2 AND i.status = 'triaged' AND ($3::text IS NULL OR i.department = $3)`
const rangeParams = (scope: ReportScope) => [scope.fromAt, scope.toAt, scope.department]

export interface VolumeRow {
  period: string
  /** Null only on the one row of a period without inquiries. */
  department: string | null
  language: string | null
  channel: string | null
  inquiries: number
  escalated: number
  complaints: number
  /** Inquiries whose stored result scored the complaint reason (results before it existed did not). */
  assessed: number
}

/**
 * Inquiries per local period (the day, or the week from Monday), department, language and channel. Every
 * period of the range has a row: generate_series lists them, so a period without inquiries has one row of zeros.
 */
export async function volumeByPeriod(sql: Sql, scope: ReportScope): Promise<VolumeRow[]> {
  return sql.query<VolumeRow>(
    `WITH periods AS (
       SELECT p::date AS period FROM generate_series(date_trunc($5, $6::date::timestamp), $7::date::timestamp, ('1 ' || $5)::interval) AS p
     ), counted AS (
       SELECT date_trunc($5, i.created_at AT TIME ZONE $4)::date AS period, i.department, i.language, i.channel,
              count(*)::int AS inquiries,
              count(*) FILTER (WHERE i.escalated)::int AS escalated,
              count(*) FILTER (WHERE i.complaint)::int AS complaints,
              count(*) FILTER (WHERE i.complaint_assessed)::int AS assessed
         FROM inquiries i
        WHERE ${inRange}
        GROUP BY 1, 2, 3, 4
     )
     SELECT to_char(p.period, 'YYYY-MM-DD') AS period, c.department, c.language, c.channel,
            coalesce(c.inquiries, 0) AS inquiries, coalesce(c.escalated, 0) AS escalated,
            coalesce(c.complaints, 0) AS complaints, coalesce(c.assessed, 0) AS assessed
       FROM periods p LEFT JOIN counted c ON c.period = p.period
      ORDER BY p.period, c.department, c.language, c.channel`,
    [...rangeParams(scope), scope.timeZone, scope.unit, scope.from, scope.to],
  )
}

/** Inquiries per local hour of the day (0–23), every hour listed. */
export async function inquiriesByHour(sql: Sql, scope: ReportScope): Promise<Array<{ hour: number; inquiries: number }>> {
  return sql.query(
    `SELECT h AS hour, coalesce(c.inquiries, 0) AS inquiries
       FROM generate_series(0, 23) AS h
       LEFT JOIN (SELECT extract(hour FROM i.created_at AT TIME ZONE $4)::int AS hour, count(*)::int AS inquiries
                    FROM inquiries i WHERE ${inRange} GROUP BY 1) c ON c.hour = h
      ORDER BY h`,
    [...rangeParams(scope), scope.timeZone],
  )
}

/** Escalations of the range's inquiries per reason code (an escalation with two reasons counts for both). */
export async function escalationsByReason(sql: Sql, scope: ReportScope): Promise<Array<{ code: string; escalations: number }>> {
  return sql.query(
    `SELECT r ->> 'code' AS code, count(*)::int AS escalations
       FROM inquiries i JOIN escalations e ON e.inquiry_id = i.id CROSS JOIN LATERAL jsonb_array_elements(e.reasons) AS r
      WHERE ${inRange}
      GROUP BY 1 ORDER BY 2 DESC, 1`,
    rangeParams(scope),
  )
}

export interface EscalationTimesRow {
  escalations: number
  claim_met: number
  claim_missed: number
  claim_median_seconds: number | null
  resolve_met: number
  resolve_missed: number
  resolve_median_seconds: number | null
}

/**
 * How soon the range's escalations were claimed and resolved, from their opening, against their due time.
 * Missed: done after the due time, or not done and already past it at `now`; the rest are still pending.
 */
export async function escalationTimes(sql: Sql, scope: ReportScope, now: Date): Promise<EscalationTimesRow> {
  const [row] = await sql.query<EscalationTimesRow>(
    `SELECT count(*)::int AS escalations,
            count(*) FILTER (WHERE e.claimed_at <= e.due_at)::int AS claim_met,
            count(*) FILTER (WHERE e.claimed_at > e.due_at OR (e.claimed_at IS NULL AND e.due_at < $4))::int AS claim_missed,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e.claimed_at - e.created_at)) AS claim_median_seconds,
            count(*) FILTER (WHERE e.resolved_at <= e.due_at)::int AS resolve_met,
            count(*) FILTER (WHERE e.resolved_at > e.due_at OR (e.resolved_at IS NULL AND e.due_at < $4))::int AS resolve_missed,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e.resolved_at - e.created_at)) AS resolve_median_seconds
       FROM inquiries i JOIN escalations e ON e.inquiry_id = i.id
      WHERE ${inRange}`,
    [...rangeParams(scope), now],
  )
  return row!
}

export interface SuggestionUseRow {
  with_feedback: number
  used_as_is: number
  edited: number
  none: number
  corrected: number
}

/**
 * What agents did with the suggestions, per inquiry with feedback: its latest verdict says which article
 * was used and whether edited; a department correction in any verdict counts (a later verdict need not repeat it).
 */
export async function suggestionUse(sql: Sql, scope: ReportScope): Promise<SuggestionUseRow> {
  const [row] = await sql.query<SuggestionUseRow>(
    `WITH verdicts AS (
       SELECT DISTINCT ON (f.inquiry_id) f.used_article_id, f.edited,
              bool_or(f.correct_department IS NOT NULL AND f.correct_department <> i.department) OVER (PARTITION BY f.inquiry_id) AS corrected
         FROM inquiries i JOIN inquiry_feedback f ON f.inquiry_id = i.id
        WHERE ${inRange}
        ORDER BY f.inquiry_id, f.created_at DESC, f.id DESC
     )
     SELECT count(*)::int AS with_feedback,
            count(*) FILTER (WHERE used_article_id IS NOT NULL AND edited IS NOT TRUE)::int AS used_as_is,
            count(*) FILTER (WHERE used_article_id IS NOT NULL AND edited)::int AS edited,
            count(*) FILTER (WHERE used_article_id IS NULL)::int AS none,
            count(*) FILTER (WHERE corrected)::int AS corrected
       FROM verdicts`,
    rangeParams(scope),
  )
  return row!
}
