import type { FC } from 'hono/jsx'
import type { StoredInquiry } from '../../inquiries/inquiries.js'
import { relevanceBand, relevanceBands } from '../../triage/relevance.js'
import type { TriageResult } from '../../triage/triage-result.js'
import type { FormValues } from '../env.js'
import { Checkbox, ErrorSummary, RadioGroup, SelectField, TextArea } from '../fields.js'
import type { FieldErrors } from '../forms.js'
import { Csrf, Layout, Notice, Time, type View } from '../layout.js'
import { localiseReasonDetail } from '../reason-detail.js'
import { DepartmentName } from './inquiries.js'

export interface InquiryPageProps {
  view: View
  inquiry: StoredInquiry
  feedbackCount: number
  /** The department an agent or a lead corrected triage's to, if they did. */
  correctedDepartment?: 'technical' | 'commercial' | undefined
  notice?: InquiryNotice | undefined
  values?: FormValues | undefined
  errors?: FieldErrors | undefined
  /** The policy's text reasons an agent may name when sending the inquiry to a lead. */
  leadReasons?: ReadonlyArray<{ code: string; name: string }> | undefined
  leadForm?: { values: FormValues; errors: FieldErrors } | undefined
}

export const inquiryNotices = ['saved', 'learned', 'lead', 'leadAlready'] as const
export type InquiryNotice = (typeof inquiryNotices)[number]

/** Escalation reasons as badges, with their detail unless `compact` (then the detail is the badge's title). */
export const Reasons: FC<{ view: View; reasons: Array<{ code: string; detail: string }>; compact?: boolean }> = ({
  view,
  reasons,
  compact,
}) => (
  <ul class="reasons">
    {reasons.map((reason) => {
      const detail = localiseReasonDetail(view, reason.detail)
      return (
        <li>
          <span class="badge reason" title={compact ? detail : undefined}>
            {view.reasonName(reason.code)}
          </span>
          {compact ? null : (
            <>
              {' '}
              <span class="detail">{detail}</span>
            </>
          )}
        </li>
      )
    })}
  </ul>
)

const Classification: FC<{
  view: View
  inquiry: StoredInquiry
  result: TriageResult
  corrected: 'technical' | 'commercial' | undefined
}> = ({ view, inquiry, result, corrected }) => {
  const { t } = view
  const lead = view.session?.principal.role !== 'agent'
  return (
    <section class="card" aria-labelledby="h-classification">
      <h2 id="h-classification">{t('inquiry.classification')}</h2>
      <dl class="facts">
        <dt>{t('inquiry.department')}</dt>
        <dd>
          <DepartmentName view={view} original={result.department} corrected={corrected} />
        </dd>
        <dt>{t('inquiry.confidence')}</dt>
        <dd>{view.format.percent(result.confidence)}</dd>
        <dt>{t('inquiry.language')}</dt>
        <dd>{inquiry.language}</dd>
        <dt>{t('inquiry.escalation')}</dt>
        <dd>
          {result.escalation.escalate
            ? t('inquiry.escalated', { score: view.format.number(result.escalation.score) })
            : t('inquiry.notEscalated')}
          {result.escalation.escalate && result.escalation.id && lead ? (
            <>
              {' '}
              · <a href={`/ui/escalations/${result.escalation.id}`}>{t('inquiry.openCase')}</a>
            </>
          ) : null}
        </dd>
      </dl>
      {result.escalation.reasons.length ? (
        <div class="spaced">
          <Reasons view={view} reasons={result.escalation.reasons} />
        </div>
      ) : null}
    </section>
  )
}

/**
 * Suggested replies in read-only textareas (select and copy by hand), with a copy button when JavaScript
 * runs. Each shows its relevance in words and as a meter; only a good match (or the pinned safety article,
 * or a space without a relevance model, as before) gets its reply ready in the box: a weaker one keeps it
 * folded away, so nobody sends an answer to a question the customer did not ask.
 */
export const Suggestions: FC<{
  view: View
  suggestions: Array<{ articleId: string; title: string; reply: string; pinned?: 'safety'; relevance?: number | null | undefined }>
}> = ({ view, suggestions }) => (
  <section class="card" aria-labelledby="h-suggestions">
    <h2 id="h-suggestions">{view.t('inquiry.suggestions')}</h2>
    {suggestions.length === 0 ? <p class="muted">{view.t('inquiry.noSuggestions')}</p> : null}
    {suggestions.map((suggestion, index) => (
      <SuggestionCard view={view} suggestion={suggestion} n={index + 1} />
    ))}
  </section>
)

const SuggestionCard: FC<{
  view: View
  suggestion: { articleId: string; title: string; reply: string; pinned?: 'safety'; relevance?: number | null | undefined }
  n: number
}> = ({ view, suggestion, n }) => {
  const { t } = view
  const band = relevanceBand(suggestion.relevance)
  const ready = band === 'good' || band === 'unrated' || suggestion.pinned === 'safety'
  const reply = (
    <textarea id={`reply-${n}`} class="reply" readonly rows={8}>
      {suggestion.reply}
    </textarea>
  )
  return (
    <article class="suggestion">
      <h3>{t('inquiry.suggestion', { n, title: suggestion.title })}</h3>
      {suggestion.pinned === 'safety' ? (
        <p>
          <span class="badge overdue">{t('inquiry.safetyFirst')}</span> {t('inquiry.safetyFirstHint')}
        </p>
      ) : null}
      <RelevanceLine view={view} relevance={suggestion.relevance} n={n} />
      {ready ? (
        <>
          <label class="hint" for={`reply-${n}`}>
            {t('inquiry.replyLabel', { n })}
          </label>
          {reply}
        </>
      ) : (
        <details>
          <summary>{t('inquiry.replyFolded', { n })}</summary>
          {reply}
        </details>
      )}
      <div class="actions">
        <button type="button" class="secondary" data-copy={`reply-${n}`} data-copied={t('inquiry.copied')} hidden>
          {t('inquiry.copy')}
        </button>
        <a href={`/ui/kb/articles/${suggestion.articleId}`}>{t('inquiry.source')}</a>
      </div>
    </article>
  )
}

/** "Relevance: good match (72 %)" and a meter whose colour follows the same bands. */
const RelevanceLine: FC<{ view: View; relevance: number | null | undefined; n: number }> = ({ view, relevance, n }) => {
  const { t, format } = view
  const band = relevanceBand(relevance)
  if (band === 'unrated') return <p class="hint">{t('inquiry.relevance.unrated')}</p>
  return (
    <p class="hint">
      <label for={`relevance-${n}`}>
        {t('inquiry.relevance')}: <strong>{t(`inquiry.relevance.${band}`)}</strong> ({format.percent(relevance ?? 0)})
      </label>{' '}
      <meter id={`relevance-${n}`} min={0} max={1} low={relevanceBands.maybe} high={relevanceBands.good} optimum={1} value={relevance ?? 0}>
        {format.percent(relevance ?? 0)}
      </meter>
    </p>
  )
}

const FeedbackForm: FC<{
  view: View
  inquiry: StoredInquiry
  result: TriageResult
  values: FormValues
  errors: FieldErrors | undefined
  count: number
}> = (props) => {
  const { view, inquiry, result, values, errors } = props
  const { t } = view
  const labels = {
    usedArticleId: t('feedback.used'),
    rating: t('feedback.rating'),
    correctDepartment: t('feedback.correctDepartment'),
    comment: t('feedback.comment'),
  }
  return (
    <section class="card" aria-labelledby="h-feedback">
      <h2 id="h-feedback">{t('feedback.title')}</h2>
      <ErrorSummary view={view} errors={errors} labels={labels} />
      <form method="post" action={`/ui/inquiries/${inquiry.id}/feedback`} novalidate>
        <Csrf view={view} />
        <RadioGroup
          name="usedArticleId"
          label={labels.usedArticleId}
          value={values.usedArticleId}
          error={errors?.usedArticleId}
          options={[
            ...result.suggestions.map((suggestion, index) => ({
              value: suggestion.articleId,
              label: t('inquiry.suggestion', { n: index + 1, title: suggestion.title }),
            })),
            { value: 'none', label: t('feedback.none') },
          ]}
        />
        <Checkbox name="edited" label={t('feedback.edited')} checked={values.edited === 'on'} />
        <RadioGroup
          name="rating"
          label={labels.rating}
          value={values.rating ?? ''}
          error={errors?.rating}
          inline
          options={[
            { value: '', label: t('feedback.ratingNone') },
            ...[1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: String(n) })),
          ]}
        />
        <SelectField
          name="correctDepartment"
          label={labels.correctDepartment}
          value={values.correctDepartment}
          error={errors?.correctDepartment}
          options={[
            { value: '', label: t('feedback.departmentRight') },
            { value: 'technical', label: t('dept.technical') },
            { value: 'commercial', label: t('dept.commercial') },
          ]}
        />
        <TextArea name="comment" label={labels.comment} value={values.comment} error={errors?.comment} rows={3} />
        <button type="submit">{t('feedback.submit')}</button>
        {props.count ? <p class="hint">{t('feedback.earlier', { n: props.count })}</p> : null}
      </form>
    </section>
  )
}

/** An agent sends the inquiry to a lead, naming the policy's text reasons that apply. */
const NeedsLeadForm: FC<{
  view: View
  inquiry: StoredInquiry
  reasons: ReadonlyArray<{ code: string; name: string }>
  values: FormValues
  errors: FieldErrors | undefined
}> = ({ view, inquiry, reasons, values, errors }) => {
  const { t } = view
  return (
    <section class="card" aria-labelledby="h-lead">
      <h2 id="h-lead">{t('lead.title')}</h2>
      <p class="hint">{t('lead.hint')}</p>
      <ErrorSummary view={view} errors={errors} labels={{ reasons: t('lead.reasons'), note: t('lead.note') }} />
      <form method="post" action={`/ui/inquiries/${inquiry.id}/needs-lead`} novalidate>
        <Csrf view={view} />
        <fieldset class={errors?.reasons ? 'field invalid' : 'field'} id="f-reasons">
          <legend>{t('lead.reasons')}</legend>
          {reasons.map((reason) => (
            <Checkbox name={`reason_${reason.code}`} label={reason.name} checked={values[`reason_${reason.code}`] === 'on'} />
          ))}
          {errors?.reasons ? <p class="field-error">{errors.reasons}</p> : null}
        </fieldset>
        <TextArea name="note" label={t('lead.note')} value={values.note} error={errors?.note} rows={2} />
        <button type="submit" class="secondary">
          {t('lead.submit')}
        </button>
      </form>
    </section>
  )
}

/** One inquiry: the message, its classification and escalation, the suggested replies, the feedback form. */
export const InquiryPage: FC<InquiryPageProps> = (props) => {
  const { view, inquiry, feedbackCount, notice, values, errors, leadReasons, leadForm } = props
  const { t } = view
  const result = inquiry.status === 'triaged' ? inquiry.result : null
  return (
    <Layout view={view} title={inquiry.subject || t('inquiry.title')} section="inquiries" script={Boolean(result?.suggestions.length)}>
      <p>
        <a href="/ui/inquiries">← {t('inquiry.back')}</a>
      </p>
      {notice === 'saved' || notice === 'learned' ? (
        <Notice kind="ok">
          {t('feedback.saved')}
          {notice === 'learned' ? <p>{t('feedback.learned')}</p> : null}
        </Notice>
      ) : null}
      {notice === 'lead' || notice === 'leadAlready' ? (
        <Notice kind="ok">{t(notice === 'lead' ? 'lead.sent' : 'lead.already')}</Notice>
      ) : null}
      <div class="grid">
        <div>
          <section class="card" aria-labelledby="h-message">
            <h2 id="h-message">{t('inquiry.message')}</h2>
            <dl class="facts">
              <dt>{t('inquiry.customer')}</dt>
              <dd>{[inquiry.customer.name, inquiry.customer.email].filter(Boolean).join(' · ') || '—'}</dd>
              {inquiry.externalId ? (
                <>
                  <dt>{t('inquiry.externalId')}</dt>
                  <dd>{inquiry.externalId}</dd>
                </>
              ) : null}
              <dt>{t('inquiry.received')}</dt>
              <dd>
                <Time view={view} at={inquiry.createdAt} />
              </dd>
            </dl>
            <p class="message spaced">{inquiry.body}</p>
          </section>
          {result ? <Suggestions view={view} suggestions={result.suggestions} /> : <Notice kind="warn">{t('inquiry.notTriaged')}</Notice>}
        </div>
        {result ? (
          <div>
            <Classification view={view} inquiry={inquiry} result={result} corrected={props.correctedDepartment} />
            <FeedbackForm view={view} inquiry={inquiry} result={result} values={values ?? {}} errors={errors} count={feedbackCount} />
            {leadReasons?.length ? (
              <NeedsLeadForm
                view={view}
                inquiry={inquiry}
                reasons={leadReasons}
                values={leadForm?.values ?? {}}
                errors={leadForm?.errors}
              />
            ) : null}
          </div>
        ) : null}
      </div>
    </Layout>
  )
}
