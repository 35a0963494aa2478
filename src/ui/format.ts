import type { Language } from './i18n.js'

// Numbers and times as the reader's language writes them (0,96 and 07.12.2026, 14:30 in German): every
// page formats through one Formatter, so no page picks its own decimal point or time zone.

/** Formats numbers and times for one language and time zone; '—' stands for a missing value. */
export interface Formatter {
  /** With exactly `fractionDigits` decimals (0.9 → "0,90" in German). */
  number(value: number, fractionDigits?: number): string
  /** A share from 0 to 1 as a whole percentage ("96 %" in German, "96%" in English). */
  percent(value: number | null | undefined): string
  /** Date and time in the time zone ("07.12.2026, 14:30"). */
  dateTime(at: string | Date | null | undefined): string
  /** A short weekday name, 1 = Monday ("Mo" / "Mon"). */
  weekday(isoWeekday: number): string
  /** A date given as YYYY-MM-DD, in the reader's notation ("14.12.2026"). */
  date(isoDate: string): string
  /** A date given as YYYY-MM-DD as day and short month only ("12. Jan." / "12 Jan"), for a chart's axis. */
  dayMonth(isoDate: string): string
  /** A language code's name in the reader's language ("en" → "Englisch"); the code itself when Intl has no name. */
  language(code: string): string
}

const locales: Record<Language, string> = { de: 'de-DE', en: 'en-GB' }

// Intl formatters are costly to build and immutable, so one per locale and options is shared.
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>()
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, build: () => T): T {
  let formatter = cache.get(key)
  if (!formatter) cache.set(key, (formatter = build()))
  return formatter as T
}

const languageNames: Record<string, Intl.DisplayNames> = {}

export function formatterFor(language: Language, timeZone: string): Formatter {
  const locale = locales[language]
  return {
    number(value, fractionDigits = 2) {
      const options = { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }
      return cached(`n|${locale}|${fractionDigits}`, () => new Intl.NumberFormat(locale, options)).format(value)
    },
    percent(value) {
      if (value === null || value === undefined) return '—'
      return cached(`p|${locale}`, () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 })).format(value)
    },
    dateTime(at) {
      if (!at) return '—'
      const date = typeof at === 'string' ? new Date(at) : at
      if (Number.isNaN(date.getTime())) return '—'
      const options = { dateStyle: 'medium', timeStyle: 'short', timeZone } as const
      return cached(`d|${locale}|${timeZone}`, () => new Intl.DateTimeFormat(locale, options)).format(date)
    },
    weekday(isoWeekday) {
      // 1 January 2024 was a Monday; formatted in UTC, so the time zone cannot shift the day.
      const options = { weekday: 'short', timeZone: 'UTC' } as const
      return cached(`w|${locale}`, () => new Intl.DateTimeFormat(locale, options)).format(new Date(Date.UTC(2024, 0, isoWeekday)))
    },
    date(isoDate) {
      const options = { dateStyle: 'medium', timeZone: 'UTC' } as const
      return cached(`day|${locale}`, () => new Intl.DateTimeFormat(locale, options)).format(new Date(`${isoDate}T00:00:00Z`))
    },
    dayMonth(isoDate) {
      const options = { day: 'numeric', month: 'short', timeZone: 'UTC' } as const
      return cached(`dm|${locale}`, () => new Intl.DateTimeFormat(locale, options)).format(new Date(`${isoDate}T00:00:00Z`))
    },
    language(code) {
      const names = (languageNames[locale] ??= new Intl.DisplayNames(locale, { type: 'language', fallback: 'none' }))
      try {
        return names.of(code) ?? code
      } catch {
        return code // not even shaped like a language tag
      }
    },
  }
}

/** A number as written in machine text ("0.96", "40.0", "48") in the reader's notation, keeping its decimals. */
export function localNumber(format: Formatter, written: string): string {
  const decimals = written.includes('.') ? written.length - written.indexOf('.') - 1 : 0
  const value = Number(written)
  return Number.isFinite(value) ? format.number(value, decimals) : written
}
