import { Hono, type Context } from 'hono'
import type { Deps } from '../../deps.js'
import { AppError, fieldErrorsFrom } from '../../errors.js'
import { knowledgeGapsCsv, trainingNeedsCsv } from '../../reports/insights-csv.js'
import { draftGapArticle, GapDraftInputSchema } from '../../reports/gap-draft.js'
import { ReportRangeSchema } from '../../reports/range.js'
import { reportKnowledgeGaps } from '../../reports/knowledge-gaps.js'
import { reportTrainingNeeds } from '../../reports/training-needs.js'
import type { UiEnv } from '../env.js'
import { signedIn } from '../middleware.js'
import type { InsightFilter } from '../pages/insight-filters.js'
import { KnowledgeGapsPage } from '../pages/knowledge-gaps.js'
import { TrainingNeedsPage } from '../pages/training-needs.js'
import { page, viewOf } from '../render.js'

type Loaded<T> = { report: T; filter: InsightFilter; problem?: undefined } | { report: undefined; filter: InsightFilter; problem: string }

const problemOf = (error: AppError) => (error.errors ?? []).map((item) => `${item.field} ${item.message}`).join('; ') || error.message

/** Runs a report for the page's query; a range the API would refuse comes back as `problem`, what was asked kept in the form. */
async function load<T extends { range: { from: string; to: string; department: 'technical' | 'commercial' | null } }>(
  values: Record<string, string | undefined>,
  run: (query: ReturnType<typeof ReportRangeSchema.parse>) => Promise<T>,
): Promise<Loaded<T>> {
  const asked = { from: values.from || undefined, to: values.to || undefined, department: values.department || undefined }
  const department = asked.department === 'technical' || asked.department === 'commercial' ? asked.department : ''
  const typed: InsightFilter = { from: (asked.from ?? '').slice(0, 10), to: (asked.to ?? '').slice(0, 10), department }
  const parsed = ReportRangeSchema.safeParse(asked)
  if (!parsed.success)
    return {
      report: undefined,
      filter: typed,
      problem: problemOf(new AppError('validation_failed', '', { errors: fieldErrorsFrom(parsed.error.issues) })),
    }
  try {
    const report = await run(parsed.data)
    return {
      report,
      filter: { from: report.range.from, to: report.range.to, department: report.range.department ?? '' },
    }
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation_failed')
      return { report: undefined, filter: typed, problem: problemOf(error) }
    throw error
  }
}

function csv(c: Context<UiEnv>, name: string, range: { from: string; to: string }, body: string) {
  c.header('Cache-Control', 'no-store')
  return c.body(body, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="report-${name}-${range.from}-${range.to}.csv"`,
  })
}

/** The leads' knowledge-gap and training-needs pages, their CSV downloads, and drafting an article for a gap. */
export function insightUiRoutes(deps: Deps) {
  const tz = deps.config.ui.timeZone
  const gaps = (query: ReturnType<typeof ReportRangeSchema.parse>) => reportKnowledgeGaps(deps, query)
  const training = (query: ReturnType<typeof ReportRangeSchema.parse>) => reportTrainingNeeds(deps, query)
  const refused = (c: Context<UiEnv>, problem: string) => c.text(problem, 422, { 'Cache-Control': 'no-store' })
  return new Hono<UiEnv>()
    .use('/reports/*', signedIn(deps, ['lead', 'admin']))
    .get('/reports/knowledge-gaps', async (c) => {
      const loaded = await load(c.req.query(), gaps)
      return page(c, loaded.problem ? 422 : 200, <KnowledgeGapsPage view={viewOf(c, tz)} {...loaded} />)
    })
    .get('/reports/knowledge-gaps/csv', async (c) => {
      const loaded = await load(c.req.query(), gaps)
      return loaded.report ? csv(c, 'knowledge-gaps', loaded.report.range, knowledgeGapsCsv(loaded.report)) : refused(c, loaded.problem)
    })
    .post('/reports/knowledge-gaps/drafts', async (c) => {
      const form = c.get('form')
      const input = GapDraftInputSchema.safeParse({
        title: form.title ?? '',
        inquiryIds: (form.inquiryIds ?? '').split(',').filter(Boolean),
        ...(form.articleDepartment ? { department: form.articleDepartment } : {}),
      })
      let problem: string
      try {
        if (input.success) return c.redirect((await draftGapArticle(deps, c.get('principal'), input.data)).editUrl, 303)
        problem = problemOf(new AppError('validation_failed', '', { errors: fieldErrorsFrom(input.error.issues) }))
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'validation_failed')) throw error
        problem = problemOf(error)
      }
      const loaded = await load(form, gaps)
      return page(c, 422, <KnowledgeGapsPage view={viewOf(c, tz)} {...loaded} draftProblem={problem} />)
    })
    .get('/reports/training-needs', async (c) => {
      const loaded = await load(c.req.query(), training)
      return page(c, loaded.problem ? 422 : 200, <TrainingNeedsPage view={viewOf(c, tz)} {...loaded} />)
    })
    .get('/reports/training-needs/csv', async (c) => {
      const loaded = await load(c.req.query(), training)
      return loaded.report ? csv(c, 'training-needs', loaded.report.range, trainingNeedsCsv(loaded.report)) : refused(c, loaded.problem)
    })
}
