// The outbound policy through the API and the job queue, on each database: integrations with a refused
// URL answer 422 naming the field; a write-back to the loopback fake helpdesk is refused by default
// (dead at once, with the reason) and delivered once the operator allows it; a name rebound to loopback
// between configuration and call is refused; redirects fail; lastError never shows the helpdesk's answer.
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { createNodeOutboundGuard } from '../../src/platform/node/node-outbound.js'
import { createIntakeWorker } from '../../src/jobs/handlers.js'
import type { Worker } from '../../src/jobs/worker.js'
import type { ResolveHost } from '../../src/outbound/guard.js'
import { claimJobs, enqueueJob, failJob } from '../../src/storage/queries/jobs.js'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { loopbackOutboundEnv, type FakeHelpdesk } from '../helpers/fake-helpdesk.js'
import { waitUntil } from '../helpers/webhook-flow.js'
import { createIntegration, deliver, secretFor, testWorker, useWebhookTestbed } from '../helpers/webhooks.js'
import { readFixture } from '../webhooks/support.js'

type Problem = { code: string; status: number; detail: string; errors?: Array<{ field: string; message: string }> }
type Job = { id: string; status: string; attempts: number; lastError: string | null }

/** The production default: nothing listed, https only. */
const strictEnv = { OUTBOUND_ALLOWED_HOSTS: '', OUTBOUND_ALLOW_HTTP: '' }
const uniqueName = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`

/** DNS from a table; a name it does not know fails like NXDOMAIN. `answers` may be changed between calls. */
function fakeDns(answers: Record<string, string[]>): ResolveHost {
  return async (host) => {
    const found = answers[host]
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
    return found
  }
}

describe.each(testDatabases)('outbound policy [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  let helpdesk: FakeHelpdesk
  const bed = useWebhookTestbed(database, (opened) => ({ sql, t, helpdesk } = opened))

  /** A job worker on the test app's database and trained classifier, under another outbound configuration. */
  function workerUnder(env: Record<string, string>, resolveHost?: ResolveHost): Worker {
    const config = parseConfig(env)
    const deps = { ...t.deps, config, outbound: createNodeOutboundGuard(config.outbound, resolveHost) }
    const worker = createIntakeWorker(deps, { concurrency: 2, pollIntervalMs: 20, backoff: { baseMs: 20, capMs: 200 } })
    t.deps.jobs = worker
    worker.start()
    return worker
  }

  async function switchWorker(next: () => Worker): Promise<void> {
    await bed.worker?.stop({ timeoutMs: 5000 })
    bed.worker = next()
  }

  /** Delivers a new Zendesk ticket to the integration and returns the inquiry id. */
  async function deliverTicket(integration: { name: string; secret: string }): Promise<string> {
    const fixture = (await readFixture('zendesk-ticket-created.json')) as { ticket: Record<string, unknown> }
    const ticket = { ...fixture, ticket: { ...fixture.ticket, id: String(100_000 + Math.floor(Math.random() * 9_000_000)) } }
    const response = await deliver(t, integration, 'zendesk', ticket)
    expect(response.status).toBe(202)
    return ((await response.json()) as { inquiryId: string }).inquiryId
  }

  async function writeBackJob(inquiryId: string): Promise<Job | undefined> {
    const [row] = await sql.query<{ id: string }>(`SELECT id FROM jobs WHERE queue = 'write-back' AND payload->>'inquiryId' = $1`, [
      inquiryId,
    ])
    if (!row) return undefined
    const response = await t.call('GET', `/v1/jobs/${row.id}`, { key: await t.keyFor('admin') })
    return (await response.json()) as Job
  }

  async function settledWriteBack(inquiryId: string, until: (job: Job) => boolean): Promise<Job> {
    let job: Job | undefined
    await waitUntil(async () => Boolean((job = await writeBackJob(inquiryId)) && until(job)), `the write-back job of ${inquiryId}`, 30_000)
    return job!
  }

  describe('configuring an integration', () => {
    let strict: TestApp
    const dns = fakeDns({
      'internal.test': ['10.0.0.5'],
      'mixed.test': ['93.184.215.14', '169.254.169.254'],
      'public.test': ['93.184.215.14'],
    })
    const strictApp = async () => (strict ??= await createTestApp(sql, { env: strictEnv, resolveHost: dns }))
    const post = async (app: TestApp, json: Record<string, unknown>) => {
      const response = await app.call('POST', '/v1/integrations', { key: await app.keyFor('admin'), json })
      return { status: response.status, body: (await response.json()) as Problem }
    }
    const count = async () => (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM integrations'))[0]!.n

    it.each([
      ['zendesk', 'apiBaseUrl', 'https://127.1/', 'refused by outbound policy: address 127.0.0.1 is loopback'],
      ['zammad', 'apiBaseUrl', 'https://2130706433:8443', 'address 127.0.0.1 is loopback'],
      ['freshdesk', 'apiBaseUrl', 'https://[::ffff:127.0.0.1]', 'the IPv4-mapped form of 127.0.0.1) is loopback'],
      ['generic', 'callbackUrl', 'https://169.254.169.254/latest/meta-data/', 'address 169.254.169.254 is cloud metadata'],
      ['generic', 'callbackUrl', 'https://[fd00::1]/hook', 'address fd00::1 is private'],
      ['zammad', 'apiBaseUrl', 'https://internal.test', 'host internal.test resolves to 10.0.0.5, which is private'],
      ['generic', 'callbackUrl', 'https://mixed.test/hook', 'resolves to 169.254.169.254, which is cloud metadata'],
      ['zammad', 'apiBaseUrl', 'http://public.test', 'plain http is not allowed'],
      ['zendesk', 'apiBaseUrl', 'https://localhost:3000', 'host localhost is loopback'],
    ])('a %s integration with %s %s answers 422 naming the field: %s', async (type, field, url, reason) => {
      const app = await strictApp()
      const before = await count()
      const fields = field === 'callbackUrl' ? { callbackUrl: url } : { apiBaseUrl: url, apiToken: 'token-0123456789' }
      const { status, body } = await post(app, { name: uniqueName(type), type, secret: secretFor(type as 'zendesk'), ...fields })
      expect(status).toBe(422)
      expect(body.code).toBe('validation_failed')
      expect(body.detail).toContain('OUTBOUND_ALLOWED_HOSTS')
      expect(body.errors).toEqual([{ field, message: expect.stringContaining(reason) }])
      expect(await count()).toBe(before)
    })

    it('PATCH to a refused URL answers 422 and changes nothing', async () => {
      const app = await strictApp()
      const name = uniqueName('zammad')
      expect(
        (
          await post(app, {
            name,
            type: 'zammad',
            secret: secretFor('zammad'),
            apiBaseUrl: 'https://public.test',
            apiToken: 'token-0123456789',
          })
        ).status,
      ).toBe(201)
      const admin = await app.keyFor('admin')
      const patched = await app.call('PATCH', `/v1/integrations/${name}`, {
        key: admin,
        json: { apiBaseUrl: 'https://0x7f.1/', departmentGroups: { technical: 'L2' } },
      })
      expect(patched.status).toBe(422)
      expect(((await patched.json()) as Problem).errors).toEqual([
        { field: 'apiBaseUrl', message: expect.stringContaining('address 127.0.0.1 is loopback') },
      ])
      const stored = (await (await app.call('GET', `/v1/integrations/${name}`, { key: admin })).json()) as {
        apiBaseUrl: string
        departmentGroups: object
      }
      expect(stored).toMatchObject({ apiBaseUrl: 'https://public.test', departmentGroups: {} })
    })

    it('accepts an on-premises helpdesk the operator listed, over http when OUTBOUND_ALLOW_HTTP=allowed-hosts', async () => {
      const onPremises = await createTestApp(sql, {
        env: { OUTBOUND_ALLOWED_HOSTS: 'zammad.intern,10.0.0.0/8', OUTBOUND_ALLOW_HTTP: 'allowed-hosts' },
        resolveHost: dns,
      })
      for (const apiBaseUrl of ['http://zammad.intern:8080', 'http://10.20.30.40', 'https://internal.test']) {
        const created = await post(onPremises, {
          name: uniqueName('zammad'),
          type: 'zammad',
          secret: secretFor('zammad'),
          apiBaseUrl,
          apiToken: 'token-0123456789',
        })
        expect(created.status, apiBaseUrl).toBe(201)
      }
      expect(
        (
          await post(onPremises, {
            name: uniqueName('zammad'),
            type: 'zammad',
            secret: secretFor('zammad'),
            apiBaseUrl: 'http://public.test',
            apiToken: 't-0123456789',
          })
        ).status,
      ).toBe(422)
    })
  })

  describe('writing back', () => {
    it('refuses the loopback fake helpdesk by default, dead at once with the reason, and delivers once it is allowed', async () => {
      const integration = await createIntegration(t, 'zendesk', { helpdesk })
      const inquiryId = await deliverTicket(integration)
      await switchWorker(() => workerUnder(strictEnv))
      const refusedHttp = await settledWriteBack(inquiryId, (job) => job.status === 'dead')
      expect(refusedHttp).toMatchObject({
        attempts: 1,
        lastError: expect.stringMatching(
          /^WriteBackError: zendesk write-back: GET \S+: refused by outbound policy: plain http is not allowed/,
        ),
      })

      await switchWorker(() => workerUnder({ OUTBOUND_ALLOW_HTTP: 'true' }))
      expect((await t.call('POST', `/v1/jobs/${refusedHttp.id}/retry`, { key: await t.keyFor('admin') })).status).toBe(200)
      const refusedAddress = await settledWriteBack(inquiryId, (job) => job.status === 'dead')
      expect(refusedAddress).toMatchObject({
        attempts: 1,
        lastError: expect.stringMatching(/: refused by outbound policy: address 127\.0\.0\.1 is loopback$/),
      })
      expect(helpdesk.requests).toEqual([])

      await switchWorker(() => workerUnder(loopbackOutboundEnv))
      expect((await t.call('POST', `/v1/jobs/${refusedHttp.id}/retry`, { key: await t.keyFor('admin') })).status).toBe(200)
      expect(await settledWriteBack(inquiryId, (job) => job.status === 'done')).toMatchObject({ status: 'done' })
      expect(helpdesk.requests.length).toBeGreaterThan(0)
    })

    it('refuses a name that resolved to a public address when configured and to loopback when called', async () => {
      const answers: Record<string, string[]> = { 'helpdesk.test': ['93.184.215.14'] }
      const dns = fakeDns(answers)
      const configuring = await createTestApp(sql, { env: { OUTBOUND_ALLOWED_HOSTS: '', OUTBOUND_ALLOW_HTTP: 'true' }, resolveHost: dns })
      const port = new URL(helpdesk.url).port
      const name = uniqueName('zendesk')
      const secret = secretFor('zendesk')
      const created = await configuring.call('POST', '/v1/integrations', {
        key: await configuring.keyFor('admin'),
        json: { name, type: 'zendesk', secret, apiBaseUrl: `http://helpdesk.test:${port}/zendesk`, apiToken: helpdesk.tokens.zendesk },
      })
      expect(created.status).toBe(201)
      answers['helpdesk.test'] = ['127.0.0.1']
      const inquiryId = await deliverTicket({ name, secret })
      await switchWorker(() => workerUnder({ OUTBOUND_ALLOW_HTTP: 'true' }, dns))
      const job = await settledWriteBack(inquiryId, (candidate) => candidate.status === 'dead')
      expect(job).toMatchObject({
        attempts: 1,
        lastError: expect.stringMatching(/refused by outbound policy: host helpdesk\.test resolves to 127\.0\.0\.1, which is loopback$/),
      })
      expect(helpdesk.requests).toEqual([])
    })

    it('does not follow a redirect: the job is dead with the status and why', async () => {
      const integration = await createIntegration(t, 'zendesk', { helpdesk })
      helpdesk.failNext(1, 302, { headers: { location: 'http://169.254.169.254/latest/meta-data/iam/' } })
      const inquiryId = await deliverTicket(integration)
      bed.worker = testWorker(t)
      bed.worker.start()
      const job = await settledWriteBack(inquiryId, (candidate) => candidate.status === 'dead')
      expect(job).toMatchObject({
        attempts: 1,
        lastError: expect.stringMatching(/answered 302 \(a redirect; not followed, check the URL\)$/),
      })
      expect(helpdesk.requests).toHaveLength(1)
    })
  })

  describe('lastError', () => {
    const personal = 'Erika Mustermann <erika.mustermann@example.com>, IBAN DE89 3704 0044 0532 0130 00'
    const leaks = ['Erika', 'mustermann', 'DE89', '/srv/', 'ticket.rb', '/work/', 'http.ts', '\n']

    it('holds the status and no word of what the helpdesk answered', async () => {
      const integration = await createIntegration(t, 'zendesk', { helpdesk })
      helpdesk.failNext(10_000, 500, {
        json: { error: `could not update ticket for ${personal}`, backtrace: ["/srv/helpdesk/app/models/ticket.rb:42:in 'update'"] },
      })
      const inquiryId = await deliverTicket(integration)
      bed.worker = testWorker(t)
      bed.worker.start()
      const job = await settledWriteBack(inquiryId, (candidate) => candidate.lastError !== null)
      await bed.worker.stop({ timeoutMs: 5000 })
      expect(job.lastError).toMatch(/^WriteBackError: zendesk write-back: GET \S+ answered 500$/)
      const listed = await t.call('GET', '/v1/jobs?status=queued&queue=write-back&limit=200', { key: await t.keyFor('admin') })
      const text = await listed.text()
      expect(text).toContain(job.id)
      const [stored] = await sql.query<{ last_error: string }>('SELECT last_error FROM jobs WHERE id = $1', [job.id])
      for (const leak of leaks) {
        expect(text, leak).not.toContain(leak)
        expect(stored!.last_error, leak).not.toContain(leak)
      }
    })

    it('shows errors stored before this rule without the body or the stack trace', async () => {
      const queue = `legacy-${crypto.randomUUID().slice(0, 8)}`
      const { id } = await enqueueJob(sql, { queue, payload: {}, maxAttempts: 1 })
      await claimJobs(sql, { queues: [queue], workerId: 'legacy', limit: 1, leaseMs: 60_000, now: new Date() })
      const legacy = `WriteBackError: zendesk write-back: PUT /api/v2/tickets/7.json answered 422: {"error":"${personal}"}\n    at send (file:///work/src/webhooks/write-back/http.ts:88:13)\n    at async writeBackZendesk (/work/src/webhooks/write-back/zendesk.ts:40:5)`
      await failJob(sql, id, 'legacy', legacy, { now: new Date(), permanent: true })
      const response = await t.call('GET', `/v1/jobs/${id}`, { key: await t.keyFor('admin') })
      expect(((await response.json()) as Job).lastError).toBe('WriteBackError: zendesk write-back: PUT /api/v2/tickets/7.json answered 422')
    })
  })
})
