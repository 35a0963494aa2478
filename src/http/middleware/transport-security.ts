import type { Context, MiddlewareHandler } from 'hono'
import type { Config } from '../../config.js'
import type { AppEnv } from '../env.js'

/** HTTPS as the client sees it: directly, or through a proxy that says so in X-Forwarded-Proto. */
export function isHttps(c: Context): boolean {
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase()
  return forwarded === 'https' || new URL(c.req.url).protocol === 'https:'
}

/**
 * Decides once per request whether cookies get `Secure` (COOKIE_SECURE: `always` behind TLS whatever the
 * proxy forwards, `never` for plain-http development, `auto` from the request) and, with HSTS_MAX_AGE_SECONDS,
 * tells browsers to use HTTPS only. Browsers ignore the header on plain http, so it is sent only over TLS.
 */
export function transportSecurity(tls: Config['tls']): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const https = tls.cookieSecure === 'always' || isHttps(c)
    c.set('secureCookies', tls.cookieSecure === 'always' || (tls.cookieSecure === 'auto' && https))
    await next()
    if (tls.hstsMaxAgeSeconds > 0 && https) c.header('Strict-Transport-Security', `max-age=${tls.hstsMaxAgeSeconds}`)
  }
}
