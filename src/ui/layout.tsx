import type { Child, FC } from 'hono/jsx'
import type { UiSession } from '../auth/sessions.js'
import { copyScript } from './assets.js'
import type { Formatter } from './format.js'
import type { Language, LabelKey, Translate } from './i18n.js'

/** What every page needs besides its own data: labels, the signed-in person, where it is. */
export interface View {
  t: Translate
  lang: Language
  session: UiSession | undefined
  /** The page's own path and query, for the language switch. */
  path: string
  timeZone: string
  /** Numbers and times in the page's language and the UI time zone. */
  format: Formatter
  requestId: string
  /** An escalation reason's name in the reader's language (the code itself when the policy has none). */
  reasonName: (code: string) => string
}

export type Section = 'inquiries' | 'escalations' | 'kb' | 'drafts' | 'policy' | 'staffing' | 'reports' | 'gaps' | 'training'

const isLead = (session: UiSession | undefined) => session?.principal.role === 'lead' || session?.principal.role === 'admin'

function switchLanguageHref(view: View): string {
  const url = new URL(view.path, 'http://ui.invalid')
  url.searchParams.set('lang', view.t('lang.otherCode'))
  return `${url.pathname}${url.search}`
}

const Nav: FC<{ view: View; section: Section | undefined }> = ({ view, section }) => {
  const { t, session } = view
  if (!session) return null
  const items: Array<[Section, string, LabelKey]> = [
    ['inquiries', '/ui/inquiries', 'nav.inquiries'],
    ...(isLead(session) ? [['escalations', '/ui/escalations', 'nav.escalations'] as [Section, string, LabelKey]] : []),
    ['kb', '/ui/kb', 'nav.kb'],
    ...(isLead(session) ? [['drafts', '/ui/kb/drafts', 'nav.drafts'] as [Section, string, LabelKey]] : []),
    ...(isLead(session) ? [['policy', '/ui/escalation-policy', 'nav.policy'] as [Section, string, LabelKey]] : []),
    ...(isLead(session) ? [['staffing', '/ui/staffing', 'nav.staffing'] as [Section, string, LabelKey]] : []),
    ...(isLead(session) ? [['reports', '/ui/reports', 'nav.reports'] as [Section, string, LabelKey]] : []),
    ...(isLead(session) ? [['gaps', '/ui/reports/knowledge-gaps', 'nav.gaps'] as [Section, string, LabelKey]] : []),
    ...(isLead(session) ? [['training', '/ui/reports/training-needs', 'nav.training'] as [Section, string, LabelKey]] : []),
  ]
  return (
    <nav aria-label={t('nav.main')}>
      <ul>
        {items.map(([id, href, label]) => (
          <li>
            <a href={href} aria-current={id === section ? 'page' : undefined}>
              {t(label)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}

/** The frame of every page: header with navigation and language switch, main content, the copy script if asked. */
export const Layout: FC<{ view: View; title: string; section?: Section; script?: boolean; narrow?: boolean; children?: Child }> = ({
  view,
  title,
  section,
  script,
  narrow,
  children,
}) => {
  const { t, session } = view
  return (
    <html lang={view.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t('app.title')}`}</title>
        <link rel="stylesheet" href="/ui/assets/app.css" />
      </head>
      <body>
        <a class="skip" href="#main">
          {t('nav.skip')}
        </a>
        <header class="top">
          <div class="bar">
            <a class="brand" href="/ui">
              {t('app.title')}
            </a>
            <Nav view={view} section={section} />
            <div class="who">
              {session ? (
                <span>{t('nav.signedInAs', { name: session.principal.name, role: t(`role.${session.principal.role}`) })}</span>
              ) : null}
              <a href={switchLanguageHref(view)} lang={t('lang.otherCode')} hreflang={t('lang.otherCode')}>
                {t('lang.other')}
              </a>
              {session ? (
                <form method="post" action="/ui/sign-out">
                  <input type="hidden" name="_csrf" value={session.csrfToken} />
                  <button type="submit">{t('nav.signOut')}</button>
                </form>
              ) : null}
            </div>
          </div>
        </header>
        <main id="main" tabindex={-1} class={narrow ? 'narrow' : undefined}>
          <h1>{title}</h1>
          {children}
        </main>
        {script ? <script dangerouslySetInnerHTML={{ __html: copyScript }} /> : null}
      </body>
    </html>
  )
}

/** The hidden CSRF field every form of a signed-in page carries. */
export const Csrf: FC<{ view: View }> = ({ view }) =>
  view.session ? <input type="hidden" name="_csrf" value={view.session.csrfToken} /> : null

export const Notice: FC<{ kind: 'ok' | 'warn' | 'bad'; children?: Child }> = ({ kind, children }) => (
  <div class={`notice ${kind}`} role={kind === 'ok' ? 'status' : 'alert'}>
    {children}
  </div>
)

export const Time: FC<{ view: View; at: string | Date | null | undefined }> = ({ view, at }) =>
  at ? <time datetime={typeof at === 'string' ? at : at.toISOString()}>{view.format.dateTime(at)}</time> : <span>—</span>
