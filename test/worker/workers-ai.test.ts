import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../src/storage/migrate.js'
import { freshPostgresSchema, migrations, openPostgresSchema, testPostgresUrl } from '../helpers/databases.js'
import { startDevWorker, workerdSupported, type DevWorker } from './wrangler-dev.js'

// EMBEDDINGS_PROVIDER=workers-ai on workerd, offline: one wrangler dev runs a router with the AI stand-in
// (test/worker/ai-stand-in.ts), the triage Worker with `AI` bound to the stand-in, and one without the binding.
const skipReason = !workerdSupported
  ? `wrangler and workerd need Node 22 or newer (this is ${process.version})`
  : !testPostgresUrl
    ? 'the Worker needs PostgreSQL: set TEST_DATABASE_URL'
    : undefined
if (skipReason) console.warn(`test/worker/workers-ai.test.ts skipped: ${skipReason}`)

const root = new URL('../../', import.meta.url).pathname
const adminKey = `adm_${randomBytes(24).toString('hex')}`
const space = 'workers-ai:@cf/baai/bge-m3:1024'

/** The three Workers' configs; generated, since `--var` reaches only the first Worker of a wrangler dev. */
async function writeConfigs(folder: string, vars: Record<string, string>): Promise<string[]> {
  const common = `compatibility_date = "2026-11-01"\ncompatibility_flags = ["nodejs_compat"]\n`
  const triage = (name: string, ai: string) =>
    `name = "${name}"\nmain = "${root}src/entry/worker.ts"\n${common}${ai}` +
    `[[hyperdrive]]\nbinding = "HYPERDRIVE"\nid = "00000000000000000000000000000000"\n` +
    // The queue is bound only because the Worker needs JOBS to serve; nothing here queues a job.
    `[[queues.producers]]\nbinding = "JOBS"\nqueue = "${name}-jobs"\n` +
    `[vars]\n${Object.entries(vars)
      .map(([key, value]) => `${key} = ${JSON.stringify(value)}`)
      .join('\n')}\n`
  const files = {
    'router.toml':
      `name = "ai-stand-in"\nmain = "${root}test/worker/ai-stand-in.ts"\n${common}` +
      `[[services]]\nbinding = "WITH_AI"\nservice = "triage-with-ai"\n[[services]]\nbinding = "WITHOUT_AI"\nservice = "triage-without-ai"\n`,
    'with-ai.toml': triage('triage-with-ai', `[[services]]\nbinding = "AI"\nservice = "ai-stand-in"\nentrypoint = "StandInAi"\n`),
    'without-ai.toml': triage('triage-without-ai', ''),
  }
  for (const [name, text] of Object.entries(files)) await writeFile(join(folder, name), text)
  return Object.keys(files).map((name) => join(folder, name))
}

describe.skipIf(skipReason !== undefined)('workers-ai embeddings on workerd', () => {
  const cleanups: Array<() => Promise<void>> = []
  let worker: DevWorker
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${worker.url}${path}`, { ...init, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' } })

  beforeAll(async () => {
    const { schema } = await freshPostgresSchema(cleanups)
    const sql = await openPostgresSchema(schema)
    await migrate(sql, await migrations())
    await sql.close()
    const folder = await mkdtemp(join(tmpdir(), 'triage-workers-ai-'))
    cleanups.push(() => rm(folder, { recursive: true, force: true }))
    const vars = {
      EMBEDDINGS_PROVIDER: 'workers-ai',
      DATABASE_SCHEMA: schema,
      ADMIN_API_KEY: adminKey,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
    }
    worker = await startDevWorker({ hyperdrive: testPostgresUrl!, config: await writeConfigs(folder, vars), vars: {} })
  })

  afterAll(async () => {
    await worker?.stop()
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  it('reports the workers-ai space on /readyz, active on a new installation', async () => {
    const response = await fetch(`${worker.url}/readyz`)
    const report = await response.json()
    expect(response.status, JSON.stringify(report)).toBe(200)
    expect(report.checks.embeddings).toMatchObject({ provider: 'workers-ai', requested: 'workers-ai', space, activeSpace: space })
  })

  it('embeds articles and queries through the AI binding, and finds the article by meaning', async () => {
    const article = {
      externalId: 'kb-wm-e18',
      title: 'Waschmaschine zeigt Fehler E18',
      body: 'Fehler E18 heißt: das Wasser läuft nicht ab. Reinigen Sie das Flusensieb der Laugenpumpe und prüfen Sie den Ablaufschlauch.',
      language: 'de',
      department: 'technical',
    }
    const upserted = await call('/v1/kb/articles', { method: 'POST', body: JSON.stringify({ articles: [article] }) })
    expect(upserted.status, await upserted.clone().text()).toBe(200)
    await worker.waitFor(/stand-in AI embedded \d+ texts with @cf\/baai\/bge-m3/)
    const response = await call(`/v1/kb/search?q=${encodeURIComponent('Laugenpumpe Flusensieb reinigen')}&k=3`)
    const result = await response.json()
    expect(response.status, JSON.stringify(result)).toBe(200)
    expect(result.space).toBe(space)
    expect(result.degraded).toEqual([])
    expect(result.results[0]).toMatchObject({ externalId: 'kb-wm-e18', vectorRank: 1 })
    expect(result.results[0].similarity).toBeGreaterThan(0.1)
  })

  it('answers a 503 naming the AI binding when the Worker has none, and logs it', async () => {
    for (const path of ['/readyz', '/v1/kb/search?q=E18']) {
      const response = await fetch(`${worker.url}/without-ai${path}`)
      expect(response.status).toBe(503)
      expect(response.headers.get('content-type')).toBe('application/problem+json')
      expect((await response.json()).detail).toMatch(/Workers AI binding AI is missing/)
    }
    await worker.waitFor(/the Worker cannot serve.*binding AI is missing/)
  })
})
