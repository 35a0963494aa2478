import { z } from 'zod'
import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { rangeBounds } from '../storage/queries/report-gaps.js'

const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), {
    message: 'is not a calendar date',
  })

/** The query both insight reports take; the same names as the overview report. */
export const InsightQuerySchema = z.object({
  from: localDate.optional().meta({ description: 'First day (YYYY-MM-DD, in UI_TIME_ZONE); default: 27 days before `to`' }),
  to: localDate.optional().meta({ description: 'Last day, included (YYYY-MM-DD, in UI_TIME_ZONE); default: today' }),
  department: z.enum(['technical', 'commercial']).optional().meta({ description: 'Only inquiries triage put in this department' }),
})
export type InsightQuery = z.infer<typeof InsightQuerySchema>

export const RangeSchema = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  department: z.enum(['technical', 'commercial']).nullable(),
})

/** A resolved report range: local days and the instants they start and end at. */
export interface InsightRange {
  from: string
  to: string
  timeZone: string
  department: 'technical' | 'commercial' | null
  fromAt: Date
  toAt: Date
}

const maxDays = 366
const dayMs = 86_400_000

/** Today's date in the time zone, as YYYY-MM-DD. */
function localToday(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}

const shiftDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10)

/**
 * The days a report covers: `to` defaults to today and `from` to 27 days before it (28 days in all).
 * 422 naming `from` when it lies after `to` or the range is longer than 366 days.
 */
export async function resolveRange(deps: Pick<Deps, 'sql' | 'clock' | 'config'>, query: InsightQuery): Promise<InsightRange> {
  const timeZone = deps.config.ui.timeZone
  const to = query.to ?? localToday(deps.clock.now(), timeZone)
  const from = query.from ?? shiftDays(to, -27)
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs + 1
  const problem = days < 1 ? 'must not be after `to`' : days > maxDays ? `must be at most ${maxDays} days before \`to\`` : undefined
  if (problem) throw new AppError('validation_failed', 'The report range is invalid.', { errors: [{ field: 'from', message: problem }] })
  const { fromAt, toAt } = await rangeBounds(deps.sql, { from, to, timeZone })
  return { from, to, timeZone, department: query.department ?? null, fromAt, toAt }
}

/** The range as reported back, without the instants. */
export const rangeOf = (range: InsightRange): z.infer<typeof RangeSchema> => ({
  from: range.from,
  to: range.to,
  timeZone: range.timeZone,
  department: range.department,
})

/** Where the second half of the range starts: the trend compares the halves. */
export const midpointOf = (range: InsightRange) => new Date((range.fromAt.getTime() + range.toAt.getTime()) / 2)

/** Rising when the second half has at least 1.5 times the first (and two more), falling the other way. */
export function trendOf(firstHalf: number, secondHalf: number): 'rising' | 'falling' | 'steady' {
  if (secondHalf >= firstHalf * 1.5 && secondHalf - firstHalf >= 2) return 'rising'
  if (firstHalf >= secondHalf * 1.5 && firstHalf - secondHalf >= 2) return 'falling'
  return 'steady'
}

export const TrendSchema = z.object({
  firstHalf: z.number().int(),
  secondHalf: z.number().int(),
  direction: z
    .enum(['rising', 'falling', 'steady'])
    .meta({ description: 'rising: the second half of the range has at least 1.5 times the first and two more; falling the other way' }),
})
