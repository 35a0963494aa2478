import { Hono } from 'hono'
import type { Deps } from '../../deps.js'
import { AppError, fieldErrorsFrom } from '../../errors.js'
import { StaffingQuerySchema, staffingPlan } from '../../staffing/plan.js'
import { staffingPlanCsv, staffingPlanCsvFileName } from '../../staffing/plan-csv.js'
import type { UiEnv } from '../env.js'
import { signedIn } from '../middleware.js'
import { StaffingPage } from '../pages/staffing.js'
import { page, viewOf } from '../render.js'

/**
 * Leads' staffing plan for next week; on the page a weeks value the form cannot mean falls back to four.
 * The CSV download answers 422 instead, so a file never holds a plan other than the one asked for.
 */
export function staffingUiRoutes(deps: Deps) {
  const leads = signedIn(deps, ['lead', 'admin'])
  return new Hono<UiEnv>()
    .use('/staffing', leads)
    .use('/staffing.csv', leads)
    .get('/staffing', async (c) => {
      const asked = Number(c.req.query('weeks'))
      const weeks = Number.isInteger(asked) && asked >= 1 && asked <= 26 ? asked : 4
      const plan = await staffingPlan(deps, { weeks })
      const csvHref = `/ui/staffing.csv?weeks=${weeks}`
      return page(c, 200, <StaffingPage view={viewOf(c, deps.config.ui.timeZone)} plan={plan} csvHref={csvHref} />)
    })
    .get('/staffing.csv', async (c) => {
      const weeks = c.req.query('weeks')
      const parsed = StaffingQuerySchema.safeParse(weeks ? { weeks } : {})
      if (!parsed.success)
        throw new AppError('validation_failed', 'The weeks of history are invalid.', { errors: fieldErrorsFrom(parsed.error.issues) })
      const plan = await staffingPlan(deps, parsed.data)
      return c.body(staffingPlanCsv(plan), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${staffingPlanCsvFileName(plan)}"`,
        'Cache-Control': 'no-store',
      })
    })
}
