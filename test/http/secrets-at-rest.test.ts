// Secrets at rest on each database: what an integration's row holds after it is created through the API,
// after its webhook secret is rotated (PATCH with an overlap) and its token changed — never a plain secret,
// only values sealed to their row and column — and that webhooks still verify and write-back still
// authenticates. Rows stored in plain text by an earlier version are encrypted at start-up, idempotently.
import { describe, expect, it } from 'vitest'
import { isSealed } from '../../src/secrets/secret-box.js'
import { sealStoredSecrets } from '../../src/secrets/stored-secrets.js'
import { prepareDatabase } from '../../src/storage/prepare.js'
import type { Sql } from '../../src/storage/sql.js'
import type { TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import type { FakeHelpdesk } from '../helpers/fake-helpdesk.js'
import { deliver, genericTicket, secretFor, testWorker, useWebhookTestbed } from '../helpers/webhooks.js'
import { uiClient } from '../helpers/ui-client.js'
import { readFixture } from '../webhooks/support.js'

type StoredRow = { id: string; name: string; secret: string; previous_secret: string | null; api_token: string | null }

const uniqueName = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`

describe.each(testDatabases)('secrets at rest [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  let helpdesk: FakeHelpdesk
  const bed = useWebhookTestbed(database, (opened) => ({ sql, t, helpdesk } = opened))

  /** The raw row, as anyone with a copy of the database would read it. */
  async function storedRow(name: string): Promise<StoredRow> {
    const [row] = await sql.query<StoredRow>('SELECT id, name, secret, previous_secret, api_token FROM integrations WHERE name = $1', [
      name,
    ])
    return row!
  }

  /** Every stored secret column is sealed (or empty), and no plain value appears anywhere in the row. */
  async function expectNothingPlain(name: string, plainValues: string[]): Promise<StoredRow> {
    const row = await storedRow(name)
    for (const value of [row.secret, row.previous_secret, row.api_token]) if (value !== null) expect(isSealed(value), value).toBe(true)
    const [whole] = await sql.query<{ text: string }>('SELECT row_to_json(i)::text AS text FROM integrations i WHERE name = $1', [name])
    for (const plain of plainValues) expect(whole!.text).not.toContain(plain)
    return row
  }

  async function call(method: string, path: string, json: unknown): Promise<Response> {
    return t.call(method, path, { key: await t.keyFor('admin'), json })
  }

  it('stores the webhook secret and API token of an integration created through the API encrypted; webhooks verify and write-back authenticates', async () => {
    const name = uniqueName('zendesk')
    const secret = secretFor('zendesk')
    const created = await call('POST', '/v1/integrations', {
      name,
      type: 'zendesk',
      secret,
      apiBaseUrl: helpdesk.apiBaseUrl('zendesk'),
      apiToken: helpdesk.tokens.zendesk,
    })
    expect(created.status).toBe(201)
    const row = await expectNothingPlain(name, [secret, helpdesk.tokens.zendesk])
    expect(row.api_token).not.toBeNull()

    expect((await deliver(t, { name, secret }, 'zendesk', await readFixture('zendesk-ticket-created.json'))).status).toBe(202)
    bed.worker = testWorker(t)
    expect(await bed.worker.drain()).toBe(2) // triage, then write-back with the decrypted token
    expect(helpdesk.requestsTo('zendesk').length).toBeGreaterThan(0)
    expect(helpdesk.requestsTo('zendesk').every((request) => request.status !== 401)).toBe(true)
  })

  it('keeps the rotated webhook secret, the previous one and a changed token encrypted; both secrets verify during the overlap', async () => {
    const name = uniqueName('generic')
    const oldSecret = secretFor('generic')
    expect((await call('POST', '/v1/integrations', { name, type: 'generic', secret: oldSecret })).status).toBe(201)
    const before = await expectNothingPlain(name, [oldSecret])

    const newSecret = secretFor('generic')
    expect((await call('PATCH', `/v1/integrations/${name}`, { secret: newSecret, previousSecretValidHours: 2 })).status).toBe(200)
    const rotated = await expectNothingPlain(name, [oldSecret, newSecret])
    expect(rotated.previous_secret).not.toBeNull()
    expect(rotated.previous_secret).not.toBe(before.secret) // re-encrypted for its new column, not copied
    for (const [secret, id] of [
      [oldSecret, 'T-old'],
      [newSecret, 'T-new'],
    ] as const) {
      expect((await deliver(t, { name, secret }, 'generic', genericTicket(`${id}-${name}`, 'Rechnung doppelt abgebucht'))).status).toBe(202)
    }
    expect((await call('PATCH', `/v1/integrations/${name}`, { previousSecretValidHours: 1 })).status).toBe(200)
    await expectNothingPlain(name, [oldSecret, newSecret])
    expect((await deliver(t, { name, secret: oldSecret }, 'generic', genericTicket(`T-retimed-${name}`, 'Noch einmal'))).status).toBe(202)

    const zammad = uniqueName('zammad')
    const zammadSecret = secretFor('zammad')
    expect(
      (
        await call('POST', '/v1/integrations', {
          name: zammad,
          type: 'zammad',
          secret: zammadSecret,
          apiBaseUrl: helpdesk.apiBaseUrl('zammad'),
          apiToken: 'first-token-0123456789',
        })
      ).status,
    ).toBe(201)
    expect((await call('PATCH', `/v1/integrations/${zammad}`, { apiToken: helpdesk.tokens.zammad })).status).toBe(200)
    await expectNothingPlain(zammad, [zammadSecret, 'first-token-0123456789', helpdesk.tokens.zammad])
  })

  it("does not accept a secret copied into another integration's row", async () => {
    const [first, second] = [uniqueName('zammad'), uniqueName('zammad')]
    const firstSecret = secretFor('zammad')
    for (const name of [first, second])
      expect(
        (await call('POST', '/v1/integrations', { name, type: 'zammad', secret: name === first ? firstSecret : secretFor('zammad') }))
          .status,
      ).toBe(201)
    await sql.query('UPDATE integrations SET secret = (SELECT secret FROM integrations WHERE name = $1) WHERE name = $2', [first, second])
    const payload = await readFixture('zammad-ticket-created.json')
    const response = await deliver(t, { name: second, secret: firstSecret }, 'zammad', payload)
    expect(response.status).toBe(500)
    expect(await response.text()).not.toContain(firstSecret)
    const logged = JSON.stringify(t.logger.records)
    expect(logged).not.toContain(firstSecret)
  })

  it('encrypts rows stored in plain text at start-up, idempotently; webhooks then verify and write-back authenticates', async () => {
    const zendesk = { id: crypto.randomUUID(), name: uniqueName('zendesk'), secret: secretFor('zendesk'), previous: secretFor('zendesk') }
    const generic = { id: crypto.randomUUID(), name: uniqueName('generic'), secret: secretFor('generic') }
    // As an earlier version stored them: plain text, straight into the table.
    await sql.query(
      `INSERT INTO integrations (id, name, type, secret, previous_secret, previous_secret_expires_at, api_base_url, api_token)
       VALUES ($1, $2, 'zendesk', $3, $4, now() + interval '1 hour', $5, $6)`,
      [zendesk.id, zendesk.name, zendesk.secret, zendesk.previous, helpdesk.apiBaseUrl('zendesk'), helpdesk.tokens.zendesk],
    )
    await sql.query(`INSERT INTO integrations (id, name, type, secret, callback_url) VALUES ($1, $2, 'generic', $3, $4)`, [
      generic.id,
      generic.name,
      generic.secret,
      helpdesk.callbackUrl,
    ])

    await prepareDatabase(t.deps) // what every start runs after the SQL migrations
    const zendeskRow = await expectNothingPlain(zendesk.name, [zendesk.secret, zendesk.previous, helpdesk.tokens.zendesk])
    const genericRow = await expectNothingPlain(generic.name, [generic.secret])
    const [{ plain }] = (await sql.query<{ plain: number }>(
      `SELECT count(*)::int AS plain FROM integrations WHERE secret NOT LIKE 'v1:%' OR previous_secret NOT LIKE 'v1:%' OR api_token NOT LIKE 'v1:%'`,
    )) as [{ plain: number }]
    expect(plain).toBe(0)
    expect(t.logger.records.some((record) => record.message?.includes('encrypted now'))).toBe(true)

    expect(await sealStoredSecrets(t.deps)).toBe(0) // a second start changes nothing
    expect(await storedRow(zendesk.name)).toEqual(zendeskRow)
    expect(await storedRow(generic.name)).toEqual(genericRow)

    for (const secret of [zendesk.secret, zendesk.previous]) {
      expect(
        (
          await deliver(t, { name: zendesk.name, secret }, 'zendesk', await readFixture('zendesk-ticket-created.json'), {
            deliveryId: crypto.randomUUID(),
          })
        ).status,
      ).toBeLessThan(300)
    }
    expect(
      (await deliver(t, generic, 'generic', genericTicket(`T-plain-${generic.name}`, 'Der Geschirrspüler pumpt nicht ab'))).status,
    ).toBe(202)
    bed.worker = testWorker(t)
    await bed.worker.drain()
    expect(helpdesk.requestsTo('zendesk').length).toBeGreaterThan(0)
    expect(helpdesk.requestsTo('zendesk').every((request) => request.status !== 401)).toBe(true)
    expect(helpdesk.deliveries).toHaveLength(1)
  })

  it('keeps no usable web UI credential in a copy of the sessions table: neither the session id nor its CSRF token', async () => {
    const client = uiClient(t)
    expect((await client.signIn(await t.keyFor('lead'))).status).toBe(303)
    const sessionId = client.jar.get('triage_session')!
    const csrf = await client.csrf()
    const table = JSON.stringify(await sql.query('SELECT * FROM ui_sessions'))
    expect(table).not.toContain(sessionId)
    expect(table).not.toContain(csrf)
    expect((await client.post('/ui/sign-out', { _csrf: 'forged' })).status).toBe(403)
    expect((await client.post('/ui/sign-out', { _csrf: csrf })).location).toBe('/ui/sign-in?signed_out=1')
  })
})
