import { type Context, Hono } from 'hono'
import type { Deps } from '../../deps.js'
import { AppError, type FieldError, fieldErrorsFrom } from '../../errors.js'
import { overviewCsv, overviewCsvFileName } from '../../reports/overview-csv.js'
import { type ReportOverview, ReportQuerySchema, reportOverview } from '../../reports/overview.js'
import type { UiEnv } from '../env.js'
import { signedIn } from '../middleware.js'
import { ReportsPage } from '../pages/reports.js'
import { page, viewOf } from '../render.js'

const filters = ['from', 'to', 'department', 'granularity']
const listed = (errors: readonly FieldError[]) => errors.map((error) => `${error.field}: ${error.message}`).join('; ')

/** The report under the page's filters (an empty form field means its default); 422 naming the field otherwise. */
async function reportOf(deps: Deps, c: Context<UiEnv>): Promise<ReportOverview> {
  const given = Object.entries(c.req.query()).filter(([key, value]) => value !== '' && filters.includes(key))
  const parsed = ReportQuerySchema.safeParse(Object.fromEntries(given))
  if (!parsed.success) {
    const errors = fieldErrorsFrom(parsed.error.issues)
    throw new AppError('validation_failed', `The filters are invalid: ${listed(errors)}.`, { errors })
  }
  return reportOverview(deps, parsed.data)
}

/** The lead's overview report as a page, and the same as a CSV download under the page's filters. */
export function reportsUiRoutes(deps: Deps) {
  const leads = signedIn(deps, ['lead', 'admin'])
  return new Hono<UiEnv>()
    .use('/reports', leads)
    .use('/reports/*', leads)
    .get('/reports', async (c) => {
      let problems: string | undefined
      // Filters the report cannot use (a hand-edited address, say) show the defaults with a notice, not an error page.
      const report = await reportOf(deps, c).catch((error: unknown) => {
        if (!(error instanceof AppError && error.code === 'validation_failed')) throw error
        problems = listed(error.errors ?? [])
        return reportOverview(deps, { granularity: 'day' })
      })
      const csv = new URLSearchParams({ from: report.from, to: report.to, granularity: report.granularity })
      if (report.department) csv.set('department', report.department)
      const view = viewOf(c, deps.config.ui.timeZone)
      return page(c, 200, <ReportsPage view={view} report={report} csvHref={`/ui/reports/overview.csv?${csv}`} problems={problems} />)
    })
    .get('/reports/overview.csv', async (c) => {
      const report = await reportOf(deps, c)
      return c.body(overviewCsv(report), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${overviewCsvFileName(report)}"`,
        'Cache-Control': 'no-store',
      })
    })
}
