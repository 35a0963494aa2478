// Agents' inquiry list and feedback, the leads' queue and its actions, drafts that become knowledge,
// the audit log, and the leads' notification webhook — on each database, through the HTTP API.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Worker } from '../../src/jobs/worker.js'
import type { Sql } from '../../src/storage/sql.js'
import type { TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { startChatReceiver } from '../helpers/chat-receiver.js'
import { openSeeded } from '../helpers/seed.js'
import { createIntegration, deliver, genericTicket, testWorker } from '../helpers/webhooks.js'

type Json = Record<string, any>

const angryLegal = (n: number) => ({
  subject: `Rechnung falsch – letzte Warnung ${n}`,
  body: `Zum dritten Mal: Ihre Rechnung RE-${n} ist falsch! Wenn das nicht sofort korrigiert wird, schalte ich meinen Anwalt und die Verbraucherzentrale ein!!!`,
  customer: { email: `wut-${n}@example.com` },
})

describe.each(testDatabases)('agents and leads [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  let chat: Awaited<ReturnType<typeof startChatReceiver>>
  let worker: Worker | undefined
  const key = (role: 'agent' | 'lead' | 'admin') => t.keyFor(role)
  const call = async (role: 'agent' | 'lead' | 'admin', method: string, path: string, json?: unknown) => {
    const response = await t.call(method, path, { key: await key(role), ...(json !== undefined ? { json } : {}) })
    return { status: response.status, body: (await response.json()) as Json }
  }
  const triage = async (input: unknown) => (await call('agent', 'POST', '/v1/triage', input)).body

  beforeAll(async () => {
    chat = await startChatReceiver()
    ;({ sql, t } = await openSeeded(database, { env: { LEAD_NOTIFY_WEBHOOK_URL: chat.url } }))
  })
  afterEach(async () => {
    await worker?.stop({ timeoutMs: 5000 })
    worker = undefined
  })
  afterAll(async () => {
    await chat?.close()
    await sql?.close()
  })

  describe('agents', () => {
    it('lists inquiries newest first with filters, search and pages', async () => {
      const first = await triage({ subject: 'Paging-Test Spülmaschine', body: 'Die Spülmaschine GS-5 zeigt E24 und pumpt nicht ab.' })
      const second = await triage({
        subject: 'Paging-Test Rechnung',
        body: 'Bitte senden Sie mir die Rechnung zur Bestellung 4711 noch einmal.',
      })
      const page1 = await call('agent', 'GET', '/v1/inquiries?q=Paging-Test&limit=1')
      expect(page1.status).toBe(200)
      expect(page1.body.items.map((item: Json) => item.inquiryId)).toEqual([second.inquiryId])
      const page2 = await call('agent', 'GET', `/v1/inquiries?q=Paging-Test&limit=1&cursor=${page1.body.nextCursor}`)
      expect(page2.body.items.map((item: Json) => item.inquiryId)).toEqual([first.inquiryId])
      const technical = await call('agent', 'GET', `/v1/inquiries?q=Paging-Test&department=${first.department}`)
      expect(technical.body.items.every((item: Json) => item.department === first.department)).toBe(true)
      const escalated = await call('agent', 'GET', '/v1/inquiries?escalated=true&limit=100')
      expect(escalated.body.items.every((item: Json) => item.escalated === true && item.escalation)).toBe(true)
      expect((await call('agent', 'GET', '/v1/inquiries?escalated=maybe')).status).toBe(422)
      expect((await call('agent', 'GET', '/v1/inquiries?limit=0')).status).toBe(422)
    })

    it('records feedback, checks the used suggestion, and learns a department correction at once', async () => {
      const text = 'Mein Kühlschrank Polar KS-300 hat eine Beule an der Tür seit der Lieferung, ich möchte ihn umtauschen.'
      const result = await triage({ body: text })
      const wrong = result.department
      const right = wrong === 'technical' ? 'commercial' : 'technical'
      const badArticle = await call('agent', 'POST', `/v1/inquiries/${result.inquiryId}/feedback`, {
        usedArticleId: '00000000-0000-4000-8000-000000000000',
      })
      expect(badArticle.status).toBe(422)
      expect(badArticle.body.errors[0].field).toBe('usedArticleId')
      expect(
        (await call('agent', 'POST', '/v1/inquiries/00000000-0000-4000-8000-000000000000/feedback', { usedArticleId: null })).status,
      ).toBe(404)
      expect(
        (await call('agent', 'POST', `/v1/inquiries/${result.inquiryId}/feedback`, { usedArticleId: null, rating: 9 })).body.errors[0]
          .field,
      ).toBe('rating')

      const feedback = await call('agent', 'POST', `/v1/inquiries/${result.inquiryId}/feedback`, {
        usedArticleId: result.suggestions[0]?.articleId ?? null,
        edited: true,
        rating: 2,
        correctDepartment: right,
      })
      expect(feedback.status).toBe(201)
      expect(feedback.body).toMatchObject({ inquiryId: result.inquiryId, exampleAdded: true })
      const again = await triage({ body: `${text} Danke.` })
      expect(again.department).toBe(right)
    })
  })

  describe('leads', () => {
    it('queues escalations by due time; claim, release, reassign and resolve, with 409 for conflicts', async () => {
      const inquiry = await triage(angryLegal(1))
      expect(inquiry.escalation.escalate).toBe(true)
      const id = inquiry.escalation.id as string
      const queue = await call('lead', 'GET', '/v1/escalations?status=open&limit=100')
      const dueTimes = queue.body.items.map((item: Json) => item.dueAt)
      expect(dueTimes).toEqual([...dueTimes].sort())
      const item = queue.body.items.find((entry: Json) => entry.id === id)
      expect(item).toMatchObject({ inquiryId: inquiry.inquiryId, status: 'open', overdue: false })
      expect(item.reasons.map((reason: Json) => reason.code)).toEqual(expect.arrayContaining(['legal_threat']))
      expect(item.inquiry.body).toContain('Anwalt')

      // Two leads claim at once: one wins, the other gets 409.
      const otherLead = await t.call('POST', '/v1/api-keys', { key: await key('admin'), json: { name: 'second lead', role: 'lead' } })
      const second = (await otherLead.json()) as Json
      const claims = await Promise.all([
        t.call('POST', `/v1/escalations/${id}/claim`, { key: await key('lead') }),
        t.call('POST', `/v1/escalations/${id}/claim`, { key: second.key }),
      ])
      expect(claims.map((response) => response.status).sort()).toEqual([200, 409])
      const winner = claims[0]!.status === 200 ? 'first' : 'second'
      const loserKey = winner === 'first' ? second.key : await key('lead')
      expect((await t.call('POST', `/v1/escalations/${id}/release`, { key: loserKey })).status).toBe(409)

      const admin = await call('admin', 'POST', `/v1/escalations/${id}/release`)
      expect(admin.body).toMatchObject({ status: 'open', claimedBy: null })
      const reassigned = await call('lead', 'POST', `/v1/escalations/${id}/reassign`, { toKeyId: second.id })
      expect(reassigned.body).toMatchObject({ status: 'claimed', claimedBy: { keyId: second.id, name: 'second lead' } })
      const agentTarget = await call('lead', 'POST', `/v1/escalations/${id}/reassign`, { toKeyId: await listKeyId(t, 'agent') })
      expect(agentTarget.status).toBe(409) // claimed by the second lead now: not ours to reassign

      const resolved = await t.call('POST', `/v1/escalations/${id}/resolve`, {
        key: second.key,
        json: { resolution: 'Gutschrift erteilt', reply: 'Sehr geehrte Kundin, wir haben die Rechnung korrigiert.' },
      })
      expect(resolved.status).toBe(200)
      expect(await resolved.json()).toMatchObject({ status: 'resolved', resolution: 'Gutschrift erteilt' })
      expect((await t.call('POST', `/v1/escalations/${id}/resolve`, { key: second.key, json: { resolution: 'noch einmal' } })).status).toBe(
        409,
      )
      expect((await call('lead', 'POST', `/v1/escalations/${id}/claim`)).status).toBe(409)
      const open = await call('lead', 'GET', '/v1/escalations?status=open&limit=100')
      expect(open.body.items.some((entry: Json) => entry.id === id)).toBe(false)

      const audit = await call('admin', 'GET', `/v1/audit?entityType=escalation&entityId=${id}`)
      expect(audit.body.items.map((entry: Json) => entry.action).reverse()).toEqual(['claim', 'release', 'reassign', 'resolve'])
      expect(audit.body.items[0]).toMatchObject({
        action: 'resolve',
        actor: { name: 'second lead', role: 'lead' },
        before: { status: 'claimed' },
        after: { status: 'resolved', resolution: 'Gutschrift erteilt' },
      })
      expect((await call('lead', 'GET', '/v1/audit')).status).toBe(403)
    })

    it('422 names the field; unknown cases are 404', async () => {
      const inquiry = await triage(angryLegal(2))
      const id = inquiry.escalation.id as string
      const missing = await call('lead', 'POST', `/v1/escalations/${id}/resolve`, { reply: 'x' })
      expect(missing.status).toBe(422)
      expect(missing.body.errors.map((error: Json) => error.field)).toContain('resolution')
      const noReply = await call('lead', 'POST', `/v1/escalations/${id}/resolve`, { resolution: 'ok', addToKnowledgeBase: true })
      expect(noReply.body.errors.map((error: Json) => error.field)).toEqual(['reply'])
      const onlyCourtesies = await call('lead', 'POST', `/v1/escalations/${id}/resolve`, {
        resolution: 'ok',
        reply: 'Sehr geehrte Frau Kraus,\n\nvielen Dank für Ihre Nachricht.\n\nMit freundlichen Grüßen\nJana Weber',
        addToKnowledgeBase: true,
      })
      expect(onlyCourtesies.status).toBe(422)
      expect(onlyCourtesies.body.errors).toEqual([
        { field: 'reply', message: 'holds nothing but salutation, closing and personal details' },
      ])
      expect((await call('lead', 'GET', `/v1/escalations/${id}`)).body.status).not.toBe('resolved')
      expect((await call('lead', 'POST', `/v1/escalations/${id}/reassign`, { toKeyId: 'lead-1' })).body.errors[0].field).toBe('toKeyId')
      expect((await call('lead', 'POST', '/v1/escalations/00000000-0000-4000-8000-000000000000/claim')).status).toBe(404)
      expect((await call('lead', 'GET', '/v1/escalations/not-a-uuid')).status).toBe(404)
    })

    it("a lead's reply becomes a neutral draft for review; once published, retrieval finds it for a similar inquiry", async () => {
      const question = {
        subject: 'Balkonkraftwerk anmelden',
        body: 'Muss ich das Nordwerk Balkonkraftwerk SolarMini 600 beim Netzbetreiber anmelden? Das ist eine Frechheit, ich rufe meinen Anwalt an!',
        customer: { name: 'Frau Dr. Anna Kraus', email: 'anna.kraus@example.de' },
      }
      const inquiry = await triage(question)
      const id = inquiry.escalation.id as string
      // Written to Frau Kraus: the draft must keep the answer and lose her, the appointment and the signature.
      const reply = [
        'Sehr geehrte Frau Dr. Kraus,',
        '',
        'vielen Dank für Ihre Nachricht.',
        '',
        'das Balkonkraftwerk SolarMini 600 melden Sie im Marktstammdatenregister der Bundesnetzagentur an; eine Anmeldung beim Netzbetreiber ist seit 2024 nicht mehr nötig. Die Anmeldung dauert etwa zehn Minuten.',
        'Wenn Sie möchten, rufen wir Sie am Montag, den 7. Dezember zwischen 8 und 12 Uhr an, Frau Kraus.',
        '',
        'Mit freundlichen Grüßen',
        'Jana Weber',
        'Kundenservice Nordwerk',
      ].join('\n')
      const resolved = await call('lead', 'POST', `/v1/escalations/${id}/resolve`, {
        resolution: 'beantwortet',
        reply,
        addToKnowledgeBase: true,
        articleTitle: 'Balkonkraftwerk SolarMini 600 anmelden',
      })
      expect(resolved.status).toBe(200)
      expect(resolved.body.reply).toBe(reply) // the case keeps what the customer got
      const articleId = resolved.body.kbArticleId as string
      const drafts = await call('agent', 'GET', '/v1/kb/articles?status=draft')
      expect(drafts.body.items.map((article: Json) => article.id)).toContain(articleId)
      const draft = await call('lead', 'GET', `/v1/kb/articles/${articleId}`)
      expect(draft.body.body).toBe(
        'Das Balkonkraftwerk SolarMini 600 melden Sie im Marktstammdatenregister der Bundesnetzagentur an; eine Anmeldung beim Netzbetreiber ist seit 2024 nicht mehr nötig. Die Anmeldung dauert etwa zehn Minuten.\n' +
          'Wenn Sie möchten, rufen wir Sie [Datum] an, [Name].',
      )
      expect(draft.body.body).not.toMatch(/Kraus|Sehr geehrte|Dezember|Montag|Jana|Weber|Grüßen/)
      expect(draft.body.tags).toEqual(['from-escalation', 'needs-review'])
      expect(draft.body.review).toEqual({ removed: { salutation: 1, courtesy: 1, closing: 1, date: 1, name: 1 } })
      const before = await call('agent', 'GET', `/v1/kb/search?q=${encodeURIComponent('SolarMini 600 Marktstammdatenregister anmelden')}`)
      expect(before.body.results.map((hit: Json) => hit.articleId)).not.toContain(articleId)

      expect((await call('agent', 'POST', `/v1/kb/articles/${articleId}/publish`)).status).toBe(403)
      const published = await call('lead', 'POST', `/v1/kb/articles/${articleId}/publish`)
      expect(published.body).toMatchObject({ id: articleId, status: 'published', tags: ['from-escalation'] })
      expect(published.body.chunks).toBeGreaterThan(0)
      expect((await call('lead', 'POST', `/v1/kb/articles/${articleId}/publish`)).status).toBe(409)
      const similar = await triage({ body: 'Wie melde ich mein SolarMini 600 Balkonkraftwerk an?' })
      expect(similar.suggestions.map((suggestion: Json) => suggestion.articleId)).toContain(articleId)
    })

    it('titles the draft after the inquiry when the lead gives no title, cut to 300 characters', async () => {
      // A subject may run to 1 000 characters; an article title to 500. Before, this answered 422 about the reply.
      const subject = `Anwalt eingeschaltet wegen ${'Rechnungsfehler '.repeat(60)}`.trim()
      const inquiry = await triage({ subject, body: 'Ich habe meinen Anwalt eingeschaltet. Die Rechnung ist falsch!' })
      const resolved = await call('lead', 'POST', `/v1/escalations/${inquiry.escalation.id as string}/resolve`, {
        resolution: 'erledigt',
        reply: 'Wir haben die Rechnung korrigiert und Ihnen eine Gutschrift geschickt.',
        addToKnowledgeBase: true,
      })
      expect(resolved.status).toBe(200)
      const [article] = await sql.query<{ title: string }>('SELECT title FROM kb_articles WHERE id = $1', [resolved.body.kbArticleId])
      expect(article!.title.length).toBeLessThanOrEqual(300)
      expect(article!.title).toMatch(/^Anwalt eingeschaltet wegen Rechnungsfehler .*Rechnungsfehler…$/)
    })

    it('marks overdue cases and lists only them with overdue=true', async () => {
      const inquiry = await triage(angryLegal(3))
      const id = inquiry.escalation.id as string
      const later = new Date(Date.parse(inquiry.escalation.dueAt) + 60_000)
      const realNow = t.deps.clock.now
      t.deps.clock.now = () => later
      try {
        const overdue = await call('lead', 'GET', '/v1/escalations?overdue=true&limit=100')
        expect(overdue.body.items.find((entry: Json) => entry.id === id)).toMatchObject({ overdue: true })
        expect(overdue.body.items.every((entry: Json) => entry.overdue)).toBe(true)
        const inquiries = await call('agent', 'GET', '/v1/inquiries?escalated=true&limit=100')
        expect(inquiries.body.items.find((entry: Json) => entry.inquiryId === inquiry.inquiryId).escalation.overdue).toBe(true)
      } finally {
        t.deps.clock.now = realNow
      }
    })

    it("tells the leads' chat webhook about each escalation, retrying failures without holding up triage", async () => {
      chat.failNext(2)
      const inquiry = await triage(angryLegal(4))
      expect(inquiry.escalation?.escalate, JSON.stringify(inquiry)).toBe(true)
      worker = testWorker(t)
      const deadline = Date.now() + 60_000
      while (!chat.messages.some((message) => message.escalation?.escalationId === inquiry.escalation.id) && Date.now() < deadline) {
        await worker.drain()
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const received = chat.messages.filter((message) => message.escalation?.escalationId === inquiry.escalation.id)
      expect(received).toHaveLength(1)
      expect(received[0]!.text).toMatch(/legal_threat/)
      const calm = await triage({ body: 'Wie entkalke ich meine Kaffeemaschine?' })
      expect(calm.escalation.escalate).toBe(false)
      await worker.drain()
      expect(chat.messages.some((message) => message.escalation?.inquiryId === calm.inquiryId)).toBe(false)
    })

    it("tells the leads' chat about an escalating webhook inquiry once its triage job has run", async () => {
      const integration = await createIntegration(t, 'generic')
      const externalId = `lead-notice-${crypto.randomUUID().slice(0, 8)}`
      const { subject, body } = angryLegal(5)
      expect((await deliver(t, integration, 'generic', genericTicket(externalId, body, { subject }))).status).toBe(202)
      worker = testWorker(t)
      const fromTicket = () => chat.messages.filter((message) => message.escalation?.externalId === externalId)
      const deadline = Date.now() + 60_000
      while (fromTicket().length === 0 && Date.now() < deadline) {
        await worker.drain()
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect(fromTicket()).toHaveLength(1)
      expect(fromTicket()[0]!.text).toMatch(/legal_threat/)
    })
  })
})

async function listKeyId(t: TestApp, role: 'agent'): Promise<string> {
  await t.keyFor(role)
  const keys = (await (await t.call('GET', '/v1/api-keys', { key: await t.keyFor('admin') })).json()) as {
    items: Array<{ id: string; role: string }>
  }
  return keys.items.find((item) => item.role === role)!.id
}
