// COOKIE_SECURE and HSTS_MAX_AGE_SECONDS: behind a TLS-terminating proxy that does not forward
// X-Forwarded-Proto, cookies must still be Secure, and browsers told to stay on HTTPS.
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../src/config.js'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

const [database] = testDatabases // the database plays no part here

describe('transport security settings', () => {
  let sql: Sql | undefined
  afterEach(async () => sql?.close())

  /** The sign-in page's cookie and the HSTS header, for a request with these headers. */
  async function signInPage(env: Record<string, string>, headers: Record<string, string> = {}) {
    sql = await database!.open()
    const t = await createTestApp(sql, { env })
    const page = await t.app.request('/ui/sign-in', { headers })
    const health = await t.app.request('/healthz', { headers })
    await sql.close()
    sql = undefined
    return {
      cookie: page.headers.get('set-cookie') ?? '',
      hsts: [page.headers.get('strict-transport-security'), health.headers.get('strict-transport-security')],
    }
  }

  it('auto (default): Secure only when the request came over HTTPS, and no HSTS', async () => {
    const plain = await signInPage({})
    expect(plain.cookie).toMatch(/triage_signin=/)
    expect(plain.cookie).not.toMatch(/;\s*Secure/i)
    expect(plain.hsts).toEqual([null, null])
    expect((await signInPage({}, { 'x-forwarded-proto': 'https' })).cookie).toMatch(/;\s*Secure/i)
  })

  it('always: Secure even when the proxy forwards nothing, and HSTS on every answer when configured', async () => {
    const secure = await signInPage({ COOKIE_SECURE: 'always', HSTS_MAX_AGE_SECONDS: '31536000' })
    expect(secure.cookie).toMatch(/;\s*Secure/i)
    expect(secure.cookie).toMatch(/HttpOnly/i)
    expect(secure.hsts).toEqual(['max-age=31536000', 'max-age=31536000'])
    expect((await signInPage({ COOKIE_SECURE: 'always' })).hsts).toEqual([null, null])
  })

  it('auto with HSTS: the header only over HTTPS, where browsers honour it', async () => {
    expect((await signInPage({ HSTS_MAX_AGE_SECONDS: '600' })).hsts).toEqual([null, null])
    expect((await signInPage({ HSTS_MAX_AGE_SECONDS: '600' }, { 'x-forwarded-proto': 'https' })).hsts).toEqual([
      'max-age=600',
      'max-age=600',
    ])
  })

  it('never: no Secure even for an HTTPS request (plain-http development)', async () => {
    expect((await signInPage({ COOKIE_SECURE: 'never' }, { 'x-forwarded-proto': 'https' })).cookie).not.toMatch(/;\s*Secure/i)
  })

  it('refuses bad values and HSTS without TLS, naming the variable', () => {
    const problems = (env: Record<string, string>) => {
      try {
        parseConfig(env)
        return []
      } catch (error) {
        return (error as ConfigError).problems.map((problem) => problem.variable)
      }
    }
    expect(problems({ COOKIE_SECURE: 'yes' })).toEqual(['COOKIE_SECURE'])
    expect(problems({ HSTS_MAX_AGE_SECONDS: '-1' })).toEqual(['HSTS_MAX_AGE_SECONDS'])
    expect(problems({ HSTS_MAX_AGE_SECONDS: '600', COOKIE_SECURE: 'never' })).toEqual(['HSTS_MAX_AGE_SECONDS'])
    expect(parseConfig({}).tls).toEqual({ cookieSecure: 'auto', hstsMaxAgeSeconds: 0 })
  })
})
