import { AppError } from '../errors.js'

// A report's range is two local dates in the UI time zone, both included: a lead thinks "1 to 28 May",
// not in instants, and a day means the same local day whichever server runs the query.

/** The longest range a report covers, in days (a leap year). */
export const maxReportDays = 366
/** Without `from`: this many days up to and including `to`. */
export const defaultReportDays = 28

/** The local date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): string {
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
 * The dates a report covers: `to` defaults to today in the time zone, `from` to 27 days before `to` (28
 * days in all). 422 naming `from` when it lies after `to` or the range is longer than 366 days.
 */
export function resolveRange(query: { from?: string | undefined; to?: string | undefined }, now: Date, timeZone: string) {
  const to = query.to ?? localDate(now, timeZone)
  const from = query.from ?? addDays(to, -(defaultReportDays - 1))
  const days = daysBetween(from, to) + 1
  const problem =
    days < 1
      ? `must not be after to (${to})`
      : days > maxReportDays
        ? `the range may cover at most ${maxReportDays} days (asked: ${days})`
        : undefined
  if (problem) throw new AppError('validation_failed', 'The report range is invalid.', { errors: [{ field: 'from', message: problem }] })
  return { from, to, days }
}
