import { Hono } from 'hono'
import type { Deps } from '../../deps.js'
import { currentPolicy } from '../../triage/escalation/policy-store.js'
import type { UiEnv } from '../env.js'
import { signedIn } from '../middleware.js'
import { PolicyPage } from '../pages/policy.js'
import { page, viewOf } from '../render.js'

/** Leads' view of the escalation policy in force (admins change it through the API). */
export function policyUiRoutes(deps: Deps) {
  return new Hono<UiEnv>()
    .use('/escalation-policy', signedIn(deps, ['lead', 'admin']))
    .get('/escalation-policy', async (c) =>
      page(c, 200, <PolicyPage view={viewOf(c, deps.config.ui.timeZone)} stored={await currentPolicy(deps)} />),
    )
}
