import { z } from 'zod'
import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { rangeBounds } from '../storage/queries/reports.js'

// A report's range is two local dates in the UI time zone, both included: a lead thinks "1 to 28 May",
// not in instants, and a day means the same local day whichever server runs the query. Every report
// (overview, knowledge gaps, training needs, the digest) reads its range through this one module.

/** The longest range a report covers, in days (a leap year). */
export const maxReportDays = 366
/** Without `from`: this many days up to and including `to`. */
export const defaultReportDays = 28

const localDate = z.iso
  .date('must be a date as YYYY-MM-DD')
  .refine((value) => value >= '1970-01-01' && value <= '2999-12-31', 'must lie between 1970-01-01 and 2999-12-31')

/** The range and department every report takes. */
export const ReportRangeSchema = z.object({
  from: localDate
    .optional()
    .meta({ description: 'First day (YYYY-MM-DD, local date in UI_TIME_ZONE), included; default: 27 days before `to`' }),
  to: localDate.optional().meta({ description: 'Last day (YYYY-MM-DD, local date in UI_TIME_ZONE), included; default: today' }),
  department: z
    .enum(['technical', 'commercial'])
    .optional()
    .meta({ description: 'Only inquiries triage put in this department; default: both' }),
})
export type ReportRangeQuery = z.infer<typeof ReportRangeSchema>

/** The range as reported back. */
export const RangeSchema = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  department: z.enum(['technical', 'commercial']).nullable(),
})

/** A resolved range: its local days, how many, and the instants it starts and ends at. */
export interface ReportRange extends z.infer<typeof RangeSchema> {
  days: number
  fromAt: Date
  toAt: Date
}

/** The local date (YYYY-MM-DD) of an instant in a time zone. */
export function localDateOf(at: Date, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at)
}

export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}

const daysBetween = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000

/**
 * The days a report covers: `to` defaults to today in UI_TIME_ZONE, `from` to 27 days before `to` (28
 * days in all). 422 naming `from` when it lies after `to` or the range is longer than 366 days.
 */
export async function resolveRange(deps: Pick<Deps, 'sql' | 'clock' | 'config'>, query: ReportRangeQuery): Promise<ReportRange> {
  const timeZone = deps.config.ui.timeZone
  const to = query.to ?? localDateOf(deps.clock.now(), timeZone)
  const from = query.from ?? addDays(to, -(defaultReportDays - 1))
  const days = daysBetween(from, to) + 1
  const problem =
    days < 1
      ? `must not be after to (${to})`
      : days > maxReportDays
        ? `the range may cover at most ${maxReportDays} days (asked: ${days})`
        : undefined
  if (problem) throw new AppError('validation_failed', 'The report range is invalid.', { errors: [{ field: 'from', message: problem }] })
  const { fromAt, toAt } = await rangeBounds(deps.sql, { from, to, timeZone })
  return { from, to, days, timeZone, department: query.department ?? null, fromAt, toAt }
}

/** The range as reported back, without the instants. */
export const rangeOf = (range: ReportRange): z.infer<typeof RangeSchema> => ({
  from: range.from,
  to: range.to,
  timeZone: range.timeZone,
  department: range.department,
})
