// An integration key is one helpdesk's machine key: it reads back the inquiries it submitted, and any
// other id answers exactly like an unknown one (404), so ids of other helpdesks' inquiries do not leak.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../../src/auth/api-keys.js'
import type { Sql } from '../../src/storage/sql.js'
import type { TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { openSeeded } from '../helpers/seed.js'
import { createIntegration, deliver, genericTicket } from '../helpers/webhooks.js'

describe.each(testDatabases)('GET /v1/inquiries/:id for integration keys [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  beforeAll(async () => {
    ;({ sql, t } = await openSeeded(database))
  })
  afterAll(async () => sql?.close())

  const integrationKey = async (name: string) => (await createApiKey(t.deps, { name, role: 'integration' })).key
  const triage = async (key: string, body: string) => {
    const response = await t.call('POST', '/v1/triage', { key, json: { body, externalId: `T-${crypto.randomUUID().slice(0, 8)}` } })
    expect(response.status).toBe(200)
    return ((await response.json()) as { inquiryId: string }).inquiryId
  }
  /** Status and problem body without the parts that differ per request, to compare two refusals. */
  const answer = async (key: string, id: string) => {
    const response = await t.call('GET', `/v1/inquiries/${id}`, { key })
    const body = (await response.json()) as Record<string, unknown>
    return { status: response.status, code: body.code, title: body.title }
  }

  it("reads its own inquiries; another helpdesk's and webhook inquiries are 404 like unknown ids; people see all", async () => {
    const zammadKey = await integrationKey('Zammad production')
    const shopKey = await integrationKey('Webshop')
    const own = await triage(zammadKey, 'Die Waschmaschine zeigt den Fehler E21 und pumpt nicht ab.')
    const others = await triage(shopKey, 'Meine Rechnung wurde doppelt abgebucht.')
    const integration = await createIntegration(t, 'generic')
    const delivered = await deliver(t, integration, 'generic', genericTicket('T-scope', 'Wo bleibt meine Gutschrift?'))
    const viaWebhook = ((await delivered.json()) as { inquiryId: string }).inquiryId

    expect(await answer(zammadKey, own)).toMatchObject({ status: 200 })
    const unknown = await answer(zammadKey, crypto.randomUUID())
    expect(unknown).toMatchObject({ status: 404, code: 'not_found' })
    expect(await answer(zammadKey, others)).toEqual(unknown)
    expect(await answer(zammadKey, viaWebhook)).toEqual(unknown)
    expect(await answer(shopKey, others)).toMatchObject({ status: 200 })

    const agent = await t.keyFor('agent')
    for (const id of [own, others, viaWebhook]) expect((await answer(agent, id)).status).toBe(200)
    // The list stays closed to integration keys altogether.
    expect((await t.call('GET', '/v1/inquiries', { key: zammadKey })).status).toBe(403)
  })
})
