import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import { overviewCsv, overviewCsvFileName } from '../../reports/overview-csv.js'
import { ReportOverviewSchema, ReportQuerySchema, reportOverview } from '../../reports/overview.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, problemResponses } from '../openapi.js'
import { csvDownload, prefersCsv } from '../csv-response.js'
import { createRouter } from '../router.js'

const overviewRoute = createRoute({
  operationId: 'reportOverview',
  description: [
    "The lead's overview of a range of days: inquiries per period (local days, or weeks from Monday), department, language and channel; escalations per reason; how soon escalations were claimed and resolved against their due time (share met); how agents used the suggested replies (as is, edited, none) and how often they corrected the department; the complaint rate; inquiries per hour of the day.",
    "`from` and `to` are local dates (YYYY-MM-DD) in UI_TIME_ZONE, both included; no timestamps. Defaults: `to` today, `from` 27 days before (28 days). Inquiries count by the time they arrived; escalations and feedback by their inquiry's arrival. Periods without inquiries are listed with zeros.",
    'With `Accept: text/csv` the same report as one long table (section, period, key, value) for download. Lead or admin; 422 names the field: a malformed date, `from` after `to`, a range over 366 days, an unknown department or granularity.',
  ].join('\n\n'),
  method: 'get',
  path: '/v1/reports/overview',
  tags: ['reports'],
  security: bearerSecurity,
  middleware: requireRole('lead', 'admin'),
  summary: 'Overview report: volumes, escalations, deadlines, suggestions, complaints (lead, admin)',
  request: { query: ReportQuerySchema },
  responses: {
    200: {
      description: 'The report as JSON, or as CSV when asked for with Accept: text/csv',
      content: {
        'application/json': { schema: ReportOverviewSchema },
        'text/csv': { schema: z.string().meta({ example: 'section,period,key,value\r\ninquiries,2026-05-01,total,12\r\n' }) },
      },
    },
    ...problemResponses(422, ...authenticatedProblems),
  },
})

/** The lead's reports: the overview as JSON or CSV. */
export function reportRoutes(deps: Deps) {
  return createRouter().openapi(overviewRoute, async (c) => {
    const report = await reportOverview(deps, c.req.valid('query'))
    if (!prefersCsv(c.req.header('accept'))) return c.json(report, 200)
    return csvDownload(c, overviewCsv(report), overviewCsvFileName(report))
  })
}
