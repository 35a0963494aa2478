import type { FC } from 'hono/jsx'
import type { ReportOverview } from '../../reports/overview.js'
import type { LabelKey } from '../i18n.js'
import type { View } from '../layout.js'

// The report page's tables: the series per period with its departments, and the escalations' deadlines.

type Deadline = ReportOverview['escalations']['claim']

const periodLabel = (view: View, report: ReportOverview, period: string) =>
  report.granularity === 'week' ? view.t('reports.weekOf', { date: view.format.date(period) }) : view.format.date(period)

/** Per period: inquiries, per department, escalated and complaints, folded away under the volume chart. */
export const VolumeTable: FC<{ view: View; report: ReportOverview }> = ({ view, report }) => {
  const { t, format } = view
  return (
    <details>
      <summary>{t('reports.asTable')}</summary>
      <div class="table-wrap">
        <table>
          <caption>{t('reports.volume')}</caption>
          <thead>
            <tr>
              {(
                [
                  'reports.period',
                  'reports.inquiries',
                  'dept.technical',
                  'dept.commercial',
                  'reports.escalated',
                  'reports.complaints',
                ] as const
              ).map((key) => (
                <th scope="col">{t(key)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {report.periods.map((period) => (
              <tr>
                <th scope="row">{periodLabel(view, report, period.period)}</th>
                {[
                  period.inquiries,
                  period.departments.technical ?? 0,
                  period.departments.commercial ?? 0,
                  period.escalated,
                  period.complaints,
                ].map((value) => (
                  <td>{format.number(value, 0)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  )
}

/** Claimed and resolved: in time, late, not yet due, the share in time and the median time. */
export const Deadlines: FC<{ view: View; report: ReportOverview }> = ({ view, report }) => {
  const { t, format } = view
  const row = (label: LabelKey, deadline: Deadline) => (
    <tr>
      <th scope="row">{t(label)}</th>
      <td>{format.number(deadline.met, 0)}</td>
      <td>{format.number(deadline.missed, 0)}</td>
      <td>{format.number(deadline.pending, 0)}</td>
      <td>{format.percent(deadline.shareMet)}</td>
      <td>{deadline.medianMinutes === null ? '—' : t('reports.minutes', { minutes: format.number(deadline.medianMinutes, 0) })}</td>
    </tr>
  )
  return (
    <div class="table-wrap">
      <table>
        <caption>{t('reports.deadlines')}</caption>
        <thead>
          <tr>
            {(['reports.step', 'reports.met', 'reports.missed', 'reports.pending', 'reports.shareMet', 'reports.median'] as const).map(
              (key) => (
                <th scope="col">{t(key)}</th>
              ),
            )}
          </tr>
        </thead>
        <tbody>
          {row('reports.claim', report.escalations.claim)}
          {row('reports.resolve', report.escalations.resolve)}
        </tbody>
      </table>
    </div>
  )
}
