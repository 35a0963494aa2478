import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../src/storage/migrate.js'
import type { Sql } from '../../src/storage/sql.js'
import { seedLikeNodeStart } from '../helpers/node-seed.js'
import { freshPostgresSchema, migrations, openPostgresSchema, testPostgresUrl } from '../helpers/databases.js'
import { sharedBehaviour } from '../shared/behaviour.js'
import { loopbackOutboundEnv, startFakeHelpdesk, type FakeHelpdesk } from '../helpers/fake-helpdesk.js'
import { ticketPayload, waitUntil } from '../helpers/webhook-flow.js'
import { secretFor, signedHeaders } from '../helpers/webhooks.js'
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
  // The Worker's schema, read and written by the tests beside the Worker; and a helpdesk for its write-backs.
  let sql: Sql
  let helpdesk: FakeHelpdesk
  let storedModels: Awaited<ReturnType<typeof seedLikeNodeStart>>

  beforeAll(async () => {
    const { schema } = await freshPostgresSchema(cleanups)
    sql = await openPostgresSchema(schema)
    knownMigrations = (await migrations()).map((migration) => migration.id).sort()
    await migrate(sql, await migrations())
    helpdesk = await startFakeHelpdesk()
    // What a Node start (or `npm run models:train`) leaves in the database (test/helpers/node-seed.ts).
    storedModels = await seedLikeNodeStart(sql)
    worker = await startDevWorker({
      hyperdrive: testPostgresUrl!,
      // The outbound guard lets the Worker call the fake helpdesk on 127.0.0.1 over http (docs/outbound.md).
      vars: { DATABASE_SCHEMA: schema, ADMIN_API_KEY: adminKey, SECRETS_KEY: secretsKey, LOG_LEVEL: 'warn', ...loopbackOutboundEnv },
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
    await helpdesk?.close()
    await sql?.close()
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  // The same tests test/process/shared-behaviour.test.ts runs against the Node entry.
  describe('shared behaviour', () => sharedBehaviour(() => ({ url: worker.url, adminKey })))

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

  // Background work: webhook intake stores the inquiry and its triage job, then sends the job id to the JOBS
  // queue (miniflare's local queue); the consumer triages, which queues the write-back the same way.
  it('carries a signed webhook through the JOBS queue into a write-back on the fake helpdesk', async () => {
    const integration = { name: `zammad-${crypto.randomUUID().slice(0, 8)}`, secret: secretFor('zammad') }
    const created = await fetch(`${worker.url}/v1/integrations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        ...integration,
        type: 'zammad',
        apiBaseUrl: helpdesk.apiBaseUrl('zammad'),
        apiToken: helpdesk.tokens.zammad,
      }),
    })
    expect(created.status, await created.clone().text()).toBe(201)
    const body = JSON.stringify(ticketPayload('zammad', '4711', 0))
    const received = await fetch(`${worker.url}/v1/webhooks/${integration.name}`, {
      method: 'POST',
      headers: signedHeaders('zammad', integration.secret, body),
      body,
    })
    expect(received.status).toBe(202)
    const { inquiryId } = await received.json()
    await waitUntil(() => helpdesk.notes('zammad', '4711').some((note) => note.body.includes('[ai-triage]')), 'the write-back note')
    const queued = await sql.query<{ queue: string; status: string; attempts: number }>(
      "SELECT queue, status, attempts FROM jobs WHERE payload ->> 'inquiryId' = $1 ORDER BY queue",
      [inquiryId],
    )
    expect(queued).toEqual([
      { queue: 'triage', status: 'done', attempts: 1 },
      { queue: 'write-back', status: 'done', attempts: 1 },
    ])
  })

  /** Inserts a retention job (a no-op here: RETENTION_DAYS is unset) as a lost message or a crash left it. */
  const strandedJob = async (state: 'queued' | 'running'): Promise<string> => {
    const [row] = await sql.query<{ id: string }>(
      `INSERT INTO jobs (queue, payload, status, attempts, run_at, locked_by, locked_until)
       VALUES ('retention', '{}', $1, $2, now() - interval '1 hour', $3, $4) RETURNING id`,
      state === 'queued' ? ['queued', 0, null, null] : ['running', 1, 'crashed-consumer', new Date(Date.now() - 60_000)],
    )
    return row!.id
  }
  const runCron = async () => {
    const response = await fetch(`${worker.url}/cdn-cgi/local/scheduled?cron=${encodeURIComponent('*/5 * * * *')}&format=json`)
    expect(await response.json()).toMatchObject({ outcome: 'ok' })
  }

  it('re-sends jobs left behind by a lost message or a crashed consumer when the cron runs', async () => {
    const lost = await strandedJob('queued')
    const crashed = await strandedJob('running')
    await runCron()
    const finished = async () =>
      (
        await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE id = ANY($1::uuid[]) AND status = 'done'", [
          [lost, crashed],
        ])
      )[0]!.n === 2
    await waitUntil(finished, 'both stranded jobs done')
  })

  it('acknowledges and logs a queue message whose job no longer exists, without retrying it', async () => {
    const id = await strandedJob('queued')
    // The row stays locked while the cron reads it (a plain read) and sends its id, so the consumer cannot
    // claim it before it is deleted: as when an erasure deletes a job whose message is on its way.
    await sql.transaction(async (tx) => {
      await tx.query('SELECT id FROM jobs WHERE id = $1 FOR UPDATE', [id])
      await runCron()
      await tx.query('DELETE FROM jobs WHERE id = $1', [id])
    })
    await worker.waitFor(
      new RegExp(`"msg":"queue message: the job no longer exists; acknowledged, not retried"[^\\n]*"jobId":"${id}","action":"ack"`),
    )
  })
})
