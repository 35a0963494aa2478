// The API reference in real headless Chromium with every other origin unreachable: it must render all
// the same (the old page loaded its script from a public CDN and stayed white offline) and break no CSP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp } from '../helpers/app.js'
import { chromiumAvailable, openBrowserBed, requireChromiumInCi, screenshots, type BrowserBed } from '../helpers/browser.js'
import { testDatabases } from '../helpers/databases.js'

requireChromiumInCi('API reference in Chromium')

describe.skipIf(!chromiumAvailable)('API reference in Chromium, offline but for this origin', () => {
  let sql: Sql
  let bed: BrowserBed
  let base: string
  let context: BrowserBed['context']

  beforeAll(async () => {
    sql = await testDatabases[0]!.open()
    const t = await createTestApp(sql)
    bed = await openBrowserBed(t.app.fetch)
    ;({ base, context } = bed)
  }, 300_000)

  afterAll(async () => {
    await bed?.close()
    await sql?.close()
  })

  it('renders every operation with nothing loaded from elsewhere and no CSP violation', async () => {
    const elsewhere: string[] = []
    const problems: string[] = []
    // Only this server answers; anything else is refused, as on a machine without internet access.
    await context.route('**/*', (route) => {
      const url = route.request().url()
      if (url.startsWith(base)) return route.continue()
      elsewhere.push(url)
      return route.abort('internetdisconnected')
    })
    const page = context.pages()[0] ?? (await context.newPage())
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text())
    })
    page.on('pageerror', (error) => problems.push(error.message))
    const response = await page.goto(`${base}/docs`, { waitUntil: 'networkidle' })
    expect(response?.status()).toBe(200)
    await expect.poll(() => page.locator('h1').innerText()).toContain('inquiry-triage')
    expect(await page.locator('section.operation').count()).toBeGreaterThan(20)
    await expect.poll(() => page.locator('#op-post--v1-triage').isVisible()).toBe(true)
    // The stylesheet applied: the sidebar is laid out beside the content, not above it.
    const sidebar = await page.locator('nav.toc').boundingBox()
    expect(sidebar?.width).toBeGreaterThan(200)
    expect(sidebar?.height).toBeGreaterThan(800)
    await page.screenshot({ path: join(screenshots, 'docs-api-reference.png') })
    expect(elsewhere).toEqual([])
    expect(problems).toEqual([])
  }, 120_000)
})
