import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'

// The UI's cookies all live under Path=/ui, are HttpOnly and SameSite=Strict (a cross-site request
// carries none of them), and are Secure when the request came over HTTPS.

export const sessionCookie = 'triage_session'
/** The sign-in form's CSRF token (double submit): there is no session to keep it in yet. */
export const signInCookie = 'triage_signin'
export const languageCookie = 'triage_lang'

/** HTTPS as the client sees it: directly, or through a proxy that says so in X-Forwarded-Proto. */
export function isHttps(c: Context): boolean {
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase()
  return forwarded === 'https' || new URL(c.req.url).protocol === 'https:'
}

export function setUiCookie(c: Context, name: string, value: string, maxAgeSeconds?: number) {
  setCookie(c, name, value, {
    path: '/ui', httpOnly: true, sameSite: 'Strict', secure: isHttps(c), ...(maxAgeSeconds ? { maxAge: Math.floor(maxAgeSeconds) } : {}),
  })
}

export function clearUiCookie(c: Context, name: string) {
  deleteCookie(c, name, { path: '/ui', httpOnly: true, sameSite: 'Strict', secure: isHttps(c) })
}

export const readCookie = (c: Context, name: string) => getCookie(c, name)
