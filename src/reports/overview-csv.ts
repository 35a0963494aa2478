import { type CsvValue, toCsv } from './csv.js'
import type { ReportOverview } from './overview.js'

/** The file name a download of the report is offered under. */
export const overviewCsvFileName = (report: Pick<ReportOverview, 'from' | 'to'>) => `report-overview-${report.from}-${report.to}.csv`

/**
 * The overview as one long table (section, period, key, value), which a spreadsheet pivots as it likes.
 * Series rows carry their period's first local date; rows about the whole range carry it as an ISO 8601
 * interval (`2026-05-01/2026-05-28`). Shares are fractions (0.75), times in minutes; an empty value is unknown.
 */
export function overviewCsv(report: ReportOverview): string {
  const range = `${report.from}/${report.to}`
  const rows: CsvValue[][] = []
  // Entries, not an object's keys: "10" … "23" would come before "00" as object keys.
  const add = (section: string, period: string, values: Record<string, CsvValue> | Array<[string, CsvValue]>) => {
    for (const [key, value] of Array.isArray(values) ? values : Object.entries(values)) rows.push([section, period, key, value])
  }
  for (const period of report.periods) {
    add('inquiries', period.period, { total: period.inquiries, escalated: period.escalated, complaints: period.complaints })
    add('department', period.period, period.departments)
    add('language', period.period, period.languages)
    add('channel', period.period, period.channels)
  }
  add(
    'escalation_reason',
    range,
    report.escalations.reasons.map((reason): [string, CsvValue] => [reason.code, reason.escalations]),
  )
  add('claim', range, deadlineValues(report.escalations.claim))
  add('resolve', range, deadlineValues(report.escalations.resolve))
  const { suggestions } = report
  add('suggestions', range, {
    with_feedback: suggestions.withFeedback,
    used_as_is: suggestions.usedAsIs,
    edited: suggestions.edited,
    none: suggestions.none,
    department_corrected: suggestions.departmentCorrected,
    correction_share: suggestions.correctionShare,
  })
  add('complaints', range, { inquiries: report.complaints.inquiries, assessed: report.complaints.assessed, rate: report.complaints.rate })
  add(
    'hour',
    range,
    report.hours.map((hour): [string, CsvValue] => [String(hour.hour).padStart(2, '0'), hour.inquiries]),
  )
  return toCsv(['section', 'period', 'key', 'value'], rows)
}

function deadlineValues(deadline: ReportOverview['escalations']['claim']): Record<string, CsvValue> {
  return {
    met: deadline.met,
    missed: deadline.missed,
    pending: deadline.pending,
    share_met: deadline.shareMet,
    median_minutes: deadline.medianMinutes,
  }
}
