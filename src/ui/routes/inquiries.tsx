import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { isUuid } from '../../auth/api-keys.js'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { correctedDepartments, findInquiry, getInquiry, listInquiries, type InquiryListFilter } from '../../inquiries/inquiries.js'
import { countFeedback, recordFeedback } from '../../review/feedback.js'
import { withoutNul } from '../../storage/nul.js'
import type { FormValues, UiEnv } from '../env.js'
import { fieldErrorsOf, validateForm, type FieldErrors } from '../forms.js'
import { signedIn } from '../middleware.js'
import { InquiryListPage } from '../pages/inquiries.js'
import { InquiryPage, inquiryNotices } from '../pages/inquiry.js'
import { currentPolicy } from '../../triage/escalation/policy-store.js'
import { textReasonsOf } from '../../triage/escalation/policy.js'
import { page, viewOf } from '../render.js'

const pageSize = 25

/** Filters from the query string; a value the list does not know is treated as "any". */
function filterOf(query: Record<string, string>): Omit<InquiryListFilter, 'limit'> {
  // A NUL pasted into the search box cannot reach the database (storage/nul.ts).
  const q = withoutNul(query.q ?? '')
    .trim()
    .slice(0, 200)
  return {
    status: query.status === 'received' || query.status === 'triaged' ? query.status : undefined,
    department: query.department === 'technical' || query.department === 'commercial' ? query.department : undefined,
    escalated: query.escalated === 'true' ? true : query.escalated === 'false' ? false : undefined,
    q: q || undefined,
    cursor: query.cursor && isUuid(query.cursor) ? query.cursor : undefined,
  }
}

// Messages are label keys, so validateForm shows them in the page's language.
const FeedbackForm = z.object({
  usedArticleId: z.string({ error: 'error.choose' }).refine((value) => value === 'none' || isUuid(value), 'error.choose'),
  edited: z.literal('on').optional(),
  rating: z
    .string()
    .regex(/^[1-5]?$/, 'error.rating')
    .optional(),
  correctDepartment: z.enum(['', 'technical', 'commercial'], { error: 'error.invalid' }).optional(),
  comment: z.string().max(2000, 'error.tooLong').optional(),
})

/** Agents' view: the inquiry list, one inquiry with its suggestions, and the feedback form. */
export function inquiryUiRoutes(deps: Deps) {
  const tz = deps.config.ui.timeZone

  async function showInquiry(
    c: Context<UiEnv>,
    id: string,
    status: number,
    form?: { values: FormValues; errors: FieldErrors },
    leadForm?: { values: FormValues; errors: FieldErrors },
  ) {
    const inquiry = await getInquiry(deps, id)
    const feedbackCount = await countFeedback(deps, inquiry.id)
    const corrections = await correctedDepartments(deps, [{ id: inquiry.id, department: inquiry.result?.department }])
    const notice = c.req.query('feedback')
    const view = viewOf(c, tz)
    const leadReasons = textReasonsOf((await currentPolicy(deps)).policy).map((reason) => ({
      code: reason.code,
      name: view.reasonName(reason.code),
    }))
    return page(
      c,
      status,
      <InquiryPage
        view={view}
        inquiry={inquiry}
        feedbackCount={feedbackCount}
        correctedDepartment={corrections.get(inquiry.id)}
        values={form?.values}
        errors={form?.errors}
        notice={inquiryNotices.find((known) => known === notice)}
        leadReasons={leadReasons}
        leadForm={leadForm}
      />,
    )
  }

  return new Hono<UiEnv>()
    .use('/inquiries', signedIn(deps))
    .use('/inquiries/*', signedIn(deps))
    .get('/inquiries', async (c) => {
      const filter = filterOf(c.req.query())
      const list = await listInquiries(deps, { ...filter, limit: pageSize })
      const corrections = await correctedDepartments(
        deps,
        list.items.map((item) => ({ id: item.inquiryId, department: item.department })),
      )
      return page(
        c,
        200,
        <InquiryListPage view={viewOf(c, tz)} filter={filter} rows={list.items} corrections={corrections} nextCursor={list.nextCursor} />,
      )
    })
    .get('/inquiries/:id', (c) => showInquiry(c, c.req.param('id'), 200))
    .post('/inquiries/:id/needs-lead', async (c) => {
      const id = c.req.param('id')
      const values = c.get('form')
      const reasons = Object.keys(values)
        .filter((name) => name.startsWith('reason_') && values[name] === 'on')
        .map((name) => name.slice('reason_'.length))
      const note = values.note?.trim()
      const t = c.get('t')
      if (reasons.length === 0) return showInquiry(c, id, 422, undefined, { values, errors: { reasons: t('error.chooseReason') } })
      if (note && note.length > 2000) return showInquiry(c, id, 422, undefined, { values, errors: { note: t('error.tooLong') } })
      try {
        const before = await findInquiry(deps, id)
        const already = (before?.result?.escalation as { escalate?: boolean } | undefined)?.escalate === true
        await recordFeedback(deps, c.get('principal'), id, { usedArticleId: null, needsLead: { reasons, ...(note ? { note } : {}) } })
        return c.redirect(`/ui/inquiries/${id}?feedback=${already ? 'leadAlready' : 'lead'}#main`, 303)
      } catch (error) {
        if (error instanceof AppError && error.code !== 'validation_failed') throw error
        return showInquiry(c, id, 422, undefined, {
          values,
          errors: {
            reasons: fieldErrorsOf(error, t)['needsLead.reasons.0'] ?? Object.values(fieldErrorsOf(error, t))[0] ?? t('error.invalid'),
          },
        })
      }
    })
    .post('/inquiries/:id/feedback', async (c) => {
      const id = c.req.param('id')
      const values = c.get('form')
      const checked = validateForm(FeedbackForm, values, c.get('t'))
      if (!checked.ok) return showInquiry(c, id, 422, { values, errors: checked.errors })
      const form = checked.data
      try {
        const result = await recordFeedback(deps, c.get('principal'), id, {
          usedArticleId: form.usedArticleId === 'none' ? null : form.usedArticleId,
          edited: form.edited === 'on',
          ...(form.rating ? { rating: Number(form.rating) } : {}),
          ...(form.correctDepartment ? { correctDepartment: form.correctDepartment } : {}),
          ...(form.comment?.trim() ? { comment: form.comment.trim() } : {}),
        })
        return c.redirect(`/ui/inquiries/${id}?feedback=${result.exampleAdded ? 'learned' : 'saved'}#main`, 303)
      } catch (error) {
        return showInquiry(c, id, 422, { values, errors: fieldErrorsOf(error, c.get('t')) })
      }
    })
}
