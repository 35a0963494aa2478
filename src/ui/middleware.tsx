import { currentPolicy } from '../triage/escalation/policy-store.js'
import type { EscalationPolicy } from '../triage/escalation/policy.js'
import type { Context, MiddlewareHandler } from 'hono'
import { constantTimeEqual, randomToken } from '../auth/crypto.js'
import type { Role } from '../auth/roles.js'
import { findSession } from '../auth/sessions.js'
import type { Deps } from '../deps.js'
import { copyScriptSource } from './assets.js'
import { languageCookie, readCookie, sessionCookie, setUiCookie, signInCookie } from './cookies.js'
import type { FormValues, UiEnv } from './env.js'
import { pageOfAction, readForm } from './forms.js'
import { isLanguage, languageFromHeader, translator, type Language } from './i18n.js'
import { ErrorPage, type ErrorKind } from './pages/errors.js'
import { SignInPage, type SignInProps } from './pages/sign-in.js'
import { page, viewOf } from './render.js'

type UiDeps = Pick<Deps, 'sql' | 'clock' | 'config'>

function reasonNamesOf(policy: EscalationPolicy, lang: Language): Record<string, string> {
  return Object.fromEntries(policy.reasons.map((reason) => [reason.code, reason.names[lang]]))
}

/** Security headers of every UI response: only our stylesheet and the copy script may run, no framing. */
export function uiSecurityHeaders(): MiddlewareHandler<UiEnv> {
  return async (c, next) => {
    c.header(
      'Content-Security-Policy',
      [
        "default-src 'none'",
        "style-src 'self'",
        `script-src ${await copyScriptSource()}`,
        "img-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ].join('; '),
    )
    c.header('X-Frame-Options', 'DENY')
    c.header('Referrer-Policy', 'same-origin')
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Vary', 'Accept-Language, Cookie')
    await next()
  }
}

/**
 * Runs before every /ui page: the language (?lang= sets a cookie, else the cookie, else
 * Accept-Language), the session from its cookie, and a POST's form fields.
 */
export function uiBasics(deps: UiDeps): MiddlewareHandler<UiEnv> {
  return async (c, next) => {
    const lang = pickLanguage(c)
    c.set('lang', lang)
    c.set('t', translator(lang))
    c.header('Content-Language', lang)
    const sessionId = readCookie(c, sessionCookie)
    const session = sessionId ? ((await findSession(deps, sessionId)) ?? undefined) : undefined
    c.set('session', session)
    // The policy names the reasons, a company's own ones too; only signed-in pages show reasons.
    c.set('reasonNames', session ? reasonNamesOf((await currentPolicy(deps)).policy, lang) : {})
    if (session) c.set('principal', session.principal)
    c.set('form', c.req.method === 'POST' ? await readForm(c) : {})
    await next()
  }
}

function pickLanguage(c: Context<UiEnv>): Language {
  const asked = c.req.query('lang')
  if (isLanguage(asked)) {
    setUiCookie(c, languageCookie, asked, 365 * 24 * 3600)
    return asked
  }
  const saved = readCookie(c, languageCookie)
  return isLanguage(saved) ? saved : languageFromHeader(c.req.header('accept-language'))
}

/**
 * A POST from another site. SameSite=Strict already keeps our cookies off it; this also refuses it
 * outright, so it cannot even fill the sign-in page with its fields.
 */
export function isCrossSite(c: Context): boolean {
  const site = c.req.header('sec-fetch-site')
  if (site) return site !== 'same-origin' && site !== 'none'
  const origin = c.req.header('origin')
  if (!origin) return false
  try {
    return new URL(origin).host !== (c.req.header('x-forwarded-host') ?? c.req.header('host'))
  } catch {
    return true
  }
}

/**
 * Lets through people with a live session and one of `roles`; on POST also checks the form's CSRF
 * token against the session's, in constant time. Without a session a GET goes to the sign-in page
 * with `next` pointing back here.
 *
 * A POST without a session (it expired while the form was being filled in) must not lose the form.
 * The browser would keep it only until the user navigates away, and the sign-in redirect is exactly
 * that; so the server answers with the sign-in page itself, the posted fields in hidden inputs, and
 * after signing in offers to send them (ResumePage). Only same-origin POSTs get this.
 */
export function signedIn(deps: UiDeps, roles: readonly Role[] = ['agent', 'lead', 'admin']): MiddlewareHandler<UiEnv> {
  return async (c, next) => {
    const post = c.req.method === 'POST'
    if (post && isCrossSite(c)) return renderError(c, deps, 403, 'csrf')
    const session = c.get('session')
    if (!session) {
      const url = new URL(c.req.url)
      if (!post) return c.redirect(`/ui/sign-in?next=${encodeURIComponent(`${url.pathname}${url.search}`)}`, 303)
      return renderSignIn(c, deps, 401, {
        notice: 'expired',
        next: pageOfAction(url.pathname),
        carry: { action: url.pathname, fields: withoutCsrf(c.get('form')) },
      })
    }
    if (!roles.includes(session.principal.role)) return renderError(c, deps, 403, 'forbidden')
    if (post && !constantTimeEqual(c.get('form')._csrf ?? '', session.csrfToken)) return renderError(c, deps, 403, 'csrf')
    await next()
  }
}

const withoutCsrf = (form: FormValues): FormValues => Object.fromEntries(Object.entries(form).filter(([name]) => name !== '_csrf'))

/** The sign-in page, with the double-submit token of its form in a cookie (kept if one is set already). */
export function renderSignIn(
  c: Context<UiEnv>,
  deps: UiDeps,
  status: number,
  props: Omit<SignInProps, 'view' | 'csrfToken'>,
): Promise<Response> {
  const token = readCookie(c, signInCookie) ?? randomToken(24)
  setUiCookie(c, signInCookie, token, 24 * 3600)
  return page(c, status, <SignInPage view={viewOf(c, deps.config.ui.timeZone)} csrfToken={token} {...props} />)
}

export function renderError(
  c: Context<UiEnv>,
  deps: Pick<Deps, 'config'>,
  status: number,
  kind: ErrorKind,
  detail?: string,
): Promise<Response> {
  return page(c, status, <ErrorPage view={viewOf(c, deps.config.ui.timeZone)} kind={kind} detail={detail} />)
}
