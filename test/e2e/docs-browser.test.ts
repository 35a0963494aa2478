// The API reference in real headless Chromium with every other origin unreachable: it must render all
// the same (the old page loaded its script from a public CDN and stayed white offline) and break no CSP.
import { serve, type ServerType } from '@hono/node-server'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

const chromiumPath = '/usr/bin/chromium'
const available = existsSync(chromiumPath)
const required = Boolean(process.env.CI_REQUIRE_BROWSER)
const screenshots = new URL('../../test-artifacts/screenshots/', import.meta.url).pathname

describe.runIf(!available && required)('API reference in Chromium', () => {
  it('needs /usr/bin/chromium because CI_REQUIRE_BROWSER is set', () => {
    throw new Error(`CI_REQUIRE_BROWSER is set but ${chromiumPath} is missing: apt-get install -y chromium`)
  })
})

describe.skipIf(!available)('API reference in Chromium, offline but for this origin', () => {
  let sql: Sql
  let server: ServerType
  let base: string
  let profile: string
  let context: BrowserContext

  beforeAll(async () => {
    sql = await testDatabases[0]!.open()
    const t = await createTestApp(sql)
    await new Promise<void>((resolve) => {
      server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve())
    })
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    await mkdir(screenshots, { recursive: true })
    profile = await mkdtemp(join(tmpdir(), 'triage-chromium-docs-'))
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1280, height: 900 },
    })
  }, 300_000)

  afterAll(async () => {
    await context?.close()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    await sql?.close()
    if (profile) await rm(profile, { recursive: true, force: true })
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
    page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()) })
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
