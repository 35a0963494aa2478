// Real headless Chromium (Debian's package, driven by playwright-core) against an app served on loopback.
import { serve, type ServerType } from '@hono/node-server'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'
import { describe, it } from 'vitest'

export const chromiumPath = '/usr/bin/chromium'
export const chromiumAvailable = existsSync(chromiumPath)
export const screenshots = new URL('../../test-artifacts/screenshots/', import.meta.url).pathname

/** With CI_REQUIRE_BROWSER set, a missing Chromium fails the suite instead of skipping it. */
export function requireChromiumInCi(suite: string): void {
  describe.runIf(!chromiumAvailable && Boolean(process.env.CI_REQUIRE_BROWSER))(suite, () => {
    it('needs /usr/bin/chromium because CI_REQUIRE_BROWSER is set', () => {
      throw new Error(`CI_REQUIRE_BROWSER is set but ${chromiumPath} is missing: apt-get install -y chromium`)
    })
  })
}

export interface BrowserBed {
  base: string
  context: BrowserContext
  close(): Promise<void>
}

/** Serves `fetch` on a free loopback port and opens Chromium on a fresh profile; close() ends both. */
export async function openBrowserBed(
  fetch: (request: Request) => Response | Promise<Response>,
  options: { locale?: string } = {},
): Promise<BrowserBed> {
  const server = await new Promise<ServerType>((resolve) => {
    const started: ServerType = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started))
  })
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  await mkdir(screenshots, { recursive: true })
  const profile = await mkdtemp(join(tmpdir(), 'triage-chromium-'))
  // Without the background-networking flags Chromium keeps dialling out of this closed network.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1280, height: 900 },
    ...(options.locale ? { locale: options.locale } : {}),
  })
  return {
    base,
    context,
    async close() {
      await context.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await rm(profile, { recursive: true, force: true })
    },
  }
}
