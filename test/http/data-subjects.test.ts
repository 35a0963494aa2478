// Erasure (DSGVO Art. 17) and access (Art. 15), on each database, through the HTTP API: one customer's
// whole life in the service (triage, correction, a lead asked for, resolved into a knowledge-base
// article, a helpdesk webhook, the account directory), then every table searched for her traces.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { intakeJobHandlers } from '../../src/jobs/handlers.js'
import { triageQueue } from '../../src/intake/queues.js'
import { createWorker } from '../../src/jobs/worker.js'
import { readEscalationInputs } from '../../src/storage/queries/escalation-examples.js'
import type { Sql } from '../../src/storage/sql.js'
import type { TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { findTraces } from '../helpers/personal-data-scan.js'
import { openSeeded } from '../helpers/seed.js'
import { createIntegration, deliver } from '../helpers/webhooks.js'

type Json = Record<string, any>

// Fixed texts (no random parts): the escalation models they train are cached by content between runs.
const hildegard = {
  name: 'Hildegard Quastenberg',
  email: 'Hildegard.Quastenberg@example.de',
  customerId: 'KD-QST-4711',
  needles: ['quastenberg', 'KD-QST-4711', 'Zitronenfalter'],
  street: 'Zitronenfalterweg 3',
  subject: 'Rechnung falsch – Quastenberg, letzte Warnung',
  body: 'Ich bin Hildegard Quastenberg, Zitronenfalterweg 3. Zum dritten Mal ist Ihre Rechnung falsch! Wenn das nicht sofort korrigiert wird, schalte ich meinen Anwalt und die Verbraucherzentrale ein!!!',
}
const bertram = {
  name: 'Herr Bertram Wollnitz', // with the title, so the suggested replies' salutation carries his name into the stored result
  email: 'bertram.wollnitz@example.com',
  customerId: 'KD-WOL-0815',
  needles: ['wollnitz', 'KD-WOL-0815', 'Kaiserkrone'],
  street: 'Kaiserkronenstraße 8',
  subject: 'Wollnitz: Rechnung doppelt, ich klage',
  body: 'Hier Bertram Wollnitz aus der Kaiserkronenstraße. Sie haben meine Rechnung doppelt abgebucht! Ich schalte meinen Anwalt ein, wenn das Geld nicht sofort zurück ist!!!',
}
type Person = typeof hildegard

describe.each(testDatabases)('data subjects [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  const call = async (role: 'agent' | 'lead' | 'admin', method: string, path: string, json?: unknown) => {
    const response = await t.call(method, path, { key: await t.keyFor(role), ...(json !== undefined ? { json } : {}) })
    return { status: response.status, body: (await response.json()) as Json }
  }
  const classifierVersion = async () =>
    (await call('agent', 'POST', '/v1/triage', { body: 'Wie entkalke ich die Kaffeemaschine?' })).body.versions.classifier as string

  beforeAll(async () => {
    // A lead notification is queued (not sent) for each escalation: its payload carries the subject.
    ;({ sql, t } = await openSeeded(database, { env: { LEAD_NOTIFY_WEBHOOK_URL: 'https://chat.example/hook' } }))
  }, 300_000)
  afterAll(async () => sql?.close())

  /** Triage, a correction, a lead asked for, the case resolved into a published article. */
  async function lifecycle(person: Person, options: { verdicts: boolean; publish?: boolean }) {
    const customer = { id: person.customerId, name: person.name, email: person.email }
    const triaged = (await call('agent', 'POST', '/v1/triage', { subject: person.subject, body: person.body, customer })).body
    expect(triaged.escalation.escalate, 'the text must escalate for the test to mean anything').toBe(true)
    const other = triaged.department === 'technical' ? 'commercial' : 'technical'
    const feedback = {
      usedArticleId: null,
      rating: 2,
      correctDepartment: other,
      comment: `Mit ${person.name} telefoniert.`,
      ...(options.verdicts ? { needsLead: { reasons: ['vulnerable_customer'], note: `${person.name} ist 91` } } : {}),
    }
    expect((await call('agent', 'POST', `/v1/inquiries/${triaged.inquiryId}/feedback`, feedback)).status).toBe(201)
    const escalationId = triaged.escalation.id as string
    expect((await call('lead', 'POST', `/v1/escalations/${escalationId}/claim`)).status).toBe(200)
    const resolved = await call('lead', 'POST', `/v1/escalations/${escalationId}/resolve`, {
      resolution: `${person.name} zurückgerufen, Gutschrift erteilt.`,
      finalDepartment: other,
      // The draft drops her name and salutation; what it cannot recognise (a street, a title the lead
      // chose) stays, and erasure must still find the article by the inquiry it came from.
      reply: `Sehr geehrte(r) ${person.name}, die Rechnung an ${person.street} ist korrigiert.`,
      addToKnowledgeBase: true,
      articleTitle: person.subject,
      ...(options.verdicts ? { escalationWarranted: true } : {}),
    })
    expect(resolved.status).toBe(200)
    if (options.publish !== false)
      expect((await call('lead', 'POST', `/v1/kb/articles/${resolved.body.kbArticleId}/publish`)).status).toBe(200)
    return { inquiryId: triaged.inquiryId as string, escalationId, articleId: resolved.body.kbArticleId as string }
  }

  /** The same person writes through a helpdesk; the worker triages the ticket. */
  async function viaWebhook(person: Person, externalId: string) {
    const integration = await createIntegration(t, 'generic')
    const ticket = {
      externalId,
      subject: `Nachtrag von ${person.name}`,
      body: person.body,
      customer: { id: person.customerId, name: person.name, email: person.email },
    }
    expect((await deliver(t, integration, 'generic', ticket)).status).toBe(202)
    const worker = createWorker({
      sql,
      handlers: intakeJobHandlers(t.deps),
      queues: [triageQueue],
      concurrency: 1,
      leaseMs: 30_000,
      pollIntervalMs: 20,
      clock: t.deps.clock,
      logger: t.logger,
    })
    expect(await worker.drain()).toBe(1)
  }

  it("erases one customer's every trace, keeps another's, pseudonymises the audit log and retrains without her examples", async () => {
    const second = await lifecycle(bertram, { verdicts: false })
    const classifierBefore = await classifierVersion()
    const first = await lifecycle(hildegard, { verdicts: true })
    await viaWebhook(hildegard, 'T-QST-1')
    expect(
      (
        await call('lead', 'POST', '/v1/accounts', {
          accounts: [{ externalId: 'CRM-QST', name: 'Familienbetrieb', tier: 'premium', emails: [hildegard.email, bertram.email] }],
        })
      ).status,
    ).toBe(200)
    expect(await classifierVersion()).not.toBe(classifierBefore) // her correction was learned
    const verdictsStamp = (await readEscalationInputs(sql)).examplesStamp

    const hers = await findTraces(sql, hildegard.needles)
    // The scan must see her in every kind of place before the erasure, or "nothing left" would mean nothing.
    for (const column of [
      'inquiries.body',
      'inquiries.customer_email',
      'inquiries.result',
      'escalations.resolution',
      'escalations.reply',
      'inquiry_feedback.comment',
      'training_examples.text',
      'escalation_examples.text',
      'kb_articles.title',
      'kb_articles.body',
      'kb_chunks.content',
      'audit_log.after',
      'jobs.payload',
      'accounts.emails',
    ]) {
      expect(hers, column).toHaveProperty([column])
    }
    const his = await findTraces(sql, bertram.needles)

    const erased = await call('admin', 'POST', '/v1/data-subjects/erase', { email: hildegard.email.toUpperCase() })
    expect(erased.status).toBe(200)
    expect(erased.body.erased).toMatchObject({
      inquiries: 2,
      feedback: 1,
      trainingExamples: 1,
      trainingExampleVectors: 1,
      escalationExamples: 2,
      knowledgeBaseArticles: 1,
      accountEmails: 1,
    })
    expect(erased.body.erased.escalations).toBeGreaterThanOrEqual(1)
    expect(erased.body.erased.jobs).toBeGreaterThanOrEqual(3) // the webhook's triage and write-back jobs, the lead notices
    expect(erased.body.erased.webhookDeliveries).toBeGreaterThanOrEqual(1)
    expect(erased.body.pseudonymised.auditEntries).toBeGreaterThanOrEqual(4) // feedback, claim, resolve, publish
    expect(erased.body.retraining).toEqual({ departmentClassifier: true, escalationDetector: true })

    expect(await findTraces(sql, hildegard.needles)).toEqual({})
    // His own records are untouched; only copies of his article in her (erased) inquiries' suggestions went with them.
    const hisAfter = await findTraces(sql, bertram.needles)
    expect({ ...hisAfter, 'inquiries.result': 0 }).toEqual({ ...his, 'inquiries.result': 0 })
    expect(hisAfter['inquiries.result']).toBeGreaterThanOrEqual(1)
    expect((await call('agent', 'GET', `/v1/inquiries/${first.inquiryId}`)).status).toBe(404)
    expect((await call('agent', 'GET', `/v1/inquiries/${second.inquiryId}`)).status).toBe(200)

    // The audit entries stay, without her words; the erasure itself is audited by ids and counts.
    const audit = (await call('admin', 'GET', `/v1/audit?entityType=escalation&entityId=${first.escalationId}`)).body.items as Json[]
    expect(audit.map((entry) => entry.action).sort()).toEqual(['claim', 'resolve'])
    expect(audit.find((entry) => entry.action === 'resolve')!.after).toMatchObject({
      status: 'resolved',
      resolution: '[erased]',
      reply: '[erased]',
      finalDepartment: expect.any(String),
    })
    const [erasure] = (await call('admin', 'GET', '/v1/audit?entityType=data_subject')).body.items as Json[]
    expect(erasure).toMatchObject({
      action: 'erase',
      entityId: erased.body.erasureId,
      actor: { role: 'admin' },
      after: { erased: erased.body.erased },
    })
    expect(erasure!.after.inquiryIds).toContain(first.inquiryId)

    // Models trained on her examples: the classifier is back to its version from before her; the
    // detector's verdicts changed (it retrains on that; the learning itself is escalation-verdicts.test.ts).
    expect(await classifierVersion()).toBe(classifierBefore)
    expect((await readEscalationInputs(sql)).examplesStamp).not.toBe(verdictsStamp)
    expect(await sql.query("SELECT 1 FROM model_artifacts WHERE kind = 'escalation'")).toEqual([])

    // Erasing her again finds nothing, and says so.
    const again = await call('admin', 'POST', '/v1/data-subjects/erase', { customerId: hildegard.customerId })
    expect(again.status).toBe(200)
    expect(Object.values(again.body.erased).every((count) => count === 0)).toBe(true)

    // His published answer was suggested to someone else; erasing him takes that copy out too.
    const someoneElse = (
      await call('agent', 'POST', '/v1/triage', {
        subject: 'Rechnung doppelt',
        body: 'Sie haben meine Rechnung doppelt abgebucht, bitte korrigieren.',
      })
    ).body
    expect(
      someoneElse.suggestions.map((suggestion: Json) => suggestion.articleId),
      'his article must be suggested for this to mean anything',
    ).toContain(second.articleId)
    const his2 = await call('admin', 'POST', '/v1/data-subjects/erase', { customerId: bertram.customerId })
    expect(his2.body.erased).toMatchObject({ inquiries: 1, knowledgeBaseArticles: 1 })
    expect(his2.body.erased.suggestionCopies).toBeGreaterThanOrEqual(1)
    expect(await findTraces(sql, bertram.needles)).toEqual({ 'accounts.emails': 1 }) // erased by id: the directory address stays
    const kept = (await call('agent', 'GET', `/v1/inquiries/${someoneElse.inquiryId}`)).body
    expect(kept.suggestions.map((suggestion: Json) => suggestion.articleId)).not.toContain(second.articleId)
  }, 600_000)

  it("exports everything about one person, kind by kind, and nothing of anyone else's", async () => {
    const person = { ...hildegard, email: 'export.quastenberg@example.de', customerId: 'KD-QST-EXPORT' }
    const ids = await lifecycle(person, { verdicts: false, publish: false })
    // Unpublished: a published answer is company knowledge and suggested to everyone (the lead who publishes removes names).
    await lifecycle({ ...bertram, email: 'export.wollnitz@example.com', customerId: 'KD-WOL-EXPORT' }, { verdicts: false, publish: false })
    const exported = await call('admin', 'GET', `/v1/data-subjects/export?email=${encodeURIComponent(person.email.toUpperCase())}`)
    expect(exported.status).toBe(200)
    const data = exported.body
    expect(data.inquiries.map((row: Json) => row.id)).toEqual([ids.inquiryId])
    expect(data.inquiries[0]).toMatchObject({ body: person.body, customerName: person.name, customerEmail: person.email })
    expect(data.escalations.map((row: Json) => row.id)).toEqual([ids.escalationId])
    expect(data.knowledgeBaseArticles.map((row: Json) => row.id)).toEqual([ids.articleId])
    for (const kind of ['feedback', 'trainingExamples', 'jobs', 'auditEntries']) expect(data[kind].length, kind).toBeGreaterThan(0)
    expect(JSON.stringify(data).toLowerCase()).not.toContain('wollnitz')
    const byId = await call('admin', 'GET', `/v1/data-subjects/export?customerId=${person.customerId}`)
    expect(byId.body.inquiries.map((row: Json) => row.id)).toEqual([ids.inquiryId])
    const [audited] = (await call('admin', 'GET', '/v1/audit?entityType=data_subject')).body.items as Json[]
    expect(audited).toMatchObject({ action: 'export', after: { inquiryIds: [ids.inquiryId] } })
    expect(JSON.stringify(audited)).not.toContain(person.email)
  }, 300_000)

  it('DELETE /v1/inquiries/{id} erases one inquiry and what came from it, and answers 404 for an unknown one', async () => {
    const customer = { email: 'zwei.anfragen@example.de' }
    const one = (await call('agent', 'POST', '/v1/triage', { body: 'Der Drucker LX-200 zieht kein Papier ein.', customer })).body
    const two = (await call('agent', 'POST', '/v1/triage', { body: 'Bitte schicken Sie die Rechnung noch einmal.', customer })).body
    expect(
      (await call('agent', 'POST', `/v1/inquiries/${one.inquiryId}/feedback`, { usedArticleId: null, comment: 'Rückruf erledigt.' }))
        .status,
    ).toBe(201)
    expect((await call('agent', 'DELETE', `/v1/inquiries/${one.inquiryId}`)).status).toBe(403)
    const erased = await call('lead', 'DELETE', `/v1/inquiries/${one.inquiryId}`)
    expect(erased.status).toBe(200)
    expect(erased.body.erased).toMatchObject({ inquiries: 1, feedback: 1, accountEmails: 0 })
    expect(erased.body.pseudonymised.auditEntries).toBe(1)
    expect((await call('agent', 'GET', `/v1/inquiries/${one.inquiryId}`)).status).toBe(404)
    expect((await call('agent', 'GET', `/v1/inquiries/${two.inquiryId}`)).status).toBe(200)
    expect((await call('lead', 'DELETE', `/v1/inquiries/${one.inquiryId}`)).status).toBe(404)
    expect((await call('lead', 'DELETE', '/v1/inquiries/not-an-id')).status).toBe(404)
  })

  it('refuses bad input with 422 naming the field, and erases nothing then', async () => {
    const customer = { email: 'bleibt.hier@example.de', id: 'KD-STAYS' }
    const kept = (await call('agent', 'POST', '/v1/triage', { body: 'Mein Router verliert ständig die Verbindung.', customer })).body
    const fields = async (response: Promise<{ status: number; body: Json }>) => {
      const { status, body } = await response
      return { status, fields: (body.errors ?? []).map((error: Json) => error.field).sort() }
    }
    const erase = (json: unknown) => fields(call('admin', 'POST', '/v1/data-subjects/erase', json))
    expect(await erase({})).toEqual({ status: 422, fields: ['customerId', 'email'] })
    expect(await erase({ email: customer.email, customerId: customer.id })).toEqual({ status: 422, fields: ['customerId', 'email'] })
    expect(await erase({ email: 'bleibt.hier(at)example.de' })).toEqual({ status: 422, fields: ['email'] })
    expect(await erase({ email: customer.email, everything: true })).toEqual({ status: 422, fields: ['everything'] })
    expect(await erase({ customerId: '' })).toEqual({ status: 422, fields: ['customerId'] })
    const exporting = (query: string) => fields(call('admin', 'GET', `/v1/data-subjects/export?${query}`))
    expect(await exporting('')).toEqual({ status: 422, fields: ['customerId', 'email'] })
    expect(await exporting(`email=${customer.email}&customerId=${customer.id}`)).toEqual({ status: 422, fields: ['customerId', 'email'] })
    expect(await exporting('email=kein-email')).toEqual({ status: 422, fields: ['email'] })
    expect(await exporting(`email=${customer.email}&name=x`)).toEqual({ status: 422, fields: ['name'] })
    expect((await call('lead', 'POST', '/v1/data-subjects/erase', { email: customer.email })).status).toBe(403)
    expect((await call('agent', 'GET', `/v1/inquiries/${kept.inquiryId}`)).status).toBe(200)
  })
})
