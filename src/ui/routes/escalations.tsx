import { Hono, type Context } from 'hono'
import { z } from 'zod'
import { isUuid, listApiKeys } from '../../auth/api-keys.js'
import type { Principal } from '../../auth/roles.js'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import {
  claimEscalation,
  getEscalation,
  listEscalationQueue,
  reassignEscalation,
  releaseEscalation,
  resolveEscalation,
} from '../../review/escalations.js'
import type { FormValues, UiEnv } from '../env.js'
import { fieldErrorsOf, validateForm, type FieldErrors } from '../forms.js'
import { signedIn } from '../middleware.js'
import { CasePage, caseNotices, type CaseNotice, type CasePageProps } from '../pages/case.js'
import { QueuePage, type QueueFilter } from '../pages/escalations.js'
import { page, viewOf } from '../render.js'

const pageSize = 25

function filterOf(query: Record<string, string>): QueueFilter {
  const status = query.status
  const department = query.department
  return {
    status: status === 'open' || status === 'claimed' || status === 'resolved' || status === 'all' ? status : '',
    department: department === 'technical' || department === 'commercial' ? department : '',
    overdue: query.overdue === 'true',
    cursor: query.cursor && isUuid(query.cursor) ? query.cursor : undefined,
  }
}

// Messages are label keys, so validateForm shows them in the page's language.
const ResolveForm = z
  .object({
    resolution: z.string({ error: 'error.required' }).trim().min(1, 'error.required').max(5000, 'error.tooLong'),
    finalDepartment: z.enum(['', 'technical', 'commercial'], { error: 'error.invalid' }).optional(),
    reply: z.string().trim().max(50_000, 'error.tooLong').optional(),
    addToKnowledgeBase: z.literal('on').optional(),
    notWarranted: z.literal('on').optional(),
    articleTitle: z
      .string()
      .trim()
      .max(300, 'error.tooLong')
      .refine((value) => value === '' || value.length >= 3, 'error.tooShort')
      .optional(),
  })
  .superRefine((form, context) => {
    if (form.addToKnowledgeBase && !form.reply) context.addIssue({ code: 'custom', path: ['reply'], message: 'error.replyForKb' })
  })

const ReassignForm = z.object({ toKeyId: z.string({ error: 'error.required' }).min(1, 'error.required').refine(isUuid, 'error.invalid') })

const conflictOf = (error: unknown) => {
  if (error instanceof AppError && error.code === 'conflict') return error.message
  throw error
}

/** Leads' view: the escalation queue and a case with claim, release, hand over and resolve. */
export function escalationUiRoutes(deps: Deps) {
  const tz = deps.config.ui.timeZone
  const leads = signedIn(deps, ['lead', 'admin'])

  async function showCase(c: Context<UiEnv>, id: string, status: number, extra: Omit<CasePageProps, 'view' | 'escalation' | 'leads'> = {}) {
    const escalation = await getEscalation(deps, id)
    const leadKeys =
      escalation.status === 'resolved' ? [] : (await listApiKeys(deps)).filter((key) => key.role === 'lead' && !key.revokedAt)
    return page(
      c,
      status,
      <CasePage
        view={viewOf(c, tz)}
        escalation={escalation}
        leads={leadKeys.map((key) => ({ keyId: key.id, name: key.name }))}
        {...extra}
      />,
    )
  }

  /** A claim or release: back to the case with a notice, or the case with the conflict explained (409). */
  const act = (verb: typeof claimEscalation, done: 'claimed' | 'released') => async (c: Context<UiEnv>) => {
    const id = c.req.param('id')!
    try {
      await verb(deps, c.get('principal'), id)
    } catch (error) {
      return showCase(c, id, 409, { conflict: conflictOf(error) })
    }
    return c.redirect(`/ui/escalations/${id}?done=${done}`, 303)
  }

  /**
   * A case form: validated, handed to the verb, then back to the case with a notice; or the case again
   * with what was typed and the messages at the fields (422), or the conflict explained (409).
   */
  const submit =
    <S extends z.ZodType>(form: S, verb: (principal: Principal, id: string, data: z.output<S>) => Promise<unknown>, done: CaseNotice) =>
    async (c: Context<UiEnv>) => {
      const id = c.req.param('id')!
      const values: FormValues = c.get('form')
      const again = (status: number, extra: { errors?: FieldErrors; conflict?: string }) => showCase(c, id, status, { values, ...extra })
      const checked = validateForm(form, values, c.get('t'))
      if (!checked.ok) return again(422, { errors: checked.errors })
      try {
        await verb(c.get('principal'), id, checked.data)
      } catch (error) {
        if (error instanceof AppError && error.code === 'conflict') return again(409, { conflict: error.message })
        return again(422, { errors: fieldErrorsOf(error, c.get('t')) })
      }
      return c.redirect(`/ui/escalations/${id}?done=${done}`, 303)
    }

  const reassign = submit(
    ReassignForm,
    (principal, id, form) => reassignEscalation(deps, principal, id, { toKeyId: form.toKeyId }),
    'reassigned',
  )

  const resolve = submit(
    ResolveForm,
    (principal, id, form) =>
      resolveEscalation(deps, principal, id, {
        resolution: form.resolution,
        ...(form.finalDepartment ? { finalDepartment: form.finalDepartment } : {}),
        ...(form.reply ? { reply: form.reply } : {}),
        ...(form.addToKnowledgeBase ? { addToKnowledgeBase: true } : {}),
        ...(form.articleTitle ? { articleTitle: form.articleTitle } : {}),
        ...(form.notWarranted ? { escalationWarranted: false } : {}),
      }),
    'resolved',
  )

  return new Hono<UiEnv>()
    .use('/escalations', leads)
    .use('/escalations/*', leads)
    .get('/escalations', async (c) => {
      const filter = filterOf(c.req.query())
      const queue = await listEscalationQueue(deps, {
        ...(filter.status === '' ? { unresolved: true } : filter.status === 'all' ? {} : { status: filter.status }),
        ...(filter.department ? { department: filter.department } : {}),
        overdue: filter.overdue,
        cursor: filter.cursor,
        limit: pageSize,
      })
      return page(c, 200, <QueuePage view={viewOf(c, tz)} filter={filter} items={queue.items} nextCursor={queue.nextCursor} />)
    })
    .get('/escalations/:id', (c) => {
      const done = c.req.query('done') as CaseNotice | undefined
      return showCase(c, c.req.param('id'), 200, { notice: done && caseNotices.includes(done) ? done : undefined })
    })
    .post('/escalations/:id/claim', act(claimEscalation, 'claimed'))
    .post('/escalations/:id/release', act(releaseEscalation, 'released'))
    .post('/escalations/:id/reassign', reassign)
    .post('/escalations/:id/resolve', resolve)
}
