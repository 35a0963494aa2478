import type { FC } from 'hono/jsx'
import type { ReportOverview } from '../../reports/overview.js'
import { BarChart, type ChartItem, ColumnChart } from '../charts.js'
import type { LabelKey } from '../i18n.js'
import { Layout, Notice, type View } from '../layout.js'
import { Deadlines, VolumeTable } from './report-tables.js'

/** The lead's overview report: a filter form, the CSV download, and each part as a chart with its table. */
export const ReportsPage: FC<{ view: View; report: ReportOverview; csvHref: string; problems?: string | undefined }> = ({
  view,
  report,
  csvHref,
  problems,
}) => {
  const { t, format } = view
  const count = (value: number) => format.number(value, 0)
  const items = (entries: Array<[string, number]>): ChartItem[] => entries.map(([label, value]) => ({ label, value, text: count(value) }))
  const table = { tableLabel: t('reports.asTable'), valueHeading: t('reports.count') }
  return (
    <Layout view={view} title={t('reports.title')} section="reports">
      {problems ? <Notice kind="warn">{t('reports.invalid', { problems })}</Notice> : null}
      <p>{t('reports.intro', { from: format.date(report.from), to: format.date(report.to), timeZone: report.timeZone })}</p>
      <Filters view={view} report={report} csvHref={csvHref} />
      <Summary view={view} report={report} />
      <section class="card" aria-labelledby="r-volume">
        <h2 id="r-volume">{t('reports.volume')}</h2>
        <ColumnChart
          id="c-volume"
          title={t('reports.volume')}
          items={report.periods.map((period) => ({
            label: format.dayMonth(period.period),
            value: period.inquiries,
            text: count(period.inquiries),
          }))}
          xLabel={t(report.granularity === 'week' ? 'reports.weekStarting' : 'reports.day')}
          yLabel={t('reports.inquiries')}
          labelHeading={t('reports.period')}
          {...table}
          table={<VolumeTable view={view} report={report} />}
        />
      </section>
      <section class="card" aria-labelledby="r-languages">
        <h2 id="r-languages">{t('reports.languages')}</h2>
        <BarChart
          id="c-languages"
          title={t('reports.languages')}
          items={items(Object.entries(report.totals.languages).map(([code, value]) => [format.language(code), value]))}
          labelHeading={t('reports.language')}
          {...table}
        />
      </section>
      <section class="card" aria-labelledby="r-channels">
        <h2 id="r-channels">{t('reports.channels')}</h2>
        <BarChart
          id="c-channels"
          title={t('reports.channels')}
          items={items(
            Object.entries(report.totals.channels).map(([channel, value]) => [
              channel === 'unknown' ? t('reports.unknownChannel') : channel,
              value,
            ]),
          )}
          labelHeading={t('reports.channel')}
          {...table}
        />
      </section>
      <section class="card" aria-labelledby="r-escalations">
        <h2 id="r-escalations">{t('reports.escalations')}</h2>
        {report.escalations.total === 0 ? (
          <p>{t('reports.noEscalations')}</p>
        ) : (
          <BarChart
            id="c-escalations"
            title={t('reports.escalations')}
            items={items(report.escalations.reasons.map((reason) => [view.reasonName(reason.code), reason.escalations]))}
            labelHeading={t('reports.reason')}
            {...table}
          />
        )}
        <Deadlines view={view} report={report} />
      </section>
      <section class="card" aria-labelledby="r-suggestions">
        <h2 id="r-suggestions">{t('reports.suggestions')}</h2>
        {report.suggestions.withFeedback === 0 ? (
          <p>{t('reports.noFeedback')}</p>
        ) : (
          <>
            <BarChart
              id="c-suggestions"
              title={t('reports.suggestions')}
              items={items([
                [t('reports.usedAsIs'), report.suggestions.usedAsIs],
                [t('reports.edited'), report.suggestions.edited],
                [t('reports.none'), report.suggestions.none],
              ])}
              labelHeading={t('reports.use')}
              {...table}
            />
            <p>
              {t('reports.corrected', {
                count: count(report.suggestions.departmentCorrected),
                total: count(report.suggestions.withFeedback),
                share: format.percent(report.suggestions.correctionShare),
              })}
            </p>
          </>
        )}
      </section>
      <section class="card" aria-labelledby="r-hours">
        <h2 id="r-hours">{t('reports.hours')}</h2>
        <ColumnChart
          id="c-hours"
          title={t('reports.hours')}
          items={report.hours.map((hour) => ({
            label: String(hour.hour).padStart(2, '0'),
            value: hour.inquiries,
            text: count(hour.inquiries),
          }))}
          xLabel={t('reports.hour')}
          yLabel={t('reports.inquiries')}
          labelHeading={t('reports.hour')}
          {...table}
        />
      </section>
    </Layout>
  )
}

const Filters: FC<{ view: View; report: ReportOverview; csvHref: string }> = ({ view, report, csvHref }) => {
  const { t } = view
  const option = (value: string, label: LabelKey, current: string | null) => (
    <option value={value} selected={value === (current ?? '')}>
      {t(label)}
    </option>
  )
  return (
    <form method="get" action="/ui/reports" class="card filters" aria-label={t('reports.filters')}>
      <div class="field">
        <label for="f-from">{t('reports.from')}</label>
        <input id="f-from" type="date" name="from" value={report.from} />
      </div>
      <div class="field">
        <label for="f-to">{t('reports.to')}</label>
        <input id="f-to" type="date" name="to" value={report.to} />
      </div>
      <div class="field">
        <label for="f-department">{t('reports.department')}</label>
        <select id="f-department" name="department">
          {option('', 'reports.allDepartments', report.department)}
          {option('technical', 'dept.technical', report.department)}
          {option('commercial', 'dept.commercial', report.department)}
        </select>
      </div>
      <div class="field">
        <label for="f-granularity">{t('reports.granularity')}</label>
        <select id="f-granularity" name="granularity">
          {option('day', 'reports.day', report.granularity)}
          {option('week', 'reports.week', report.granularity)}
        </select>
      </div>
      <div class="actions">
        <button type="submit">{t('reports.show')}</button>
        <a class="button secondary" href={csvHref} download>
          {t('reports.csv')}
        </a>
      </div>
    </form>
  )
}

const Summary: FC<{ view: View; report: ReportOverview }> = ({ view, report }) => {
  const { t, format } = view
  const { complaints } = report
  return (
    <section class="card" aria-labelledby="r-summary">
      <h2 id="r-summary">{t('reports.summary')}</h2>
      <dl class="facts">
        <dt>{t('reports.inquiries')}</dt>
        <dd>{format.number(report.totals.inquiries, 0)}</dd>
        <dt>{t('reports.escalated')}</dt>
        <dd>{format.number(report.totals.escalated, 0)}</dd>
        <dt>{t('reports.complaintRate')}</dt>
        <dd>
          {t('reports.complaintRateValue', {
            rate: format.percent(complaints.rate),
            count: format.number(complaints.inquiries, 0),
            assessed: format.number(complaints.assessed, 0),
          })}
        </dd>
      </dl>
    </section>
  )
}
