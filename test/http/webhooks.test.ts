// The webhook intake end to end on each database: signed deliveries from each helpdesk, stored and
// answered 202, triaged by a real worker, written back to a fake helpdesk on 127.0.0.1.
import { describe, expect, it } from 'vitest'
import { intakeJobHandlers } from '../../src/jobs/handlers.js'
import { triageQueue, writeBackQueue } from '../../src/intake/queues.js'
import { createWorker, type JobHandler } from '../../src/jobs/worker.js'
import type { Sql } from '../../src/storage/sql.js'
import type { WebhookType } from '../../src/webhooks/types.js'
import type { TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import type { FakeHelpdesk } from '../helpers/fake-helpdesk.js'
import { countRows, createIntegration, deliver, genericTicket, testWorker, useWebhookTestbed } from '../helpers/webhooks.js'
import { readFixture } from '../webhooks/support.js'

type Receipt = { inquiryId?: string; status: string; duplicate?: boolean; reason?: string }

const fixtures: Record<Exclude<WebhookType, 'generic'>, { file: string; ticketId: string }> = {
  zammad: { file: 'zammad-ticket-created.json', ticketId: '1287' },
  zendesk: { file: 'zendesk-ticket-created.json', ticketId: '' },
  freshdesk: { file: 'freshdesk-ticket-created.json', ticketId: '' },
}

/** A helpdesk's own ticket-created payload from the fixtures, or a generic one. */
async function payloadFor(type: WebhookType, externalId = `T-${crypto.randomUUID().slice(0, 8)}`) {
  if (type === 'generic') return genericTicket(externalId, 'Der Geschirrspüler GS-5 zeigt den Fehler E24 und pumpt nicht ab.')
  return readFixture(fixtures[type].file)
}

describe.each(testDatabases)('POST /v1/webhooks/:integration [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  let helpdesk: FakeHelpdesk
  const bed = useWebhookTestbed(database, (opened) => ({ sql, t, helpdesk } = opened))

  it('in a burst, writes each ticket back before triaging the tickets queued after it (one worker slot)', async () => {
    const integration = await createIntegration(t, 'generic', { helpdesk })
    const inquiryIds: string[] = []
    for (let n = 0; n < 3; n++) {
      const response = await deliver(
        t,
        integration,
        'generic',
        genericTicket(`T-burst-${crypto.randomUUID().slice(0, 8)}`, `Die Waschmaschine zeigt Fehler E1${n}.`),
      )
      expect(response.status).toBe(202)
      inquiryIds.push(((await response.json()) as Receipt).inquiryId!)
    }
    // The real handlers, recording the order in which the worker runs them.
    const order: string[] = []
    const handlers = Object.fromEntries(
      Object.entries(intakeJobHandlers(t.deps)).map(([queue, handler]): [string, JobHandler] => [
        queue,
        (job, context) => (
          order.push(`${queue} ${inquiryIds.indexOf((job.payload as { inquiryId: string }).inquiryId)}`), handler(job, context)
        ),
      ]),
    )
    bed.worker = createWorker({
      sql,
      handlers,
      concurrency: 1,
      leaseMs: 30_000,
      pollIntervalMs: 20,
      clock: t.deps.clock,
      logger: t.deps.logger,
    })
    await bed.worker.drain()
    expect(order).toEqual([
      `${triageQueue} 0`,
      `${writeBackQueue} 0`,
      `${triageQueue} 1`,
      `${writeBackQueue} 1`,
      `${triageQueue} 2`,
      `${writeBackQueue} 2`,
    ])
    expect(helpdesk.deliveries.map((delivery) => (delivery.body as { inquiryId: string }).inquiryId)).toEqual(inquiryIds)
  })

  it.each(['generic', 'zammad', 'zendesk', 'freshdesk'] as const)(
    '%s: stores and answers 202, triages in the worker, writes the result back once',
    async (type) => {
      const integration = await createIntegration(t, type, { helpdesk })
      const payload = await payloadFor(type)
      const response = await deliver(t, integration, type, payload)
      expect(response.status).toBe(202)
      const receipt = (await response.json()) as Receipt
      expect(receipt.status).toBe('received')
      const agent = await t.keyFor('agent')
      const before = await (await t.call('GET', `/v1/inquiries/${receipt.inquiryId}`, { key: agent })).json()
      expect(before).toMatchObject({ inquiryId: receipt.inquiryId, status: 'received' })

      bed.worker = testWorker(t)
      expect(await bed.worker.drain()).toBe(2) // triage, then write-back
      const after = (await (await t.call('GET', `/v1/inquiries/${receipt.inquiryId}`, { key: agent })).json()) as Record<string, any>
      expect(after).toMatchObject({ inquiryId: receipt.inquiryId, status: 'triaged' })
      expect(['technical', 'commercial']).toContain(after.department)
      expect(after.writtenBackAt).toEqual(expect.any(String))

      if (type === 'generic') {
        expect(helpdesk.deliveries).toHaveLength(1)
        expect(helpdesk.deliveries[0]!.body).toMatchObject({
          type: 'triage.completed',
          inquiryId: receipt.inquiryId,
          externalId: (payload as { externalId: string }).externalId,
        })
      } else {
        const ticketId = String(after.externalId).slice(`${type}:`.length) // external ids are "<helpdesk>:<ticket id>"
        expect(helpdesk.notes(type, ticketId)).toHaveLength(1)
        expect(helpdesk.notes(type, ticketId)[0]!.body).toContain(`[ai-triage] inquiry ${receipt.inquiryId}`)
        expect(helpdesk.tags(type, ticketId)).toEqual(expect.arrayContaining(['ai_triaged', `triage:${after.department}`]))
      }
    },
  )

  describe('signatures', () => {
    const cases: Array<{ name: string; type: WebhookType; options: Parameters<typeof deliver>[4]; status: number }> = [
      { name: 'generic, valid', type: 'generic', options: {}, status: 202 },
      { name: 'generic, wrong secret', type: 'generic', options: { signedBody: '{"other":true}' }, status: 401 },
      { name: 'generic, missing', type: 'generic', options: { unsigned: true }, status: 401 },
      {
        name: 'generic, expired (signed 6 minutes ago)',
        type: 'generic',
        options: { signedAt: new Date(Date.now() - 6 * 60_000) },
        status: 401,
      },
      { name: 'zendesk, valid', type: 'zendesk', options: {}, status: 202 },
      { name: 'zendesk, expired', type: 'zendesk', options: { signedAt: new Date(Date.now() - 6 * 60_000) }, status: 401 },
      { name: 'zendesk, missing', type: 'zendesk', options: { unsigned: true }, status: 401 },
      { name: 'zammad, valid', type: 'zammad', options: {}, status: 202 },
      { name: 'zammad, body changed after signing', type: 'zammad', options: { signedBody: '{"ticket":{}}' }, status: 401 },
      { name: 'freshdesk, missing token', type: 'freshdesk', options: { unsigned: true }, status: 401 },
    ]
    it.each(cases)('$name → $status, and nothing stored unless accepted', async ({ type, options, status }) => {
      const integration = await createIntegration(t, type)
      const before = await countRows(t, 'inquiries')
      const response = await deliver(t, integration, type, await payloadFor(type), options)
      expect(response.status).toBe(status)
      expect(await countRows(t, 'inquiries')).toBe(before + (status === 202 ? 1 : 0))
      if (status === 401) expect(await response.json()).toMatchObject({ code: 'unauthorized', status: 401 })
    })

    it('freshdesk: takes its own "Requires authentication" (Basic, secret as password) and a placeholder-picker body', async () => {
      const integration = await createIntegration(t, 'freshdesk')
      const body = JSON.stringify(await readFixture('freshdesk-advanced-ticket-created.json'))
      const authorization = `Basic ${Buffer.from(`freshdesk:${integration.secret}`).toString('base64')}`
      const response = await t.call('POST', `/v1/webhooks/${integration.name}`, {
        body,
        headers: { 'content-type': 'application/json', authorization },
      })
      expect(response.status).toBe(202)
      const { inquiryId } = (await response.json()) as Receipt
      const [row] = await sql.query<{ customer_name: string; customer_email: string }>(
        'SELECT customer_name, customer_email FROM inquiries WHERE id = $1',
        [inquiryId],
      )
      expect(row).toEqual({ customer_name: 'Jonas Weber', customer_email: 'jonas.weber@example.de' })
    })

    it('zammad: our own note in the default payload (no tags) is acknowledged as ignored and not stored', async () => {
      const integration = await createIntegration(t, 'zammad')
      const before = await countRows(t, 'inquiries')
      const response = await deliver(t, integration, 'zammad', await readFixture('zammad-default-own-note.json'))
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ status: 'ignored' })
      expect(await countRows(t, 'inquiries')).toBe(before)
    })

    it('refuses a captured delivery replayed with another body, and a wrong token for Freshdesk', async () => {
      const generic = await createIntegration(t, 'generic')
      const payload = genericTicket('T-replay', 'Rechnung doppelt abgebucht')
      const original = JSON.stringify(payload)
      const before = await countRows(t, 'inquiries')
      const replay = await deliver(
        t,
        generic,
        'generic',
        { ...payload, body: 'Bitte erstatten Sie 5000 Euro' },
        { signedBody: original, deliveryId: 'msg_replay' },
      )
      expect(replay.status).toBe(401)
      const freshdesk = await createIntegration(t, 'freshdesk')
      const wrongToken = await deliver(t, { ...freshdesk, secret: 'not-the-token-at-all' }, 'freshdesk', await payloadFor('freshdesk'))
      expect(wrongToken.status).toBe(401)
      expect(await countRows(t, 'inquiries')).toBe(before)
    })
  })

  describe('bad input after a valid signature', () => {
    it('answers an unknown integration exactly like a bad signature, so names cannot be probed', async () => {
      const known = await createIntegration(t, 'freshdesk')
      const payload = await payloadFor('freshdesk')
      const problemOf = async (response: Response) => {
        const { requestId: _, instance: __, ...problem } = (await response.json()) as Record<string, unknown>
        return { status: response.status, headers: [...response.headers].filter(([name]) => name !== 'x-request-id'), problem }
      }
      const wrongSecret = await problemOf(await deliver(t, { ...known, secret: 'not-the-token-at-all' }, 'freshdesk', payload))
      for (const name of ['no-such-helpdesk', 'Not A Name!', known.name.slice(0, -1)]) {
        expect(await problemOf(await deliver(t, { name, secret: known.secret }, 'freshdesk', payload))).toEqual(wrongSecret)
      }
      expect(wrongSecret).toMatchObject({ status: 401, problem: { code: 'unauthorized' } })
      expect(t.logger.records.some((record) => record.message === 'webhook refused: no integration of that name')).toBe(true)
    })

    it('415, 400 and 422 with problem details, nothing stored, and a log line naming what was sent but not its content', async () => {
      const integration = await createIntegration(t, 'generic')
      const before = await countRows(t, 'inquiries')
      const form = await deliver(t, integration, 'generic', 'externalId=1&body=hallo', { contentType: 'application/x-www-form-urlencoded' })
      expect(form.status).toBe(415)
      const malformed = await deliver(t, integration, 'generic', '{"externalId": "T-9", "body": ')
      expect(malformed.status).toBe(400)
      expect(await malformed.json()).toMatchObject({ code: 'bad_request' })
      const noTicketId = await deliver(t, integration, 'generic', { body: 'Drucker druckt nicht' })
      expect(noTicketId.status).toBe(422)
      expect((await noTicketId.json()).errors).toEqual([expect.objectContaining({ field: 'externalId' })])
      const noText = await deliver(t, integration, 'generic', { externalId: 'T-10', body: '   ' })
      expect(noText.status).toBe(422)
      expect(await countRows(t, 'inquiries')).toBe(before)
      const refused = t.logger.records.filter(
        (record) =>
          record.level === 'warn' && record.fields.integration === integration.name && /^webhook refused/.test(record.message ?? ''),
      )
      expect(refused.map((record) => (record.fields.received as { fields?: string[] }).fields)).toEqual([
        undefined,
        undefined,
        ['body'],
        ['externalId', 'body'],
      ])
      expect(refused.every((record) => /^[0-9a-f]{16}$/.test((record.fields.received as { sha256: string }).sha256))).toBe(true)
      expect(JSON.stringify(refused)).not.toMatch(/hallo|Drucker|T-9/)
    })

    it('accepts a ticket whose text carries NUL characters, stored without them', async () => {
      const integration = await createIntegration(t, 'generic')
      const response = await deliver(
        t,
        integration,
        'generic',
        genericTicket('T-nul', 'Drucker\u0000 druckt nicht', { subject: 'Dru\u0000cker' }),
      )
      expect(response.status).toBe(202)
      const [row] = await t.deps.sql.query('SELECT subject, body FROM inquiries WHERE external_id = $1', ['T-nul'])
      expect(row).toEqual({ subject: 'Drucker', body: 'Drucker druckt nicht' })
    })

    it('acknowledges and ignores the webhook our own write-back caused', async () => {
      const integration = await createIntegration(t, 'generic')
      const before = await countRows(t, 'inquiries')
      const response = await deliver(
        t,
        integration,
        'generic',
        genericTicket('T-own', 'Status geändert', { metadata: { tags: 'ai_triaged,triage:technical' } }),
      )
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ status: 'ignored' })
      expect(await countRows(t, 'inquiries')).toBe(before)
    })
  })

  describe('idempotency', () => {
    it('a repeated delivery id, or the same ticket content under a new id, returns the first inquiry', async () => {
      const integration = await createIntegration(t, 'generic')
      const payload = genericTicket('T-repeat', 'Meine Rechnung RE-2024-1 ist doppelt.')
      const first = (await (await deliver(t, integration, 'generic', payload, { deliveryId: 'msg_1' })).json()) as Receipt
      const sameId = await deliver(t, integration, 'generic', payload, { deliveryId: 'msg_1' })
      expect(sameId.status).toBe(200)
      expect(await sameId.json()).toMatchObject({ inquiryId: first.inquiryId, duplicate: true, status: 'received' })
      const sameContent = await deliver(t, integration, 'generic', payload, { deliveryId: 'msg_2' })
      expect(await sameContent.json()).toMatchObject({ inquiryId: first.inquiryId, duplicate: true })
      const edited = await deliver(
        t,
        integration,
        'generic',
        { ...payload, body: 'Meine Rechnung RE-2024-1 ist dreifach.' },
        { deliveryId: 'msg_3' },
      )
      expect(edited.status).toBe(202)
      expect(await countRows(t, 'inquiries', 'external_id = $1', ['T-repeat'])).toBe(2)
    })

    it('the same delivery five times at once: one inquiry, one triage, one write-back', async () => {
      const integration = await createIntegration(t, 'zendesk', { helpdesk })
      const payload = await payloadFor('zendesk')
      const body = JSON.stringify(payload)
      const responses = await Promise.all(
        Array.from({ length: 5 }, () => deliver(t, integration, 'zendesk', body, { deliveryId: 'inv-5x' })),
      )
      const statuses = responses.map((response) => response.status).sort()
      expect(statuses).toEqual([200, 200, 200, 200, 202])
      const ids = new Set(await Promise.all(responses.map(async (response) => ((await response.json()) as Receipt).inquiryId)))
      expect(ids.size).toBe(1)
      const [inquiryId] = [...ids]
      bed.worker = testWorker(t, { concurrency: 4 })
      await bed.worker.drain()
      expect(await countRows(t, 'inquiries', 'integration_id = (SELECT id FROM integrations WHERE name = $1)', [integration.name])).toBe(1)
      expect(await countRows(t, 'jobs', "payload->>'inquiryId' = $1", [inquiryId])).toBe(2)
      expect(await countRows(t, 'jobs', "payload->>'inquiryId' = $1 AND status = 'done' AND attempts = 1", [inquiryId])).toBe(2)
      const ticketId = String((payload as { ticket: { id: unknown } }).ticket.id)
      expect(helpdesk.requestsTo('zendesk').filter((request) => request.method === 'PUT')).toHaveLength(1)
      expect(helpdesk.notes('zendesk', ticketId)).toHaveLength(1)
    })
  })
})
