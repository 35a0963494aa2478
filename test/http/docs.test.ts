import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

/** Every URL the page would make a browser fetch or follow: src, href, action, and url() in styles. */
function referencedUrls(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href|action)\s*=\s*["']?([^"'\s>]+)|url\(\s*["']?([^"')]+)/gi)].map((match) => match[1] ?? match[2]!)
}

const external = (url: string) => /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(url)

describe('the API reference page', () => {
  let sql: Sql
  let t: TestApp
  beforeAll(async () => {
    sql = await testDatabases[0]!.open()
    t = await createTestApp(sql)
  })
  afterAll(async () => sql?.close())

  it('is rendered here from the OpenAPI document and references no other origin', async () => {
    const page = await t.call('GET', '/docs')
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('POST</span> <code>/v1/triage</code>')
    expect(html).toContain('id="schema-TriageResult"')
    const urls = referencedUrls(html)
    expect(urls).toContain('/docs/docs.css')
    expect(urls.filter(external)).toEqual([])
    expect(html).not.toMatch(/<script/i)
  })

  it('sends a strict Content-Security-Policy that allows only its own stylesheet', async () => {
    for (const path of ['/docs', '/docs/docs.css']) {
      const csp = (await t.call('GET', path)).headers.get('content-security-policy') ?? ''
      expect(csp).toContain("default-src 'none'")
      expect(csp).toContain("style-src 'self'")
      expect(csp).not.toMatch(/script-src|https?:|\*/)
    }
    const css = await (await t.call('GET', '/docs/docs.css')).text()
    expect(referencedUrls(css).filter(external)).toEqual([])
  })

  it('leaves the web UI pages with their own CSP, naming no other origin either', async () => {
    const csp = (await t.call('GET', '/ui/sign-in')).headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).not.toMatch(/https?:|\*/)
  })
})
