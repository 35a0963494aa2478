import type { Sql } from '../sql.js'

export interface ArrivalRow {
  department: 'technical' | 'commercial'
  channel: string | null
  /** 0 = the oldest history week. */
  week: number
  /** 0 = Monday 00:00–01:00 local time. */
  hour_of_week: number
  arrivals: number
}

/**
 * Inquiries per department, channel, week and local hour of the week over the `weeks` complete weeks
 * before the week of `now` in `timeZone` (weeks start on Monday 00:00 local time). Uses the index on
 * created_at; `monday` is the local date the current week started.
 */
export async function weeklyArrivals(
  sql: Sql,
  input: { now: Date; timeZone: string; weeks: number },
): Promise<{ monday: string; rows: ArrivalRow[] }> {
  const [bounds] = await sql.query<{ monday: string; from_at: Date; to_at: Date }>(
    `SELECT to_char(monday, 'YYYY-MM-DD') AS monday,
            (monday - make_interval(weeks => $3)) AT TIME ZONE $2 AS from_at,
            monday AT TIME ZONE $2 AS to_at
       FROM (SELECT date_trunc('week', $1::timestamptz AT TIME ZONE $2) AS monday) AS this_week`,
    [input.now, input.timeZone, input.weeks],
  )
  const rows = await sql.query<ArrivalRow>(
    `SELECT department, channel,
            (((created_at AT TIME ZONE $3)::date - ($4::date - 7 * $5::int)) / 7)::int AS week,
            ((extract(isodow FROM created_at AT TIME ZONE $3)::int - 1) * 24 + extract(hour FROM created_at AT TIME ZONE $3)::int) AS hour_of_week,
            count(*)::int AS arrivals
       FROM inquiries
      WHERE created_at >= $1 AND created_at < $2
      GROUP BY 1, 2, 3, 4`,
    [bounds!.from_at, bounds!.to_at, input.timeZone, bounds!.monday, input.weeks],
  )
  return { monday: bounds!.monday, rows }
}
