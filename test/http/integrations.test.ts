// Admin management of helpdesk integrations on each database: what the API returns (never a secret or
// token), rotating a secret, clearing settings, deleting, the type rules as named 422s, who may call it,
// and that no secret reaches the logs, not even through a write-back the helpdesk refuses.
import { afterEach, describe, expect, it } from 'vitest'
import type { Sql } from '../../src/storage/sql.js'
import type { TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import type { FakeHelpdesk } from '../helpers/fake-helpdesk.js'
import { countRows, deliver, genericTicket, secretFor, testWorker, useWebhookTestbed } from '../helpers/webhooks.js'
import { readFixture } from '../webhooks/support.js'

type Integration = {
  name: string
  type: string
  webhookPath: string
  writeBack: string
  hasApiToken: boolean
  callbackUrl: string | null
  apiBaseUrl: string | null
  departmentGroups: Record<string, string>
  previousSecretExpiresAt: string | null
}
type Problem = { code: string; status: number; errors?: Array<{ field: string; message: string }> }

const uniqueName = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`

describe.each(testDatabases)('/v1/integrations [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  let helpdesk: FakeHelpdesk
  const bed = useWebhookTestbed(database, (opened) => ({ sql, t, helpdesk } = opened))
  /** Every secret and token a test handed to the API; none may ever come back or reach a log line. */
  const secrets = new Set<string>()

  afterEach(() => {
    const logged = JSON.stringify(t.logger.records)
    for (const secret of secrets) expect(logged, 'a secret reached the logs').not.toContain(secret)
  })

  const admin = () => t.keyFor('admin')
  const remember = (...values: string[]) => values.forEach((value) => secrets.add(value))
  const countIntegrations = async () => (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM integrations'))[0]!.n

  /** Calls as admin and returns the status, the raw text (checked for secrets) and the parsed body. */
  async function call<T = Integration>(method: string, path: string, json?: unknown): Promise<{ status: number; text: string; body: T }> {
    const response = await t.call(method, path, { key: await admin(), ...(json !== undefined ? { json } : {}) })
    const text = await response.text()
    for (const secret of secrets) expect(text, `${method} ${path} returned a secret`).not.toContain(secret)
    return { status: response.status, text, body: (text ? JSON.parse(text) : undefined) as T }
  }

  async function create(fields: Record<string, unknown>): Promise<Integration> {
    if (typeof fields.secret === 'string') remember(fields.secret)
    if (typeof fields.apiToken === 'string') remember(fields.apiToken)
    const created = await call('POST', '/v1/integrations', fields)
    expect(created.status, created.text).toBe(201)
    return created.body
  }

  describe('create, read, change, delete', () => {
    it('creates (201) and shows every integration without its secret or token, in create, list, get and PATCH', async () => {
      const zendesk = {
        name: uniqueName('zendesk'),
        type: 'zendesk',
        secret: secretFor('zendesk'),
        apiBaseUrl: helpdesk.apiBaseUrl('zendesk'),
        apiToken: helpdesk.tokens.zendesk,
      }
      const created = await create({ ...zendesk, departmentGroups: { technical: 'Support L2' } })
      expect(created).toMatchObject({
        name: zendesk.name,
        type: 'zendesk',
        webhookPath: `/v1/webhooks/${zendesk.name}`,
        writeBack: 'api',
        hasApiToken: true,
        apiBaseUrl: zendesk.apiBaseUrl,
        callbackUrl: null,
        departmentGroups: { technical: 'Support L2' },
      })
      expect(created).not.toHaveProperty('secret')
      expect(created).not.toHaveProperty('apiToken')

      const generic = await create({
        name: uniqueName('generic'),
        type: 'generic',
        secret: secretFor('generic'),
        callbackUrl: helpdesk.callbackUrl,
      })
      expect(generic).toMatchObject({ writeBack: 'callback', hasApiToken: false, callbackUrl: helpdesk.callbackUrl, apiBaseUrl: null })
      const silent = await create({ name: uniqueName('freshdesk'), type: 'freshdesk', secret: secretFor('freshdesk') })
      expect(silent).toMatchObject({ writeBack: 'none', hasApiToken: false })

      const list = await call<{ items: Integration[] }>('GET', '/v1/integrations')
      expect(list.status).toBe(200)
      expect(list.body.items.map((item) => item.name)).toEqual(expect.arrayContaining([zendesk.name, generic.name, silent.name]))
      expect(list.body.items.find((item) => item.name === zendesk.name)).toEqual(created)

      const got = await call('GET', `/v1/integrations/${zendesk.name}`)
      expect(got.status).toBe(200)
      expect(got.body).toEqual(created)

      const patched = await call('PATCH', `/v1/integrations/${zendesk.name}`, {
        departmentGroups: { technical: 'Support L3', commercial: 'Billing' },
      })
      expect(patched.status).toBe(200)
      expect(patched.body).toMatchObject({
        departmentGroups: { technical: 'Support L3', commercial: 'Billing' },
        writeBack: 'api',
        hasApiToken: true,
      })
      const newToken = 'agent@example.com/token:rotated-token-9876543210'
      remember(newToken)
      const tokenChanged = await call('PATCH', `/v1/integrations/${zendesk.name}`, { apiToken: newToken })
      expect(tokenChanged.status).toBe(200)
      expect(tokenChanged.body.hasApiToken).toBe(true)
    })

    it.each(['generic', 'zammad', 'zendesk', 'freshdesk'] as const)(
      '%s: after PATCH rotates the secret, the old one gets 401 and the new one 202',
      async (type) => {
        const oldSecret = secretFor(type)
        const { name } = await create({ name: uniqueName(type), type, secret: oldSecret })
        const newSecret = secretFor(type)
        remember(newSecret)
        const rotated = await call('PATCH', `/v1/integrations/${name}`, { secret: newSecret })
        expect(rotated.status).toBe(200)

        const payload =
          type === 'generic'
            ? genericTicket(`T-${crypto.randomUUID().slice(0, 8)}`, 'Die Kaffeemaschine KM-3 tropft.')
            : await readFixture(`${type}-ticket-created.json`)
        const before = await countRows(t, 'inquiries')
        const withOld = await deliver(t, { name, secret: oldSecret }, type, payload)
        expect(withOld.status).toBe(401)
        expect(await countRows(t, 'inquiries')).toBe(before)
        const withNew = await deliver(t, { name, secret: newSecret }, type, payload)
        expect(withNew.status).toBe(202)
      },
    )

    it.each(['generic', 'zammad', 'zendesk', 'freshdesk'] as const)(
      '%s: with previousSecretValidHours the old secret keeps working beside the new one until the overlap is ended',
      async (type) => {
        const oldSecret = secretFor(type)
        const { name } = await create({ name: uniqueName(type), type, secret: oldSecret })
        const newSecret = secretFor(type)
        remember(newSecret)
        const rotated = await call('PATCH', `/v1/integrations/${name}`, { secret: newSecret, previousSecretValidHours: 24 })
        expect(rotated.status, rotated.text).toBe(200)
        const overlapMs = Date.parse(rotated.body.previousSecretExpiresAt!) - Date.now()
        expect(overlapMs).toBeGreaterThan(23.9 * 3_600_000)
        expect(overlapMs).toBeLessThanOrEqual(24 * 3_600_000)
        // Helpdesk fixtures are one ticket: a second delivery of it is a duplicate (200), still not a 401.
        const payload = async () =>
          type === 'generic'
            ? genericTicket(`T-${crypto.randomUUID().slice(0, 8)}`, 'Die Kaffeemaschine KM-3 tropft.')
            : readFixture(`${type}-ticket-created.json`)
        expect([200, 202]).toContain((await deliver(t, { name, secret: oldSecret }, type, await payload())).status)
        expect([200, 202]).toContain((await deliver(t, { name, secret: newSecret }, type, await payload())).status)

        const ended = await call('PATCH', `/v1/integrations/${name}`, { previousSecretValidHours: 0 })
        expect(ended.body.previousSecretExpiresAt).toBeNull()
        const before = await countRows(t, 'inquiries')
        expect((await deliver(t, { name, secret: oldSecret }, type, await payload())).status).toBe(401)
        expect(await countRows(t, 'inquiries')).toBe(before)
        expect([200, 202]).toContain((await deliver(t, { name, secret: newSecret }, type, await payload())).status)
      },
    )

    it('ends the overlap by itself at its time, and refuses an overlap outside 0–168 hours naming the field', async () => {
      const oldSecret = secretFor('generic')
      const { name } = await create({ name: uniqueName('generic'), type: 'generic', secret: oldSecret })
      const newSecret = secretFor('generic')
      remember(newSecret)
      expect((await call('PATCH', `/v1/integrations/${name}`, { secret: newSecret, previousSecretValidHours: 1 })).status).toBe(200)
      // An hour passes: the stored expiry is moved into the past rather than waiting.
      await sql.query(`UPDATE integrations SET previous_secret_expires_at = now() - interval '1 second' WHERE name = $1`, [name])
      expect((await call('GET', `/v1/integrations/${name}`)).body.previousSecretExpiresAt).toBeNull()
      expect(
        (await deliver(t, { name, secret: oldSecret }, 'generic', genericTicket('T-expired-overlap', 'Rechnung doppelt?'))).status,
      ).toBe(401)
      expect(
        (await deliver(t, { name, secret: newSecret }, 'generic', genericTicket('T-expired-overlap', 'Rechnung doppelt?'))).status,
      ).toBe(202)

      for (const hours of [-1, 169, 1.5, '24h']) {
        const refused = await call<Problem>('PATCH', `/v1/integrations/${name}`, {
          secret: secretFor('generic'),
          previousSecretValidHours: hours,
        })
        expect(refused.status, String(hours)).toBe(422)
        expect(refused.body.errors?.map((error) => error.field)).toContain('previousSecretValidHours')
      }
      expect((await deliver(t, { name, secret: newSecret }, 'generic', genericTicket('T-after-refusals', 'Noch da?'))).status).toBe(202)
    })

    it('PATCH with null clears an optional setting, and leaves the others alone', async () => {
      const { name } = await create({
        name: uniqueName('generic'),
        type: 'generic',
        secret: secretFor('generic'),
        callbackUrl: helpdesk.callbackUrl,
        departmentGroups: { commercial: 'Sales' },
      })
      const cleared = await call('PATCH', `/v1/integrations/${name}`, { callbackUrl: null })
      expect(cleared.status).toBe(200)
      expect(cleared.body).toMatchObject({ callbackUrl: null, writeBack: 'none', departmentGroups: { commercial: 'Sales' } })
      expect((await call('GET', `/v1/integrations/${name}`)).body).toMatchObject({ callbackUrl: null, writeBack: 'none' })

      const helpdeskName = uniqueName('zammad')
      await create({
        name: helpdeskName,
        type: 'zammad',
        secret: secretFor('zammad'),
        apiBaseUrl: helpdesk.apiBaseUrl('zammad'),
        apiToken: helpdesk.tokens.zammad,
      })
      const bothCleared = await call('PATCH', `/v1/integrations/${helpdeskName}`, { apiBaseUrl: null, apiToken: null })
      expect(bothCleared.status).toBe(200)
      expect(bothCleared.body).toMatchObject({ apiBaseUrl: null, hasApiToken: false, writeBack: 'none' })
    })

    it('deletes (204): then 404 for it and 401 for its webhook, while the inquiries it delivered remain', async () => {
      const secret = secretFor('generic')
      const { name } = await create({ name: uniqueName('generic'), type: 'generic', secret })
      const received = await deliver(t, { name, secret }, 'generic', genericTicket('T-delete', 'Wo bleibt meine Gutschrift?'))
      expect(received.status).toBe(202)
      const { inquiryId } = (await received.json()) as { inquiryId: string }

      expect((await call('DELETE', `/v1/integrations/${name}`)).status).toBe(204)
      expect((await call<Problem>('GET', `/v1/integrations/${name}`)).body).toMatchObject({ status: 404, code: 'not_found' })
      expect((await call('PATCH', `/v1/integrations/${name}`, { callbackUrl: null })).status).toBe(404)
      expect((await call('DELETE', `/v1/integrations/${name}`)).status).toBe(404)
      expect((await call<{ items: Integration[] }>('GET', '/v1/integrations')).body.items.map((item) => item.name)).not.toContain(name)
      const webhook = await deliver(t, { name, secret }, 'generic', genericTicket('T-delete-2', 'Noch eine Frage'))
      expect(webhook.status).toBe(401) // as for any unknown name: the answer does not reveal that it existed

      expect(await countRows(t, 'inquiries', 'id = $1', [inquiryId])).toBe(1)
      const inquiry = await t.call('GET', `/v1/inquiries/${inquiryId}`, { key: await t.keyFor('agent') })
      expect(inquiry.status).toBe(200)
      expect(await inquiry.json()).toMatchObject({ inquiryId, status: 'received' })
    })

    it('404 for unknown names, including ones that could not be names at all', async () => {
      for (const name of ['no-such-helpdesk', 'Upper-Case', '-leading-dash', 'x'.repeat(64)]) {
        expect((await call('GET', `/v1/integrations/${name}`)).status).toBe(404)
        expect((await call('DELETE', `/v1/integrations/${name}`)).status).toBe(404)
      }
    })
  })

  describe('bad input', () => {
    it('409 when the name is taken, whatever the type', async () => {
      const name = uniqueName('taken')
      await create({ name, type: 'zammad', secret: secretFor('zammad') })
      const secret = secretFor('freshdesk')
      remember(secret)
      const again = await call<Problem>('POST', '/v1/integrations', { name, type: 'freshdesk', secret })
      expect(again.status).toBe(409)
      expect(again.body).toMatchObject({ code: 'conflict' })
      expect((await call('GET', `/v1/integrations/${name}`)).body).toMatchObject({ type: 'zammad' })
    })

    const valid = () => ({ name: uniqueName('bad'), type: 'zendesk', secret: 'zendesk-signing-secret-0123456789' })
    const cases: Array<{ what: string; body: () => Record<string, unknown>; field: string }> = [
      { what: 'a name with capitals and spaces', body: () => ({ ...valid(), name: 'My Helpdesk' }), field: 'name' },
      { what: 'a name that is too long', body: () => ({ ...valid(), name: 'a'.repeat(64) }), field: 'name' },
      { what: 'an unknown type', body: () => ({ ...valid(), type: 'jira' }), field: 'type' },
      { what: 'a short secret', body: () => ({ ...valid(), secret: 'short' }), field: 'secret' },
      {
        what: 'a generic secret without whsec_',
        body: () => ({ ...valid(), type: 'generic', secret: 'plain-shared-secret-0123456789' }),
        field: 'secret',
      },
      {
        what: 'a generic secret whose key is not base64',
        body: () => ({ ...valid(), type: 'generic', secret: 'whsec_!!!!not-base64!!!!not-base64!!!!' }),
        field: 'secret',
      },
      { what: 'apiBaseUrl without apiToken', body: () => ({ ...valid(), apiBaseUrl: 'https://example.zendesk.com' }), field: 'apiToken' },
      { what: 'apiToken without apiBaseUrl', body: () => ({ ...valid(), apiToken: 'agent@example.com/token:abc' }), field: 'apiBaseUrl' },
      {
        what: 'a callbackUrl on a zendesk integration',
        body: () => ({ ...valid(), callbackUrl: 'https://example.com/triage' }),
        field: 'callbackUrl',
      },
      {
        what: 'apiBaseUrl on a generic integration',
        body: () => ({
          ...valid(),
          type: 'generic',
          secret: secretFor('generic'),
          apiBaseUrl: 'https://example.com',
          apiToken: 'token-123',
        }),
        field: 'apiBaseUrl',
      },
      {
        what: 'a non-http callbackUrl',
        body: () => ({ ...valid(), type: 'generic', secret: secretFor('generic'), callbackUrl: 'ftp://example.com/triage' }),
        field: 'callbackUrl',
      },
      {
        what: 'a non-http apiBaseUrl',
        body: () => ({ ...valid(), apiBaseUrl: 'javascript:alert(1)', apiToken: 'token-123' }),
        field: 'apiBaseUrl',
      },
      // It would be returned by every GET: credentials go in apiToken, which never is.
      {
        what: 'an apiBaseUrl with a password',
        body: () => ({ ...valid(), apiBaseUrl: 'https://agent:secret@example.zendesk.com', apiToken: 'token-123' }),
        field: 'apiBaseUrl',
      },
      {
        what: 'an unknown department in departmentGroups',
        body: () => ({ ...valid(), departmentGroups: { legal: 'Lawyers' } }),
        field: 'departmentGroups',
      },
    ]
    it.each(cases)('422 naming $field for $what; nothing created', async ({ body, field }) => {
      const fields = body()
      for (const key of ['secret', 'apiToken'] as const) if (typeof fields[key] === 'string') remember(fields[key])
      const before = await countIntegrations()
      const response = await call<Problem>('POST', '/v1/integrations', fields)
      expect(response.status, response.text).toBe(422)
      expect(response.body.code).toBe('validation_failed')
      expect(response.body.errors?.map((error) => error.field.split('.')[0])).toContain(field)
      expect(await countIntegrations()).toBe(before)
    })

    it('422 naming unknown fields, on create and on PATCH (which cannot change the name or type)', async () => {
      const secret = secretFor('zammad')
      remember(secret)
      const created = await call<Problem>('POST', '/v1/integrations', {
        name: uniqueName('zammad'),
        type: 'zammad',
        secret,
        colour: 'blue',
      })
      expect(created.status).toBe(422)
      expect(JSON.stringify(created.body.errors)).toContain('colour')

      const { name } = await create({ name: uniqueName('zammad'), type: 'zammad', secret: secretFor('zammad') })
      for (const change of [{ colour: 'blue' }, { name: 'renamed' }, { type: 'zendesk' }]) {
        const patched = await call<Problem>('PATCH', `/v1/integrations/${name}`, change)
        expect(patched.status).toBe(422)
        expect(JSON.stringify(patched.body.errors)).toContain(Object.keys(change)[0])
      }
      expect((await call('GET', `/v1/integrations/${name}`)).body).toMatchObject({ name, type: 'zammad' })
    })

    it('PATCH keeps the type rules: a token cleared without its URL, a callbackUrl on a helpdesk, a bad generic secret', async () => {
      const { name } = await create({
        name: uniqueName('zendesk'),
        type: 'zendesk',
        secret: secretFor('zendesk'),
        apiBaseUrl: helpdesk.apiBaseUrl('zendesk'),
        apiToken: helpdesk.tokens.zendesk,
      })
      const tokenOnly = await call<Problem>('PATCH', `/v1/integrations/${name}`, { apiToken: null })
      expect(tokenOnly.status).toBe(422)
      expect(tokenOnly.body.errors?.map((error) => error.field)).toContain('apiToken')
      const callback = await call<Problem>('PATCH', `/v1/integrations/${name}`, { callbackUrl: 'https://example.com/x' })
      expect(callback.body.errors?.map((error) => error.field)).toContain('callbackUrl')
      expect((await call('GET', `/v1/integrations/${name}`)).body).toMatchObject({ writeBack: 'api', hasApiToken: true, callbackUrl: null })

      const generic = await create({ name: uniqueName('generic'), type: 'generic', secret: secretFor('generic') })
      const badSecret = 'not-a-standard-webhooks-secret-0123'
      remember(badSecret)
      const rotated = await call<Problem>('PATCH', `/v1/integrations/${generic.name}`, { secret: badSecret })
      expect(rotated.status).toBe(422)
      expect(rotated.body.errors?.map((error) => error.field)).toContain('secret')
    })

    it('400 or 415 for a body that is not JSON', async () => {
      const key = await admin()
      const malformed = await t.call('POST', '/v1/integrations', {
        key,
        body: '{"name": ',
        headers: { 'content-type': 'application/json' },
      })
      expect(malformed.status).toBe(400)
      const form = await t.call('POST', '/v1/integrations', {
        key,
        body: 'name=x&type=zammad',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      expect([400, 415]).toContain(form.status)
    })
  })

  describe('access', () => {
    it('every route answers 403 to integration, agent and lead keys and 401 without a key, and changes nothing', async () => {
      const secret = secretFor('freshdesk')
      const { name } = await create({ name: uniqueName('guarded'), type: 'freshdesk', secret })
      const newSecret = secretFor('freshdesk')
      remember(newSecret)
      const routes: Array<[string, string, unknown?]> = [
        ['POST', '/v1/integrations', { name: uniqueName('intruder'), type: 'freshdesk', secret: newSecret }],
        ['GET', '/v1/integrations'],
        ['GET', `/v1/integrations/${name}`],
        ['PATCH', `/v1/integrations/${name}`, { secret: newSecret }],
        ['DELETE', `/v1/integrations/${name}`],
      ]
      for (const [method, path, json] of routes) {
        for (const role of ['integration', 'agent', 'lead'] as const) {
          const response = await t.call(method, path, { key: await t.keyFor(role), ...(json !== undefined ? { json } : {}) })
          expect(response.status, `${method} ${path} as ${role}`).toBe(403)
        }
        const anonymous = await t.call(method, path, json !== undefined ? { json } : {})
        expect(anonymous.status, `${method} ${path} without a key`).toBe(401)
      }
      expect((await call('GET', `/v1/integrations/${name}`)).status).toBe(200)
      expect((await deliver(t, { name, secret }, 'freshdesk', await readFixture('freshdesk-ticket-created.json'))).status).toBe(202)
    })
  })

  describe('secrets in the logs', () => {
    it('a write-back the helpdesk refuses (401) dead-letters the job, and neither its error nor the logs show the token or the secret', async () => {
      const refusedToken = `agent@example.com/token:refused-${crypto.randomUUID()}`
      const secret = secretFor('zendesk')
      const { name } = await create({
        name: uniqueName('zendesk'),
        type: 'zendesk',
        secret,
        apiBaseUrl: helpdesk.apiBaseUrl('zendesk'),
        apiToken: refusedToken,
      })
      remember(Buffer.from(refusedToken).toString('base64')) // the Basic header it sends
      const received = await deliver(t, { name, secret }, 'zendesk', await readFixture('zendesk-ticket-created.json'))
      expect(received.status).toBe(202)
      const { inquiryId } = (await received.json()) as { inquiryId: string }

      bed.worker = testWorker(t)
      await bed.worker.drain() // its triage, then the write-back that fails for good (and other tests' leftovers)
      expect(helpdesk.requestsTo('zendesk').map((request) => request.status)).toContain(401)
      const [dead] = await sql.query<{ id: string }>(
        `SELECT id FROM jobs WHERE queue = 'write-back' AND status = 'dead' AND payload->>'inquiryId' = $1`,
        [inquiryId],
      )
      expect(dead).toBeDefined()
      const job = await call<{ lastError: string; attempts: number }>('GET', `/v1/jobs/${dead!.id}`)
      expect(job.body.attempts).toBe(1) // permanent: no retries burnt on a bad token
      expect(job.body.lastError).toMatch(/answered 401/)
      expect(t.logger.records.some((record) => record.level === 'error' && /dead-lettered/.test(record.message ?? ''))).toBe(true)
      // afterEach checks the serialised log records against every secret and token used in this file
    })
  })
})
