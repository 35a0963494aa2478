// The escalation policy as data: read by leads, replaced by admins, versioned, recorded with every
// escalation, with a company's own reason learned from its examples, on each database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sql } from '../../src/storage/sql.js'
import { defaultPolicy, type EscalationPolicy } from '../../src/triage/escalation/policy.js'
import type { TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { openSeeded } from '../helpers/seed.js'

type Json = Record<string, any>
const clone = (policy: EscalationPolicy): EscalationPolicy => JSON.parse(JSON.stringify(policy)) as EscalationPolicy

describe.each(testDatabases)('escalation policy [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  let admin: string
  let lead: string
  beforeAll(async () => {
    ;({ sql, t } = await openSeeded(database))
    admin = await t.keyFor('admin')
    lead = await t.keyFor('lead')
  }, 300_000)
  afterAll(async () => sql?.close())

  const current = async () => (await (await t.call('GET', '/v1/escalation-policy', { key: lead })).json()) as Json
  const put = (policy: unknown, key = admin) => t.call('PUT', '/v1/escalation-policy', { key, json: policy })
  const triage = async (body: string) => (await (await t.call('POST', '/v1/triage', { key: lead, json: { body } })).json()) as Json

  it('starts from the shipped policy, readable by leads with names and descriptions in both languages', async () => {
    const stored = await current()
    expect(stored.version).toBe(1)
    expect(stored.policy).toEqual(defaultPolicy)
    const safety = stored.policy.reasons.find((reason: Json) => reason.code === 'safety')
    expect(safety).toMatchObject({ alone: true, dueHours: { default: 1 }, names: { de: expect.any(String), en: expect.any(String) } })
    expect((await t.call('PUT', '/v1/escalation-policy', { key: lead, json: stored.policy })).status).toBe(403)
  })

  it('refuses an invalid policy with 422 naming each bad field, and the version in force stays', async () => {
    const bad = clone(defaultPolicy)
    bad.reasons[0]!.weight = 1.5
    bad.reasons[1]!.dueHours.default = -2
    bad.reasons.push({ ...clone(defaultPolicy).reasons[2]!, code: 'made_up' })
    bad.reasons = bad.reasons.filter((reason) => reason.code !== 'fraud')
    const response = await put(bad)
    expect(response.status).toBe(422)
    const problem = (await response.json()) as Json
    const fields = problem.errors.map((error: Json) => `${error.field}: ${error.message}`).join('\n')
    expect(fields).toMatch(/reasons\.0\.weight: must be between 0 and 1/)
    expect(fields).toMatch(/reasons\.1\.dueHours\.default: must be more than 0/)
    expect(fields).toMatch(/unknown reason code "made_up"/)
    expect(fields).toMatch(/the built-in reason fraud is missing/)
    const duplicate = clone(defaultPolicy)
    duplicate.reasons.push(clone(defaultPolicy).reasons[0]!)
    expect(((await (await put(duplicate)).json()) as Json).errors[0].message).toMatch(/listed twice/)
    expect((await put({ threshold: 0.5 })).status).toBe(422)
    expect((await current()).version).toBe(1)
  })

  it('stores a change as a new version that the next escalation records, with an audit entry', async () => {
    const changed = clone(defaultPolicy)
    const legal = changed.reasons.find((reason) => reason.code === 'legal_threat')!
    legal.dueHours = { default: 2, commercial: 6 }
    const response = await put(changed)
    expect(response.status).toBe(200)
    const stored = (await response.json()) as Json
    expect(stored.version).toBe(2)
    expect(stored.policy.reasons.find((reason: Json) => reason.code === 'legal_threat').dueHours).toEqual({ default: 2, commercial: 6 })
    const result = await triage('Mein Anwalt reicht Klage ein, wenn die Rechnung 2024-77 nicht bis Freitag storniert ist.')
    expect(result.escalation).toMatchObject({ escalate: true, policyVersion: 2 })
    const hours = (Date.parse(result.escalation.dueAt) - Date.parse(result.createdAt)) / 3_600_000
    expect(hours).toBeCloseTo(result.department === 'commercial' ? 6 : 2, 1)
    const [row] = await sql.query<{ policy_version: number }>('SELECT policy_version FROM escalations WHERE id = $1', [
      result.escalation.id,
    ])
    expect(row!.policy_version).toBe(2)
    const old = (await (await t.call('GET', '/v1/escalation-policy/versions/1', { key: lead })).json()) as Json
    expect(old.policy).toEqual(defaultPolicy)
    expect((await t.call('GET', '/v1/escalation-policy/versions/99', { key: lead })).status).toBe(404)
    const audit = (await (await t.call('GET', '/v1/audit?entityType=escalation_policy', { key: admin })).json()) as Json
    expect(audit.items[0]).toMatchObject({ action: 'policy_update', after: { version: 2 } })
  })

  it('switches a reason off, and the next inquiry escalates without it', async () => {
    const text = 'Ihr unfähigen Idioten, wie entkalke ich die Kaffeemaschine Barista B3 richtig?'
    const before = await triage(text)
    expect(before.escalation.reasons.map((reason: Json) => reason.code)).toContain('anger')
    expect(before.escalation.escalate).toBe(true)
    const off = clone(defaultPolicy)
    const anger = off.reasons.find((reason) => reason.code === 'anger')!
    Object.assign(anger, { weight: 0, alone: false })
    expect((await put(off)).status).toBe(200)
    const result = await triage(text)
    expect(result.escalation.scores.anger).toBeGreaterThan(0.5) // still scored and shown
    expect(result.escalation.reasons.map((reason: Json) => reason.code)).not.toContain('anger')
    expect(result.escalation.escalate, JSON.stringify(result.escalation.reasons)).toBe(false)
  })

  it("learns a company's own reason from its examples, without a restart", async () => {
    const own = clone(defaultPolicy)
    own.reasons.push({
      code: 'product_recall',
      source: 'text',
      weight: 0.9,
      alone: true,
      dueHours: { default: 2 },
      names: { de: 'Rückruf', en: 'Product recall' },
      descriptions: { de: 'Betrifft den Rückruf des Wasserkochers WK-3.', en: 'About the recall of the WK-3 kettle.' },
      examples: [
        'Ist mein Wasserkocher WK-3 vom Rückruf betroffen?',
        'I read about the WK-3 kettle recall, what do I do?',
        'Rückruf WK-3: Wie bekomme ich Ersatz?',
        'My WK-3 kettle is on the recall list, where do I send it?',
        'Gilt der Rückruf auch für den WK-3 in Weiß?',
        'Recall of the WK-3: do I get my money back?',
        'Wir haben 30 WK-3 im Büro, betrifft der Rückruf alle?',
        'Is the WK-3 recall about the lid or the base?',
      ],
    })
    const stored = (await (await put(own)).json()) as Json
    await t.deps.escalation.refresh(t.deps, { wait: true })
    const result = await triage('Hallo, betrifft der Rückruf meinen Wasserkocher WK-3, Seriennummer 4471?')
    expect(result.escalation.policyVersion).toBe(stored.version)
    expect(Object.keys(result.escalation.scores)).toContain('product_recall')
    expect(result.escalation.reasons.map((reason: Json) => reason.code)).toContain('product_recall')
    expect(result.escalation.escalate).toBe(true)
  }, 300_000)
})
