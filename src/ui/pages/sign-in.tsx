import type { FC } from 'hono/jsx'
import type { FormValues } from '../env.js'
import { TextField } from '../fields.js'
import type { FieldErrors } from '../forms.js'
import { Layout, Notice, type View } from '../layout.js'

export interface SignInProps {
  view: View
  csrfToken: string
  next?: string | undefined
  errors?: FieldErrors | undefined
  notice?: 'expired' | 'signed_out' | undefined
  /** A form that was posted after the session ended, carried through the sign-in (see routes/session.tsx). */
  carry?: { action: string; fields: FormValues } | undefined
}

export const SignInPage: FC<SignInProps> = ({ view, csrfToken, next, errors, notice, carry }) => {
  const { t } = view
  return (
    <Layout view={view} title={t('signIn.title')} narrow>
      <div class="card">
        {notice === 'expired' ? (
          <Notice kind="warn">
            {t('signIn.expired')}
            {carry ? <p>{t('signIn.carried')}</p> : null}
          </Notice>
        ) : null}
        {notice === 'signed_out' ? <Notice kind="ok">{t('signIn.signedOut')}</Notice> : null}
        <p>{t('signIn.intro')}</p>
        <form method="post" action="/ui/sign-in" novalidate>
          <input type="hidden" name="_csrf" value={csrfToken} />
          {next ? <input type="hidden" name="next" value={next} /> : null}
          {carry ? <input type="hidden" name="_resume" value={carry.action} /> : null}
          {carry ? Object.entries(carry.fields).map(([name, value]) => <input type="hidden" name={`carry.${name}`} value={value} />) : null}
          <TextField
            name="key"
            type="password"
            label={t('signIn.key')}
            hint={t('signIn.keyHint')}
            error={errors?.key}
            autocomplete="current-password"
            required
          />
          <button type="submit">{t('signIn.submit')}</button>
        </form>
      </div>
    </Layout>
  )
}

/** After signing in again: the kept form, shown for the person to send or drop. */
export const ResumePage: FC<{ view: View; action: string; fields: FormValues; back: string }> = ({ view, action, fields, back }) => {
  const { t } = view
  const entries = Object.entries(fields)
  return (
    <Layout view={view} title={t('resume.title')}>
      <div class="card">
        <p>{t('resume.intro')}</p>
        {entries.length ? (
          <dl class="facts">
            {entries.map(([name, value]) => (
              <>
                <dt>{name}</dt>
                <dd class="message">{value.length > 500 ? `${value.slice(0, 500)}…` : value}</dd>
              </>
            ))}
          </dl>
        ) : (
          <p class="muted">{t('resume.empty')}</p>
        )}
        <form method="post" action={action} class="actions spaced">
          <input type="hidden" name="_csrf" value={view.session?.csrfToken ?? ''} />
          {entries.map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <button type="submit">{t('resume.send')}</button>
          <a class="button secondary" href={back}>
            {t('resume.discard')}
          </a>
        </form>
      </div>
    </Layout>
  )
}
