import type { FC } from 'hono/jsx'
import type { StaffingPlan } from '../../staffing/plan.js'
import type { LabelKey } from '../i18n.js'
import { Layout, type View } from '../layout.js'

type DepartmentPlan = StaffingPlan['departments'][number]

const weekdays = [1, 2, 3, 4, 5, 6, 7]
const hours = Array.from({ length: 24 }, (_, hour) => hour)
// Five shades: the number in each cell carries the meaning, the shade only helps the eye find the peaks.
const shadeOf = (agents: number, peak: number) => (agents === 0 || peak === 0 ? 0 : Math.max(1, Math.ceil((agents / peak) * 5)))

/** Next week's agents per hour and weekday for each department, as a table shaded like a heatmap. */
export const StaffingPage: FC<{ view: View; plan: StaffingPlan; csvHref: string }> = ({ view, plan, csvHref }) => {
  const { t, format } = view
  return (
    <Layout view={view} title={t('staffing.title')} section="staffing">
      <p>{t('staffing.intro', { date: format.date(plan.weekStarting), weeks: String(plan.historyWeeks) })}</p>
      <form method="get" action="/ui/staffing" class="card filters">
        <div class="field">
          <label for="f-weeks">{t('staffing.weeks')}</label>
          <input id="f-weeks" type="number" name="weeks" min="1" max="26" value={String(plan.historyWeeks)} />
        </div>
        <div class="actions">
          <button type="submit">{t('staffing.show')}</button>
          <a class="button secondary" href={csvHref} download>
            {t('staffing.csv')}
          </a>
        </div>
      </form>
      <p class="hint">{t('staffing.legend')}</p>
      {plan.departments.map((department) => (
        <DepartmentHeatmap view={view} plan={department} />
      ))}
    </Layout>
  )
}

const DepartmentHeatmap: FC<{ view: View; plan: DepartmentPlan }> = ({ view, plan }) => {
  const { t, format } = view
  const headingId = `h-${plan.department}`
  return (
    <section aria-labelledby={headingId} class="card">
      <h2 id={headingId}>{t(`dept.${plan.department}` as LabelKey)}</h2>
      <p>{t('staffing.expected', { count: format.number(plan.expectedArrivals, 0), peak: String(plan.peakAgents) })}</p>
      <p class="hint">
        {plan.backtest?.model.weightedPercentageError != null && plan.backtest.baseline.weightedPercentageError != null
          ? t('staffing.backtest', {
              model: format.percent(plan.backtest.model.weightedPercentageError),
              baseline: format.percent(plan.backtest.baseline.weightedPercentageError),
            })
          : t('staffing.noBacktest')}
      </p>
      <div class="table-wrap">
        <table class="heatmap">
          <thead>
            <tr>
              <th scope="col">{t('staffing.hour')}</th>
              {weekdays.map((weekday) => (
                <th scope="col">{format.weekday(weekday)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {hours.map((hour) => (
              <tr>
                <th scope="row">{`${String(hour).padStart(2, '0')}:00`}</th>
                {weekdays.map((weekday) => {
                  const cell = plan.hours[(weekday - 1) * 24 + hour]!
                  const arrivals = format.number(cell.arrivals.async + cell.arrivals.sync, 1)
                  return (
                    <td
                      class={`heat-${shadeOf(cell.agents, plan.peakAgents)}`}
                      title={t('staffing.cell', { agents: String(cell.agents), arrivals })}
                    >
                      {cell.agents}
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}
