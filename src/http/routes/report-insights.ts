import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import { knowledgeGapsCsv, trainingNeedsCsv } from '../../reports/insights-csv.js'
import { draftGapArticle, GapDraftInputSchema, GapDraftSchema } from '../../reports/gap-draft.js'
import { ReportRangeSchema } from '../../reports/range.js'
import { KnowledgeGapsSchema, reportKnowledgeGaps } from '../../reports/knowledge-gaps.js'
import { reportTrainingNeeds, TrainingNeedsSchema } from '../../reports/training-needs.js'
import { requireRole } from '../middleware/auth.js'
import { authenticatedProblems, bearerSecurity, problemResponses } from '../openapi.js'
import { csvDownload, prefersCsv } from '../csv-response.js'
import { createRouter } from '../router.js'

const lead = { tags: ['reports'], security: bearerSecurity, middleware: requireRole('lead', 'admin') }
const rangeNote =
  '`from` and `to` are local days (YYYY-MM-DD) in UI_TIME_ZONE, `to` included; default the last 28 days up to today. 422 naming `from` when it is after `to` or more than 366 days before it; 422 naming `department` when unknown. Lead or admin. With `Accept: text/csv` the same as a CSV download.'

const jsonOrCsv = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema }, 'text/csv': { schema: z.string() } },
})

const gapsRoute = createRoute({
  ...lead,
  operationId: 'knowledgeGaps',
  method: 'get',
  path: '/v1/reports/knowledge-gaps',
  summary: 'Knowledge gaps: unanswered inquiries grouped into topics (lead, admin)',
  description: `Inquiries that got no article (triage's noKnowledge) or whose suggestions the agent marked as not used, grouped into topics by similarity of their texts: each with a count, the trend (second half of the range against the first), three example inquiries with personal data replaced, the languages and a proposed article title. At most the 2 000 most recent such inquiries are grouped (\`analysed\`, \`truncated\`); their texts are embedded at report time. ${rangeNote}`,
  request: { query: ReportRangeSchema },
  responses: { 200: jsonOrCsv(KnowledgeGapsSchema, 'The topics, largest first'), ...problemResponses(422, ...authenticatedProblems) },
})

const draftRoute = createRoute({
  ...lead,
  operationId: 'draftFromKnowledgeGap',
  method: 'post',
  path: '/v1/reports/knowledge-gaps/drafts',
  summary: 'Draft an article for a knowledge-gap topic (lead, admin)',
  description:
    "Creates a knowledge-base draft (tags `knowledge-gap`, `needs-review`; invisible to search until published) with the title and a body listing the topic's example questions, customers' names and personal data replaced. Audited as `draft_from_gap`. 422 naming `inquiryIds` when one is unknown.",
  request: { body: { required: true, content: { 'application/json': { schema: GapDraftInputSchema } } } },
  responses: {
    201: { description: 'The draft', content: { 'application/json': { schema: GapDraftSchema } } },
    ...problemResponses(400, 415, 422, ...authenticatedProblems),
  },
})

const trainingRoute = createRoute({
  ...lead,
  operationId: 'trainingNeeds',
  method: 'get',
  path: '/v1/reports/training-needs',
  summary: 'Training needs at team level (lead, admin)',
  description: `Per department and per topic, how often agents edited or rejected the suggestions, the department was corrected, a case was handed back (released or reassigned) or the customer was escalated again after a resolved case, with examples. Figures per agent only with REPORTS_PER_AGENT=true (in Germany subject to the works council, BetrVG § 87 (1) no. 6). ${rangeNote}`,
  request: { query: ReportRangeSchema },
  responses: { 200: jsonOrCsv(TrainingNeedsSchema, 'Departments and topics'), ...problemResponses(422, ...authenticatedProblems) },
})

const csvFileName = (name: string, range: { from: string; to: string }) => `report-${name}-${range.from}-${range.to}.csv`

/** The knowledge-gap and training-needs reports, and the draft action of a gap topic. */
export function insightRoutes(deps: Deps) {
  return createRouter()
    .openapi(gapsRoute, async (c) => {
      const report = await reportKnowledgeGaps(deps, c.req.valid('query'))
      if (!prefersCsv(c.req.header('accept'))) return c.json(report, 200)
      return csvDownload(c, knowledgeGapsCsv(report), csvFileName('knowledge-gaps', report.range))
    })
    .openapi(draftRoute, async (c) => c.json(await draftGapArticle(deps, c.get('principal'), c.req.valid('json')), 201))
    .openapi(trainingRoute, async (c) => {
      const report = await reportTrainingNeeds(deps, c.req.valid('query'))
      if (!prefersCsv(c.req.header('accept'))) return c.json(report, 200)
      return csvDownload(c, trainingNeedsCsv(report), csvFileName('training-needs', report.range))
    })
}
