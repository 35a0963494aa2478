import { Hono } from 'hono'
import { constantTimeEqual } from '../../auth/crypto.js'
import { signIn, signOut, type UiSession } from '../../auth/sessions.js'
import type { Deps } from '../../deps.js'
import type { RateLimits } from '../../http/limits/rate-limits.js'
import { clearUiCookie, readCookie, sessionCookie, setUiCookie, signInCookie } from '../cookies.js'
import type { FormValues, UiEnv } from '../env.js'
import { isUiPath, pageOfAction } from '../forms.js'
import { isCrossSite, renderError, renderSignIn } from '../middleware.js'
import { ResumePage } from '../pages/sign-in.js'
import { page, viewOf } from '../render.js'

/** Where a person lands: leads on their queue, agents on the inquiries. */
export const homeOf = (session: UiSession) => (session.principal.role === 'agent' ? '/ui/inquiries' : '/ui/escalations')

const carried = (form: FormValues): FormValues =>
  Object.fromEntries(
    Object.entries(form)
      .filter(([name]) => name.startsWith('carry.'))
      .map(([name, value]) => [name.slice('carry.'.length), value]),
  )

/** Sign-in with an API key (form POST), sign-out, and the start page. */
export function sessionRoutes(deps: Deps, rateLimits?: RateLimits) {
  const tz = deps.config.ui.timeZone
  return new Hono<UiEnv>()
    .get('/', (c) => {
      const session = c.get('session')
      return c.redirect(session ? homeOf(session) : '/ui/sign-in', 303)
    })
    .get('/sign-in', (c) => {
      const next = c.req.query('next')
      const session = c.get('session')
      if (session) return c.redirect(isUiPath(next) ? next : homeOf(session), 303)
      return renderSignIn(c, deps, 200, {
        next: isUiPath(next) ? next : undefined,
        notice: c.req.query('signed_out') ? 'signed_out' : undefined,
      })
    })
    .post('/sign-in', async (c) => {
      const form = c.get('form')
      const expected = readCookie(c, signInCookie)
      if (isCrossSite(c) || !expected || !constantTimeEqual(form._csrf ?? '', expected)) return renderError(c, deps, 403, 'csrf')
      const next = isUiPath(form.next) ? form.next : undefined
      const carry = isUiPath(form._resume) ? { action: form._resume, fields: carried(form) } : undefined
      const again = (status: number, message: string) =>
        renderSignIn(c, deps, status, { next, carry, errors: { key: message }, notice: carry ? 'expired' : undefined })
      const key = (form.key ?? '').trim()
      if (!key) return again(422, c.get('t')('error.keyRequired'))
      // Guessing keys through the form meets the same per-address backoff as the API.
      const address = rateLimits?.enabled ? rateLimits.addressOf(c) : undefined
      const verdict = address ? rateLimits!.authFailures.check(address) : { allowed: true as const }
      if (!verdict.allowed) {
        c.header('Retry-After', String(verdict.retryAfterSeconds))
        return again(429, c.get('t')('error.tooManyAttempts').replace('{seconds}', String(verdict.retryAfterSeconds)))
      }
      const outcome = await signIn(deps, key)
      if (!outcome.ok && outcome.reason === 'unknown_key' && address) rateLimits!.authFailures.recordFailure(address)
      if (!outcome.ok)
        return outcome.reason === 'machine_key' ? again(403, c.get('t')('error.keyMachine')) : again(401, c.get('t')('error.keyUnknown'))
      const previous = readCookie(c, sessionCookie)
      if (previous) await signOut(deps, previous) // signing in again replaces the old session rather than leaving it live
      setUiCookie(c, sessionCookie, outcome.sessionId, deps.config.ui.sessionTtlMs / 1000)
      clearUiCookie(c, signInCookie)
      c.set('session', outcome.session)
      c.set('principal', outcome.session.principal)
      if (carry) {
        const back = next ?? pageOfAction(carry.action)
        return page(c, 200, <ResumePage view={{ ...viewOf(c, tz), path: back }} action={carry.action} fields={carry.fields} back={back} />)
      }
      return c.redirect(next ?? homeOf(outcome.session), 303)
    })
    .post('/sign-out', async (c) => {
      const session = c.get('session')
      const sessionId = readCookie(c, sessionCookie)
      if (session && sessionId) {
        if (isCrossSite(c) || !constantTimeEqual(c.get('form')._csrf ?? '', session.csrfToken)) return renderError(c, deps, 403, 'csrf')
        await signOut(deps, sessionId)
      }
      clearUiCookie(c, sessionCookie)
      return c.redirect('/ui/sign-in?signed_out=1', 303)
    })
}
