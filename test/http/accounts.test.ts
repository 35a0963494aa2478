// The account directory: bulk upsert and list for leads, all-or-nothing validation, and triage that
// recognises the sender's account for key_account and the first-response time, on each database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sql } from '../../src/storage/sql.js'
import type { TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { openSeeded } from '../helpers/seed.js'

type Json = Record<string, any>

const accounts = [
  {
    externalId: 'CRM-1001',
    name: 'Seehotels Nord GmbH',
    domains: ['seehotels-nord.example'],
    emails: ['einkauf@partner.example'],
    tier: 'key_account',
    firstResponseHours: 4,
  },
  { externalId: 'CRM-1002', name: 'Bäckerei Korn', domains: ['baeckerei-korn.example'], tier: 'premium' },
  {
    externalId: 'CRM-1003',
    name: 'Brightlets Ltd',
    domains: [],
    emails: ['ops@brightlets.example'],
    tier: 'standard',
    firstResponseHours: 12,
  },
]

describe.each(testDatabases)('accounts [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  let lead: string
  beforeAll(async () => {
    ;({ sql, t } = await openSeeded(database))
    lead = await t.keyFor('lead')
  }, 300_000)
  afterAll(async () => sql?.close())

  const upsert = (json: unknown, key = lead) => t.call('POST', '/v1/accounts', { key, json })
  const triage = async (json: unknown) => (await (await t.call('POST', '/v1/triage', { key: lead, json })).json()) as Json

  it('inserts and replaces accounts by externalId, and lists them by name', async () => {
    expect(await (await upsert({ accounts })).json()).toEqual({ created: 3, updated: 0 })
    const renamed = { ...accounts[1]!, name: 'Bäckerei Korn & Söhne' }
    expect(await (await upsert({ accounts: [renamed] })).json()).toEqual({ created: 0, updated: 1 })
    const list = (await (await t.call('GET', '/v1/accounts', { key: lead })).json()) as Json
    expect(list.total).toBe(3)
    expect(list.items.map((item: Json) => item.name)).toEqual(['Bäckerei Korn & Söhne', 'Brightlets Ltd', 'Seehotels Nord GmbH'])
    expect(list.items[2]).toMatchObject({
      externalId: 'CRM-1001',
      tier: 'key_account',
      firstResponseHours: 4,
      domains: ['seehotels-nord.example'],
    })
    const found = (await (await t.call('GET', '/v1/accounts?q=seehotels-nord.example', { key: lead })).json()) as Json
    expect(found.items.map((item: Json) => item.externalId)).toEqual(['CRM-1001'])
    expect((await t.call('GET', '/v1/accounts', { key: await t.keyFor('agent') })).status).toBe(403)
  })

  it('refuses a batch with a bad account with 422 naming each field, and writes none of it', async () => {
    const response = await upsert({
      accounts: [
        { externalId: 'CRM-2001', name: 'Good GmbH', tier: 'standard' },
        {
          externalId: 'CRM-2002',
          name: 'Bad',
          tier: 'gold',
          domains: ['@bad.example', 'https://x.example'],
          emails: ['not-an-address'],
          firstResponseHours: -3,
        },
        { externalId: 'CRM-2001', name: 'Twin', tier: 'standard' },
      ],
    })
    expect(response.status).toBe(422)
    const fields = ((await response.json()) as Json).errors.map((error: Json) => error.field)
    expect(fields).toEqual(
      expect.arrayContaining([
        'accounts.1.tier',
        'accounts.1.domains.0',
        'accounts.1.domains.1',
        'accounts.1.emails.0',
        'accounts.1.firstResponseHours',
      ]),
    )
    expect((await (await t.call('GET', '/v1/accounts?q=CRM-2001', { key: lead })).json()) as Json).toMatchObject({ total: 0 })
    const twins = await upsert({
      accounts: [
        { externalId: 'CRM-2001', name: 'Good GmbH', tier: 'standard' },
        { externalId: 'CRM-2001', name: 'Twin', tier: 'standard' },
      ],
    })
    expect(((await twins.json()) as Json).errors).toEqual([{ field: 'accounts.1.externalId', message: 'repeats accounts.0.externalId' }])
    expect((await upsert({ accounts: [] })).status).toBe(422)
    expect((await upsert({ accounts: [{ externalId: 'x', name: 'Y Co', tier: 'standard', vip: true }] })).status).toBe(422)
  })

  it('recognises the sender by address, domain, customer id or the company name in the text', async () => {
    const byDomain = await triage({
      body: 'Bitte senden Sie uns die Rechnung für März noch einmal.',
      customer: { email: 'buchhaltung@seehotels-nord.example' },
    })
    expect(byDomain.account).toEqual({ externalId: 'CRM-1001', name: 'Seehotels Nord GmbH', tier: 'key_account', matchedBy: 'domain' })
    expect(byDomain.escalation.reasons.find((reason: Json) => reason.code === 'key_account')?.detail).toMatch(
      /Seehotels Nord GmbH.*key account.*domain/,
    )
    expect(byDomain.escalation.escalate).toBe(true)
    expect((await triage({ body: 'Rechnung März bitte nochmal.', customer: { email: 'EINKAUF@partner.example' } })).account.matchedBy).toBe(
      'email',
    )
    expect((await triage({ body: 'Rechnung März bitte nochmal.', customer: { id: 'CRM-1003' } })).account).toMatchObject({
      externalId: 'CRM-1003',
      matchedBy: 'customer_id',
    })
    expect(
      (await triage({ body: 'Guten Tag, hier schreibt die Bäckerei Korn & Söhne: wir brauchen zwei neue Filter.' })).account,
    ).toMatchObject({ externalId: 'CRM-1002', matchedBy: 'name' })
    // A name inside another word is no match; neither is a sender nobody knows.
    expect((await triage({ body: 'Unsere Seehotels Nordküste-Filiale braucht Filter.' })).account).toBeNull()
    const unknown = await triage({
      body: 'Rechnung März bitte nochmal.',
      customer: { email: 'someone@elsewhere.example', tier: 'key_account' },
    })
    expect(unknown.account).toBeNull()
    expect(unknown.escalation.reasons.find((reason: Json) => reason.code === 'key_account')?.detail).toMatch(/from the request/)
  })

  it("takes the first-response time from the account, before the tier's", async () => {
    const receivedAt = new Date(Date.now() - 10 * 3_600_000).toISOString()
    const result = await triage({
      body: 'Wann kommt unsere Lieferung?',
      customer: { email: 'ops@brightlets.example' },
      metadata: { receivedAt },
    })
    expect(result.escalation.reasons.find((reason: Json) => reason.code === 'sla_risk')?.detail).toMatch(
      /of a 12 h first-response target \(account CRM-1003\)/,
    )
    const standard = await triage({
      body: 'Wann kommt unsere Lieferung?',
      customer: { email: 'someone@elsewhere.example' },
      metadata: { receivedAt },
    })
    expect(standard.escalation.reasons.map((reason: Json) => reason.code)).not.toContain('sla_risk') // 10 h of 48 h
  })
})
