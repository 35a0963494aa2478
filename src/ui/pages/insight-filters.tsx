import type { FC } from 'hono/jsx'
import { DepartmentFilter } from '../fields.js'
import { Notice, type View } from '../layout.js'

/** The range and department a report page shows, as the form and the CSV link carry them. */
export interface InsightFilter {
  from: string
  to: string
  department: '' | 'technical' | 'commercial'
}

export const insightQuery = (filter: InsightFilter) => {
  const params = new URLSearchParams({ from: filter.from, to: filter.to })
  if (filter.department) params.set('department', filter.department)
  return `?${params.toString()}`
}

/** The range form of a report page with its CSV download; `problem` is why the asked range was refused. */
export const InsightFilters: FC<{ view: View; action: string; filter: InsightFilter; problem?: string | undefined }> = ({
  view,
  action,
  filter,
  problem,
}) => {
  const { t } = view
  return (
    <>
      {problem ? <Notice kind="bad">{t('insights.invalid', { message: problem })}</Notice> : null}
      <form method="get" action={action} class="card filters" aria-label={t('filter.legend')}>
        <div class="field">
          <label for="f-from">{t('insights.from')}</label>
          <input id="f-from" type="date" name="from" value={filter.from} />
        </div>
        <div class="field">
          <label for="f-to">{t('insights.to')}</label>
          <input id="f-to" type="date" name="to" value={filter.to} />
        </div>
        <DepartmentFilter view={view} value={filter.department} />
        <div class="actions">
          <button type="submit">{t('insights.show')}</button>
          <a class="button secondary" href={`${action}/csv${insightQuery(filter)}`} download>
            {t('insights.csv')}
          </a>
        </div>
      </form>
    </>
  )
}
