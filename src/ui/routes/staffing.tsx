import { Hono } from 'hono'
import type { Deps } from '../../deps.js'
import { staffingPlan } from '../../staffing/plan.js'
import type { UiEnv } from '../env.js'
import { signedIn } from '../middleware.js'
import { StaffingPage } from '../pages/staffing.js'
import { page, viewOf } from '../render.js'

/** Leads' staffing plan for next week; a weeks value the form cannot mean falls back to four. */
export function staffingUiRoutes(deps: Deps) {
  return new Hono<UiEnv>().use('/staffing', signedIn(deps, ['lead', 'admin'])).get('/staffing', async (c) => {
    const asked = Number(c.req.query('weeks'))
    const weeks = Number.isInteger(asked) && asked >= 1 && asked <= 26 ? asked : 4
    return page(c, 200, <StaffingPage view={viewOf(c, deps.config.ui.timeZone)} plan={await staffingPlan(deps, { weeks })} />)
  })
}
