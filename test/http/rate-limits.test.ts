// Rate limits in-process: client addresses come from X-Forwarded-For (TRUST_PROXY=true), the clock is fake.
import { afterEach, describe, expect, it } from 'vitest'
import { createConcurrencyLimit } from '../../src/http/limits/concurrency.js'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { uiClient } from '../helpers/ui-client.js'

const from = (address: string) => ({ 'x-forwarded-for': `203.0.113.9, ${address}` })

async function expectRateLimited(response: Response, retryAfter: number) {
  expect(response.status).toBe(429)
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  expect(response.headers.get('retry-after')).toBe(String(retryAfter))
  expect(await response.json()).toMatchObject({ status: 429, code: 'rate_limited' })
}

describe.each(testDatabases)('rate limits [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  let nowMs = Date.parse('2026-12-07T10:00:00Z')
  afterEach(async () => sql?.close())
  const setup = async (env: Record<string, string>) => {
    sql = await database.open()
    t = await createTestApp(sql, { env: { TRUST_PROXY: 'true', ...env }, clock: { now: () => new Date(nowMs) } })
  }
  const listKeys = (key: string, address: string) => t.call('GET', '/v1/api-keys', { key, headers: from(address) })

  it('locks an address out after repeated wrong keys, doubling the wait, whatever key it sends next', async () => {
    await setup({ RATE_LIMIT_AUTH_FAILURES: '3' })
    const admin = await t.keyFor('admin')
    for (let attempt = 1; attempt <= 4; attempt++) expect((await listKeys(`wrong-${attempt}`, '198.51.100.7')).status).toBe(401)
    await expectRateLimited(await listKeys(admin, '198.51.100.7'), 1)
    expect((await listKeys(admin, '198.51.100.8')).status).toBe(200) // another address is not affected
    nowMs += 1000
    expect((await listKeys('wrong-5', '198.51.100.7')).status).toBe(401)
    await expectRateLimited(await listKeys(admin, '198.51.100.7'), 2)
    nowMs += 2000
    expect((await listKeys(admin, '198.51.100.7')).status).toBe(200)
  })

  it('counts bad webhook signatures as failed authentication', async () => {
    await setup({ RATE_LIMIT_AUTH_FAILURES: '1' })
    const admin = await t.keyFor('admin')
    expect(
      (
        await t.call('POST', '/v1/integrations', {
          key: admin,
          json: { name: 'crm', type: 'freshdesk', secret: 'a-long-enough-secret-for-freshdesk' },
        })
      ).status,
    ).toBe(201)
    const deliver = () =>
      t.call('POST', '/v1/webhooks/crm', { json: { ticket_id: 1 }, headers: { ...from('198.51.100.9'), 'x-triage-token': 'guess' } })
    expect((await deliver()).status).toBe(401)
    expect((await deliver()).status).toBe(401)
    await expectRateLimited(await deliver(), 1)
  })

  it('backs off the sign-in form too, with a page that says how long to wait', async () => {
    await setup({ RATE_LIMIT_AUTH_FAILURES: '2' })
    const browser = uiClient(t, { headers: from('198.51.100.10') })
    for (let attempt = 1; attempt <= 3; attempt++) expect((await browser.signIn(`wrong-${attempt}`)).status).toBe(401)
    const refused = await browser.signIn(await t.keyFor('agent'))
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(refused.html).toContain('Too many failed sign-ins')
    nowMs += 1000
    expect((await browser.signIn(await t.keyFor('agent'))).status).toBe(303)
  })

  it('limits requests per API key, from any address', async () => {
    await setup({ RATE_LIMIT_PER_KEY_PER_MINUTE: '3' })
    const admin = await t.keyFor('admin')
    for (const address of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) expect((await listKeys(admin, address)).status).toBe(200)
    await expectRateLimited(await listKeys(admin, '192.0.2.4'), 20)
    expect((await t.call('GET', '/v1/escalations', { key: await t.keyFor('lead'), headers: from('192.0.2.4') })).status).toBe(200)
    nowMs += 20_000
    expect((await listKeys(admin, '192.0.2.4')).status).toBe(200)
  })

  it('keeps serving a key and an address when the clock steps back', async () => {
    await setup({ RATE_LIMIT_PER_KEY_PER_MINUTE: '3', RATE_LIMIT_AUTH_FAILURES: '1' })
    const admin = await t.keyFor('admin')
    nowMs += 4 * 3600_000 // hours ahead (a test's clock, or NTP correcting a clock that ran fast) ...
    expect((await listKeys(admin, '192.0.2.20')).status).toBe(200)
    for (const attempt of [1, 2]) expect((await listKeys(`wrong-${attempt}`, '192.0.2.21')).status).toBe(401)
    await expectRateLimited(await listKeys(admin, '192.0.2.21'), 1)
    nowMs -= 4 * 3600_000 // ... and back: no bucket may owe those hours, no lockout last that long
    expect((await listKeys(admin, '192.0.2.20')).status).toBe(200)
    expect((await listKeys(admin, '192.0.2.21')).status).toBe(200)
  })

  it('limits requests per client address, whatever key they carry; health probes never count', async () => {
    await setup({ RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '4' })
    const [admin, lead] = [await t.keyFor('admin'), await t.keyFor('lead')]
    expect((await listKeys(admin, '192.0.2.5')).status).toBe(200)
    expect((await listKeys(admin, '192.0.2.5')).status).toBe(200)
    expect((await t.call('GET', '/v1/escalations', { key: lead, headers: from('192.0.2.5') })).status).toBe(200)
    expect((await t.call('GET', '/ui/sign-in', { headers: from('192.0.2.5') })).status).toBe(200)
    expect((await t.call('GET', '/healthz', { headers: from('192.0.2.5') })).status).toBe(200)
    await expectRateLimited(await t.call('GET', '/v1/escalations', { key: lead, headers: from('192.0.2.5') }), 15)
    expect((await t.call('GET', '/v1/escalations', { key: lead, headers: from('192.0.2.6') })).status).toBe(200)
  })

  it('can be switched off, and without TRUST_PROXY a forwarded address is not believed', async () => {
    await setup({ RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_AUTH_FAILURES: '1' })
    for (let attempt = 1; attempt <= 4; attempt++) expect((await listKeys(`wrong-${attempt}`, '198.51.100.7')).status).toBe(401)
    await sql.close()
    await setup({ TRUST_PROXY: 'false', RATE_LIMIT_AUTH_FAILURES: '1' })
    // In-process there is no socket, so without a trusted proxy there is no address to count against.
    for (let attempt = 1; attempt <= 4; attempt++) expect((await listKeys(`wrong-${attempt}`, '198.51.100.7')).status).toBe(401)
  })

  it('answers 503 at once when triage is at its concurrency and queue limits, before reading the body', async () => {
    await setup({ TRIAGE_MAX_CONCURRENT: '1', TRIAGE_MAX_QUEUE: '0' })
    const agent = await t.keyFor('agent')
    let finish!: () => void
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode('{"body": "Meine Waschmaschine '))
        await new Promise<void>((resolve) => (finish = resolve))
        controller.enqueue(new TextEncoder().encode('zeigt Fehler E18."}'))
        controller.close()
      },
    })
    const headers = { authorization: `Bearer ${agent}`, 'content-type': 'application/json' }
    const held = t.app.request('/v1/triage', { method: 'POST', headers, body, duplex: 'half' } as RequestInit)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const refused = await t.call('POST', '/v1/triage', { key: agent, json: { body: 'Rechnung doppelt abgebucht' } })
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect((await t.call('GET', '/healthz')).status).toBe(200)
    finish()
    expect((await held).status).toBe(200)
    expect((await t.call('POST', '/v1/triage', { key: agent, json: { body: 'Rechnung doppelt abgebucht' } })).status).toBe(200)
  })
})

describe('concurrency limit', () => {
  it('runs at most N at once, queues up to M, refuses the rest at once, and hands slots on in order', async () => {
    const limit = createConcurrencyLimit({ maxConcurrent: 1, maxQueue: 1 })
    const order: string[] = []
    let release!: () => void
    const first = limit.run(
      () =>
        new Promise<void>(
          (resolve) =>
            (release = () => {
              order.push('first')
              resolve()
            }),
        ),
    )
    const second = limit.run(async () => {
      order.push('second')
    })
    await expect(limit.run(async () => 'third')).rejects.toMatchObject({ code: 'service_unavailable' })
    await new Promise((resolve) => setTimeout(resolve, 10)) // work starts in its own macrotask
    expect(order).toEqual([])
    release()
    await Promise.all([first, second])
    expect(order).toEqual(['first', 'second'])
    expect(await limit.run(async () => 'fourth')).toBe('fourth')
  })
})
