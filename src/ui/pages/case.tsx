import type { FC } from 'hono/jsx'
import type { Escalation } from '../../review/escalations.js'
import type { FormValues } from '../env.js'
import { Checkbox, ErrorSummary, SelectField, TextArea, TextField } from '../fields.js'
import type { FieldErrors } from '../forms.js'
import { Csrf, Layout, Notice, Time, type View } from '../layout.js'
import { EscalationBadge } from './inquiries.js'
import { Reasons, Suggestions } from './inquiry.js'

export interface CasePageProps {
  view: View
  escalation: Escalation
  notice?: CaseNotice | undefined
  /** Active leads the case can be handed over to (the reassign form). */
  leads?: ReadonlyArray<{ keyId: string; name: string }> | undefined
  /** A 409 from the verb: the case changed under the lead; its message says how. */
  conflict?: string | undefined
  values?: FormValues | undefined
  errors?: FieldErrors | undefined
}

const noticeLabels = {
  claimed: 'case.claimed',
  released: 'case.released',
  reassigned: 'case.handedOver',
  resolved: 'case.resolvedNotice',
} as const
export type CaseNotice = keyof typeof noticeLabels
export const caseNotices = Object.keys(noticeLabels) as CaseNotice[]

const Facts: FC<{ view: View; escalation: Escalation }> = ({ view, escalation: e }) => {
  const { t } = view
  return (
    <section class="card" aria-labelledby="h-facts">
      <h2 id="h-facts">{t('case.title')}</h2>
      <dl class="facts">
        <dt>{t('col.status')}</dt>
        <dd>
          <EscalationBadge view={view} status={e.status} overdue={e.overdue} />
        </dd>
        <dt>{t('case.due')}</dt>
        <dd>
          <Time view={view} at={e.dueAt} />
        </dd>
        <dt>{t('col.department')}</dt>
        <dd>{t(`dept.${e.department}`)}</dd>
        <dt>{t('inquiry.confidence')}</dt>
        <dd>{view.format.percent(e.inquiry.confidence)}</dd>
        <dt>{t('case.score')}</dt>
        <dd>{view.format.number(e.score)}</dd>
        <dt>{t('case.claimedBy')}</dt>
        <dd>{e.claimedBy?.name ?? t('case.nobody')}</dd>
      </dl>
      <div class="spaced">
        <Reasons view={view} reasons={e.reasons} />
      </div>
    </section>
  )
}

const Resolved: FC<{ view: View; escalation: Escalation }> = ({ view, escalation: e }) => {
  const { t } = view
  return (
    <section class="card" aria-labelledby="h-resolved">
      <h2 id="h-resolved">{t('status.resolved')}</h2>
      <dl class="facts">
        <dt>{t('case.resolvedAt')}</dt>
        <dd>
          <Time view={view} at={e.resolvedAt} />
        </dd>
        <dt>{t('case.resolution')}</dt>
        <dd class="message">{e.resolution}</dd>
        <dt>{t('case.finalDepartment')}</dt>
        <dd>{t(`dept.${e.finalDepartment ?? e.department}`)}</dd>
        {e.reply ? (
          <>
            <dt>{t('case.reply')}</dt>
            <dd class="message">{e.reply}</dd>
          </>
        ) : null}
        {e.kbArticleId ? (
          <>
            <dt>{t('case.kbDraft')}</dt>
            <dd>
              <a href={`/ui/kb/articles/${e.kbArticleId}`}>{t('kb.article')}</a>
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  )
}

type ActionProps = {
  view: View
  escalation: Escalation
  values: FormValues
  errors: FieldErrors | undefined
  leads: ReadonlyArray<{ keyId: string; name: string }>
}

/** Hand the case to another lead: open cases, or claimed ones by their lead or an admin (the API's rule). */
const HandOver: FC<ActionProps & { allowed: boolean }> = ({ view, escalation: e, values, errors, leads, allowed }) => {
  const { t } = view
  const others = leads.filter((lead) => lead.keyId !== e.claimedBy?.keyId)
  if (!allowed || others.length === 0) return null
  return (
    <form method="post" action={`/ui/escalations/${e.id}/reassign`} class="spaced" novalidate>
      <Csrf view={view} />
      <SelectField
        name="toKeyId"
        label={t('case.handOverTo')}
        value={values.toKeyId}
        error={errors?.toKeyId}
        options={[{ value: '', label: t('case.chooseLead') }, ...others.map((lead) => ({ value: lead.keyId, label: lead.name }))]}
      />
      <button type="submit" class="secondary">
        {t('case.handOver')}
      </button>
    </form>
  )
}

const Actions: FC<ActionProps> = ({ view, escalation: e, values, errors, leads }) => {
  const { t } = view
  const principal = view.session!.principal
  const mayRelease = e.status === 'claimed' && (e.claimedBy?.keyId === principal.keyId || principal.role === 'admin')
  const labels = {
    resolution: t('case.resolution'),
    finalDepartment: t('case.finalDepartment'),
    reply: t('case.reply'),
    articleTitle: t('case.articleTitle'),
  }
  return (
    <section class="card" aria-labelledby="h-actions">
      <h2 id="h-actions">{t('case.actions')}</h2>
      <div class="actions">
        {e.status === 'open' ? (
          <form method="post" action={`/ui/escalations/${e.id}/claim`}>
            <Csrf view={view} />
            <button type="submit">{t('case.claim')}</button>
          </form>
        ) : null}
        {mayRelease ? (
          <form method="post" action={`/ui/escalations/${e.id}/release`}>
            <Csrf view={view} />
            <button type="submit" class="secondary">
              {t('case.release')}
            </button>
          </form>
        ) : null}
      </div>
      <HandOver view={view} escalation={e} values={values} errors={errors} leads={leads} allowed={e.status === 'open' || mayRelease} />
      <h3 class="spaced">{t('case.resolveTitle')}</h3>
      <ErrorSummary view={view} errors={errors} labels={labels} />
      <form method="post" action={`/ui/escalations/${e.id}/resolve`} novalidate>
        <Csrf view={view} />
        <TextArea name="resolution" label={labels.resolution} value={values.resolution} error={errors?.resolution} rows={3} required />
        <SelectField
          name="finalDepartment"
          label={labels.finalDepartment}
          value={values.finalDepartment}
          error={errors?.finalDepartment}
          options={[
            { value: '', label: t('case.unchanged', { dept: t(`dept.${e.department}`) }) },
            { value: 'technical', label: t('dept.technical') },
            { value: 'commercial', label: t('dept.commercial') },
          ]}
        />
        <TextArea name="reply" label={labels.reply} value={values.reply} error={errors?.reply} rows={6} />
        <Checkbox name="addToKnowledgeBase" label={t('case.addToKb')} checked={values.addToKnowledgeBase === 'on'} />
        <TextField name="articleTitle" label={labels.articleTitle} value={values.articleTitle} error={errors?.articleTitle} />
        <Checkbox name="notWarranted" label={t('case.notWarranted')} checked={values.notWarranted === 'on'} />
        <button type="submit">{t('case.resolve')}</button>
      </form>
    </section>
  )
}

/** One escalated case: the inquiry and suggestions, the case's facts, and claim / release / hand over / resolve. */
export const CasePage: FC<CasePageProps> = ({ view, escalation: e, notice, conflict, values, errors, leads }) => {
  const { t } = view
  return (
    <Layout view={view} title={e.inquiry.subject || t('case.title')} section="escalations" script={e.suggestions.length > 0}>
      <p>
        <a href="/ui/escalations">← {t('case.back')}</a>
      </p>
      {notice ? <Notice kind="ok">{t(noticeLabels[notice])}</Notice> : null}
      {conflict ? (
        <Notice kind="bad">
          <strong>{t('case.conflict')}</strong>
          <p>{conflict}</p>
          <p>{t('case.conflictHint')}</p>
        </Notice>
      ) : null}
      <div class="grid">
        <div>
          <section class="card" aria-labelledby="h-inquiry">
            <h2 id="h-inquiry">{t('case.inquiry')}</h2>
            <dl class="facts">
              <dt>{t('inquiry.customer')}</dt>
              <dd>{[e.inquiry.customer.name, e.inquiry.customer.email, e.inquiry.customer.tier].filter(Boolean).join(' · ') || '—'}</dd>
              {e.inquiry.externalId ? (
                <>
                  <dt>{t('inquiry.externalId')}</dt>
                  <dd>{e.inquiry.externalId}</dd>
                </>
              ) : null}
              <dt>{t('inquiry.received')}</dt>
              <dd>
                <Time view={view} at={e.inquiry.createdAt} />
              </dd>
              <dt>{t('inquiry.language')}</dt>
              <dd>{e.inquiry.language}</dd>
            </dl>
            <p class="message spaced">{e.inquiry.body}</p>
            <p>
              <a href={`/ui/inquiries/${e.inquiryId}`}>{t('inquiry.open')} →</a>
            </p>
          </section>
          <Suggestions view={view} suggestions={e.suggestions} />
        </div>
        <div>
          <Facts view={view} escalation={e} />
          {e.status === 'resolved' ? (
            <Resolved view={view} escalation={e} />
          ) : (
            <Actions view={view} escalation={e} values={values ?? {}} errors={errors} leads={leads ?? []} />
          )}
        </div>
      </div>
    </Layout>
  )
}
