import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import { agentsNeeded, ErlangCInputSchema, ErlangCResultSchema } from '../../staffing/erlang-c.js'
import { StaffingPlanSchema, StaffingQuerySchema, staffingPlan } from '../../staffing/plan.js'
import { staffingPlanCsv, staffingPlanCsvFileName } from '../../staffing/plan-csv.js'
import { getStaffingSettings, replaceStaffingSettings, StaffingSettingsSchema } from '../../staffing/settings.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, jsonContent, problemResponses } from '../openapi.js'
import { csvDownload, prefersCsv } from '../csv-response.js'
import { createRouter } from '../router.js'

const erlangCRoute = createRoute({
  operationId: 'erlangC',
  description:
    'The fewest agents that answer `targetServiceLevel` of calls or chats within `targetAnswerSeconds` (Erlang C: random arrivals, no abandonment), with the service level, probability of waiting, average speed of answer and occupancy they reach. Lead or admin; 422 names the field, also when the load would need more than 5 000 agents.',
  method: 'post',
  path: '/v1/staffing/erlang-c',
  tags: ['staffing'],
  security: bearerSecurity,
  middleware: requireRole('lead', 'admin'),
  summary: 'Erlang C calculator: agents needed for a service level (lead, admin)',
  request: { body: { required: true, content: { 'application/json': { schema: ErlangCInputSchema } } } },
  responses: {
    200: jsonContent(ErlangCResultSchema, 'Agents needed and what they achieve'),
    ...problemResponses(400, 415, 422, ...authenticatedProblems),
  },
})

const lead = { tags: ['staffing'], security: bearerSecurity, middleware: requireRole('lead', 'admin') }

const planRoute = createRoute({
  ...lead,
  operationId: 'staffingPlan',
  description:
    'Next week\'s expected inquiries per department and hour of the week (the seasonal hour-of-week mean of the last `weeks` complete weeks, in UI_TIME_ZONE) and the agents each hour needs: e-mails and tickets by workload within the first-response target, calls and chats by Erlang C, both divided by the productive share. `backtest` scores the model on the last history weeks against "same hour last week". With `Accept: text/csv` one row per department and hour (department, ISO weekday, hour, expected_async, expected_sync, agents) for download. Lead or admin.',
  method: 'get',
  path: '/v1/reports/staffing',
  summary: 'Staffing forecast (Einsatzplanung) for next week (lead, admin)',
  request: { query: StaffingQuerySchema },
  responses: {
    200: {
      description: 'The plan, 168 hours per department, as JSON, or as CSV when asked for with Accept: text/csv',
      content: {
        'application/json': { schema: StaffingPlanSchema },
        'text/csv': {
          schema: z.string().meta({ example: 'department,weekday,hour,expected_async,expected_sync,agents\r\ntechnical,1,9,2.5,0,1\r\n' }),
        },
      },
    },
    ...problemResponses(422, ...authenticatedProblems),
  },
})
const getSettingsRoute = createRoute({
  ...lead,
  operationId: 'getStaffingSettings',
  description:
    'Handling times, targets and productive share per department that the staffing forecast uses (defaults until a lead sets them). Lead or admin.',
  method: 'get',
  path: '/v1/staffing/settings',
  summary: 'Staffing settings per department (lead, admin)',
  responses: { 200: jsonContent(StaffingSettingsSchema, 'The settings in force'), ...problemResponses(...authenticatedProblems) },
})
const putSettingsRoute = createRoute({
  ...lead,
  operationId: 'replaceStaffingSettings',
  description:
    'Replaces the staffing settings of both departments; the audit trail records who changed them, with the settings before and after. Lead or admin; 422 names each invalid field and the settings in force stay.',
  method: 'put',
  path: '/v1/staffing/settings',
  summary: 'Change handling times and targets (lead, admin)',
  request: { body: { required: true, content: { 'application/json': { schema: StaffingSettingsSchema } } } },
  responses: { 200: jsonContent(StaffingSettingsSchema, 'Stored'), ...problemResponses(400, 415, 422, ...authenticatedProblems) },
})

/** The Erlang C calculator, the staffing settings and next week's staffing plan. */
export function staffingRoutes(deps: Deps) {
  return createRouter()
    .openapi(erlangCRoute, (c) => c.json(agentsNeeded(c.req.valid('json')), 200))
    .openapi(planRoute, async (c) => {
      const plan = await staffingPlan(deps, c.req.valid('query'))
      if (!prefersCsv(c.req.header('accept'))) return c.json(plan, 200)
      return csvDownload(c, staffingPlanCsv(plan), staffingPlanCsvFileName(plan))
    })
    .openapi(getSettingsRoute, async (c) => c.json(await getStaffingSettings(deps), 200))
    .openapi(putSettingsRoute, async (c) => c.json(await replaceStaffingSettings(deps, c.get('principal'), c.req.valid('json')), 200))
}
