import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDemoKnowledge } from '../../src/knowledge/demo.js'
import { readDefaultExamples, readDemoArticles, readEscalationCorpus } from '../../src/platform/node/knowledge-import/read-files.js'
import { createFileModelStore, modelCacheFolder } from '../../src/platform/node/model-file-store.js'
import { migrate } from '../../src/storage/migrate.js'
import { createEscalationDetector } from '../../src/triage/escalation/detector-service.js'
import { loadDefaultExamples } from '../../src/triage/examples.js'
import { trainModels } from '../../src/triage/train-models.js'
import { createTestApp } from '../helpers/app.js'
import { freshPostgresSchema, migrations, openPostgresSchema, testPostgresUrl } from '../helpers/databases.js'
import { startDevWorker, workerdSupported, type DevWorker } from './wrangler-dev.js'

// The Worker on workerd (wrangler dev --local) against a fresh, migrated schema of the local PostgreSQL.
const skipReason = !workerdSupported
  ? `wrangler and workerd need Node 22 or newer (this is ${process.version})`
  : !testPostgresUrl
    ? 'the Worker needs PostgreSQL: set TEST_DATABASE_URL'
    : undefined
if (skipReason) console.warn(`test/worker/worker.test.ts skipped: ${skipReason}`)

const adminKey = `adm_${randomBytes(24).toString('hex')}`
const secretsKey = randomBytes(32).toString('base64')

describe.skipIf(skipReason !== undefined)('the Worker on workerd', () => {
  const cleanups: Array<() => Promise<void>> = []
  let worker: DevWorker
  let unbound: DevWorker
  let behind: DevWorker
  let knownMigrations: string[]
  let storedModels: Awaited<ReturnType<typeof trainModels>>

  beforeAll(async () => {
    const { schema } = await freshPostgresSchema(cleanups)
    const sql = await openPostgresSchema(schema)
    knownMigrations = (await migrations()).map((migration) => migration.id).sort()
    await migrate(sql, await migrations())
    // What a Node start (or `npm run models:train`) leaves in the database: the demo knowledge base, the
    // default examples and both models. The escalation model comes from the shared cache, not trained here.
    const node = await createTestApp(sql)
    node.deps.escalation = createEscalationDetector({ readCorpus: readEscalationCorpus, store: createFileModelStore(modelCacheFolder) })
    await loadDemoKnowledge(node.deps, readDemoArticles)
    await loadDefaultExamples(node.deps, readDefaultExamples)
    storedModels = await trainModels(node.deps)
    await sql.close()
    worker = await startDevWorker({
      hyperdrive: testPostgresUrl!,
      vars: { DATABASE_SCHEMA: schema, ADMIN_API_KEY: adminKey, SECRETS_KEY: secretsKey, LOG_LEVEL: 'warn' },
    })
    unbound = await startDevWorker({ config: 'test/worker/no-hyperdrive.wrangler.toml', vars: { SECRETS_KEY: secretsKey } })
    // A database one migration behind the bundle: deployed before `npm run migrate` ran.
    const old = await freshPostgresSchema(cleanups)
    const oldSql = await openPostgresSchema(old.schema)
    await migrate(oldSql, (await migrations()).slice(0, -1))
    await oldSql.close()
    behind = await startDevWorker({
      hyperdrive: testPostgresUrl!,
      vars: { DATABASE_SCHEMA: old.schema, ADMIN_API_KEY: adminKey, SECRETS_KEY: secretsKey, LOG_LEVEL: 'warn' },
    })
  })

  afterAll(async () => {
    await worker?.stop()
    await unbound?.stop()
    await behind?.stop()
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  it('reports ready on /readyz with the schema the bundle knows', async () => {
    const response = await fetch(`${worker.url}/readyz`)
    const report = await response.json()
    expect(response.status, JSON.stringify(report)).toBe(200)
    expect(report.checks.database).toMatchObject({ status: 'up', dialect: 'postgres' })
    expect(report.checks.migrations).toEqual({
      status: 'current',
      applied: knownMigrations.length,
      pending: [],
      version: knownMigrations.at(-1),
    })
  })

  it('creates an API key with the admin key from ADMIN_API_KEY, and the new key authenticates', async () => {
    const created = await fetch(`${worker.url}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'helpdesk bot', role: 'agent' }),
    })
    const body = await created.json()
    expect(created.status, JSON.stringify(body)).toBe(201)
    expect(body).toMatchObject({ name: 'helpdesk bot', role: 'agent' })
    const refused = await fetch(`${worker.url}/v1/api-keys`, { headers: { authorization: `Bearer ${body.key}` } })
    expect(refused.status).toBe(403)
  })

  it('renders the web UI sign-in page', async () => {
    const response = await fetch(`${worker.url}/ui/sign-in`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/text\/html/)
    expect(await response.text()).toMatch(/<form/)
  })

  it('triages with the models Node stored, without training in the isolate', async () => {
    const response = await fetch(`${worker.url}/v1/triage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        subject: 'Rechnung doppelt abgebucht',
        body: 'Guten Tag, mir wurde die Rechnung für März zweimal abgebucht. Bitte erstatten Sie den doppelten Betrag.',
      }),
    })
    const result = await response.json()
    expect(response.status, JSON.stringify(result)).toBe(200)
    expect(result).toMatchObject({
      department: 'commercial',
      language: 'de',
      versions: { embeddingSpace: expect.stringMatching(/^hashing:/) },
    })
    expect(result.versions.classifier).toBe(storedModels.department.version)
    expect(result.versions.escalationModel).toBe(storedModels.escalation.version)
    expect(result.suggestions.length).toBeGreaterThan(0)
    for (const suggestion of result.suggestions)
      expect(suggestion).toMatchObject({
        articleId: expect.any(String),
        title: expect.any(String),
        reply: expect.any(String),
        source: 'template',
      })
    expect(worker.output()).not.toMatch(/classifier trained|detector trained/)
  })

  it('answers every request with a 503 naming the binding when HYPERDRIVE is missing, and logs it', async () => {
    for (const path of ['/readyz', '/v1/api-keys', '/ui/sign-in']) {
      const response = await fetch(`${unbound.url}${path}`)
      expect(response.status).toBe(503)
      expect(response.headers.get('content-type')).toBe('application/problem+json')
      expect((await response.json()).detail).toMatch(/Hyperdrive binding HYPERDRIVE is missing/)
    }
    // wrangler relays the Worker's console after the response; wait for the line, not for a time.
    await unbound.waitFor(/the Worker cannot serve/)
  })

  it('reports a database behind the bundle on /readyz and refuses the API until it is migrated', async () => {
    const response = await fetch(`${behind.url}/readyz`)
    const report = await response.json()
    expect(response.status).toBe(503)
    expect(report.checks.migrations).toMatchObject({ status: 'pending', pending: [knownMigrations.at(-1)] })
    expect(report.startup).toMatchObject({ phase: 'failed', detail: expect.stringMatching(/run npm run migrate/) })
    const api = await fetch(`${behind.url}/v1/api-keys`, { headers: { authorization: `Bearer ${adminKey}` } })
    expect(api.status).toBe(503)
  })
})
