import type { Sql } from '../sql.js'

/** A weekly digest's slot: the local Monday it is sent on, when (08:00 local), and the week it covers. */
export interface DigestSlot {
  /** The local date (YYYY-MM-DD) of the Monday the digest is sent on; it names the digest. */
  week: string
  runAt: Date
  /** The local dates of the Monday and Sunday of the week before, the week the digest reports on. */
  coversFrom: string
  coversTo: string
}

/**
 * The first digest slot (Monday 08:00 in `timeZone`) at or after `now`, or the slot of the week
 * `week` names. PostgreSQL does the time-zone arithmetic, so summer time is right without a library.
 */
export async function digestSlot(sql: Sql, input: { now: Date; timeZone: string; week?: string | undefined }): Promise<DigestSlot> {
  const [row] = await sql.query<{ week: string; run_at: Date; covers_from: string; covers_to: string }>(
    `WITH this_week AS (SELECT date_trunc('week', $1::timestamptz AT TIME ZONE $2) AS monday),
          slot AS (
            SELECT CASE WHEN $3::date IS NOT NULL THEN $3::date::timestamp
                        WHEN (monday + interval '8 hours') AT TIME ZONE $2 >= $1::timestamptz THEN monday
                        ELSE monday + interval '7 days' END AS monday
              FROM this_week)
     SELECT to_char(monday, 'YYYY-MM-DD') AS week,
            (monday + interval '8 hours') AT TIME ZONE $2 AS run_at,
            to_char(monday - interval '7 days', 'YYYY-MM-DD') AS covers_from,
            to_char(monday - interval '1 day', 'YYYY-MM-DD') AS covers_to
       FROM slot`,
    [input.now, input.timeZone, input.week ?? null],
  )
  return { week: row!.week, runAt: row!.run_at, coversFrom: row!.covers_from, coversTo: row!.covers_to }
}

/**
 * Marks the digest of `week` as being sent; false when it was marked already (by another worker, or an
 * earlier attempt that may have delivered it). Marking before sending makes the digest at most once.
 */
export async function markDigestSending(sql: Sql, week: string, at: Date): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO settings (key, value) VALUES ($1, jsonb_build_object('at', $2::text)) ON CONFLICT (key) DO NOTHING RETURNING key`,
    [`digest_sent:${week}`, at.toISOString()],
  )
  return rows.length > 0
}

/** Takes the mark back after the receiver refused the digest, so the job's retry may send it. */
export async function unmarkDigestSending(sql: Sql, week: string): Promise<void> {
  await sql.query('DELETE FROM settings WHERE key = $1', [`digest_sent:${week}`])
}
