import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { isHttps } from '../http/middleware/transport-security.js'

// The UI's cookies all live under Path=/ui, are HttpOnly and SameSite=Strict (a cross-site request
// carries none of them), and are Secure as COOKIE_SECURE decides (by default: when the request came over HTTPS).

export const sessionCookie = 'triage_session'
/** The sign-in form's CSRF token (double submit): there is no session to keep it in yet. */
export const signInCookie = 'triage_signin'
export const languageCookie = 'triage_lang'

/** Secure as the transport-security middleware decided; from the request itself where it did not run. */
function secure(c: Context): boolean {
  return (c.get('secureCookies') as boolean | undefined) ?? isHttps(c)
}

export function setUiCookie(c: Context, name: string, value: string, maxAgeSeconds?: number) {
  setCookie(c, name, value, {
    path: '/ui',
    httpOnly: true,
    sameSite: 'Strict',
    secure: secure(c),
    ...(maxAgeSeconds ? { maxAge: Math.floor(maxAgeSeconds) } : {}),
  })
}

export function clearUiCookie(c: Context, name: string) {
  deleteCookie(c, name, { path: '/ui', httpOnly: true, sameSite: 'Strict', secure: secure(c) })
}

export const readCookie = (c: Context, name: string) => getCookie(c, name)
