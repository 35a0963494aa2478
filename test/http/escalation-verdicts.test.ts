// Learning from the people: an agent's "needs a lead" escalates the inquiry and becomes a positive
// example; a lead's "should not have been escalated" becomes a counter-example; the detector retrains
// on them without a restart. On each database, through the HTTP API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sql } from '../../src/storage/sql.js'
import type { TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { openSeeded } from '../helpers/seed.js'

type Json = Record<string, any>

describe.each(testDatabases)('escalation verdicts [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  let agent: string
  let lead: string
  beforeAll(async () => {
    ;({ sql, t } = await openSeeded(database))
    agent = await t.keyFor('agent')
    lead = await t.keyFor('lead')
  }, 300_000)
  afterAll(async () => sql?.close())

  const triage = async (body: string) => (await (await t.call('POST', '/v1/triage', { key: agent, json: { body } })).json()) as Json
  const feedback = (id: string, json: unknown) => t.call('POST', `/v1/inquiries/${id}/feedback`, { key: agent, json })
  const examples = () =>
    sql.query<{ labels: Record<string, boolean>; source: string; inquiry_id: string }>(
      'SELECT labels, source, inquiry_id FROM escalation_examples ORDER BY created_at',
    )

  it('escalates an inquiry an agent says needs a lead, and keeps the reasons as an example', async () => {
    const quiet = await triage('Wie entkalke ich die Barista B3?')
    expect(quiet.escalation.escalate).toBe(false)
    const response = await feedback(quiet.inquiryId, {
      usedArticleId: null,
      needsLead: { reasons: ['vulnerable_customer'], note: 'Kundin ist 91 und allein' },
    })
    expect(response.status).toBe(201)
    const result = (await response.json()) as Json
    expect(result).toMatchObject({ escalationId: expect.any(String), escalationExampleAdded: true })
    const escalation = (await (await t.call('GET', `/v1/escalations/${result.escalationId}`, { key: lead })).json()) as Json
    expect(escalation).toMatchObject({ status: 'open', inquiryId: quiet.inquiryId, policyVersion: 1 })
    expect(escalation.reasons).toEqual([
      { code: 'vulnerable_customer', detail: 'test agent (agent) asked for a lead: Kundin ist 91 und allein' },
    ])
    expect(Date.parse(escalation.dueAt) - Date.now()).toBeLessThanOrEqual(4 * 3_600_000) // the policy's 4 h
    const stored = (await (await t.call('GET', `/v1/inquiries/${quiet.inquiryId}`, { key: agent })).json()) as Json
    expect(stored.escalation).toMatchObject({ escalate: true, id: result.escalationId })
    expect(await examples()).toEqual([{ labels: { vulnerable_customer: true }, source: 'agent', inquiry_id: quiet.inquiryId }])
    // Asked again: the same case, no second one.
    const again = (await (
      await feedback(quiet.inquiryId, { usedArticleId: null, needsLead: { reasons: ['vulnerable_customer'] } })
    ).json()) as Json
    expect(again).toMatchObject({ escalationId: result.escalationId, escalationExampleAdded: false })
  })

  it('refuses a reason the policy does not know with 422 at the field, and stores nothing', async () => {
    const plain = await triage('Wo finde ich meine Rechnung?')
    const before = (await examples()).length
    const response = await feedback(plain.inquiryId, { usedArticleId: null, needsLead: { reasons: ['complaint', 'key_account', 'vip'] } })
    expect(response.status).toBe(422)
    expect(((await response.json()) as Json).errors.map((error: Json) => error.field)).toEqual([
      'needsLead.reasons.1',
      'needsLead.reasons.2',
    ])
    expect((await examples()).length).toBe(before)
    const [row] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM inquiry_feedback WHERE inquiry_id = $1', [plain.inquiryId])
    expect(row!.n).toBe(0)
    expect((await feedback(plain.inquiryId, { usedArticleId: null, needsLead: { reasons: [] } })).status).toBe(422)
  })

  it("learns a lead's 'should not have been escalated' and retrains without a restart", async () => {
    const text = 'Die Firma hinter mir hat einen Anwalt, der beim Auszug die Waschmaschine anschließen will. Wie geht das?'
    const first = await triage(text)
    const fired = first.escalation.reasons.map((reason: Json) => reason.code).filter((code: string) => code in first.escalation.scores)
    expect(fired.length, 'the text should fire a text reason for this test to mean anything').toBeGreaterThan(0)
    const id = first.escalation.id as string
    const before = await t.deps.escalation.current(t.deps)
    const resolved = await t.call('POST', `/v1/escalations/${id}/resolve`, {
      key: lead,
      json: { resolution: 'Routine question, answered.', escalationWarranted: false },
    })
    expect(resolved.status).toBe(200)
    expect(((await resolved.json()) as Json).warranted).toBe(false)
    expect((await examples()).at(-1)).toMatchObject({
      source: 'lead',
      labels: Object.fromEntries(fired.map((code: string) => [code, false])),
    })
    await t.deps.escalation.refresh(t.deps, { wait: true })
    const after = await t.deps.escalation.current(t.deps)
    expect(after.model.version).not.toBe(before.model.version)
    for (const code of fired)
      expect(after.model.score(text).get(code)!.probability, code).toBeLessThan(before.model.score(text).get(code)!.probability)
  }, 600_000)
})
