import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { verifyWebhook, writeBack } from '../../src/helpdesks/index.js'
import { noteMarker, renderNote, sanitizeTag, triageTags } from '../../src/webhooks/write-back/note.js'
import { WriteBackError } from '../../src/webhooks/write-back/types.js'
import { zendeskConflictAttempts } from '../../src/helpdesks/zendesk/write-back.js'
import { startFakeHelpdesk, type FakeHelpdesk, type HelpdeskType } from '../helpers/fake-helpdesk.js'
import { now } from './support.js'
import { helpdeskTarget, loopbackOutbound, secret, triageResult, writeBackRequest } from './write-back-support.js'

const helpdesks: HelpdeskType[] = ['zammad', 'zendesk', 'freshdesk']
const options = { now, timeoutMs: 2000, outbound: loopbackOutbound }
let helpdesk: FakeHelpdesk

beforeAll(async () => {
  helpdesk = await startFakeHelpdesk()
})
afterAll(() => helpdesk.close())
beforeEach(() => helpdesk.reset())

async function failure(promise: Promise<unknown>): Promise<WriteBackError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(WriteBackError)
  return error as WriteBackError
}

describe('the note and the tags', () => {
  it('writes German notes in the formal register, with every reason and suggestion', () => {
    const { text, html } = renderNote('inq-1', triageResult())
    expect(text.split('\n')[0]).toBe(noteMarker('inq-1'))
    expect(text).toContain('Abteilung Technik, Konfidenz 87 %')
    expect(text).toContain('Eskalation: ja (Score 0,90). Bitte bearbeiten Sie diese Anfrage bis 2024-05-14 13:30 UTC.')
    expect(text).toContain('- legal_threat: mentions "Anwalt" <lawyer>')
    expect(text).toContain('1. Router zurücksetzen (Relevanz 0,82)')
    expect(text).toContain('Artikel: https://help.example.com/router-reset (a1b2c3)')
    expect(text).toContain('bitte halten Sie die Reset-Taste 10 Sekunden gedrückt.')
    expect(html.startsWith('<p>[ai-triage] inquiry inq-1</p>')).toBe(true)
    expect(html).toContain('&lt;lawyer&gt;')
    expect(html).not.toContain('<lawyer>')
    expect(html).toContain('Reset-Taste 10 Sekunden gedrückt.<br>Mit freundlichen Grüßen')
  })

  it('says why a pinned safety article comes first instead of its relevance', () => {
    const base = triageResult()
    const pinned = { ...base.suggestions[0]!, title: 'Sicherheitshinweis', score: 0, pinned: 'safety' as const }
    const { text } = renderNote('inq-3', { ...base, suggestions: [pinned, ...base.suggestions] })
    expect(text).toContain('1. Sicherheitshinweis (Sicherheit zuerst: die Kundin oder der Kunde meldet eine Gefahr)')
    expect(text).toContain('2. Router zurücksetzen (Relevanz 0,82)')
    expect(renderNote('inq-3', { ...base, language: 'en', suggestions: [pinned] }).text).toContain(
      '1. Sicherheitshinweis (safety first: the customer reports a hazard)',
    )
  })

  it('falls back to English for other languages and says when no article fits', () => {
    const result = triageResult({
      language: 'fr',
      department: 'commercial',
      suggestions: [],
      noKnowledge: true,
      escalation: { escalate: false, score: 0.35, reasons: [], scores: {}, policyVersion: 1, id: null, dueAt: null },
    })
    const { text } = renderNote('inq-2', result)
    expect(text).toContain('AI triage: department commercial, confidence 87%')
    expect(text).toContain('Escalation: no')
    expect(text).toContain('No matching knowledge-base article')
  })

  it('tags the department, escalation, language and each reason in every helpdesk’s tag rules', () => {
    const result = triageResult({
      language: 'pt',
      escalation: {
        escalate: true,
        score: 1,
        reasons: [
          { code: 'legal_threat', detail: '' },
          { code: 'data_protection_request', detail: '' },
        ],
        scores: {},
        policyVersion: 1,
        id: 'e',
        dueAt: null,
      },
    })
    expect(triageTags(result)).toEqual([
      'ai_triaged',
      'triage:technical',
      'triage:escalated',
      'triage:lang:pt',
      'triage:legal_threat',
      'triage:data_protection_request',
    ])
    expect(sanitizeTag('Triage: Key Account, VIP!')).toBe('triage:_key_account_vip')
    expect(sanitizeTag('x'.repeat(40))).toHaveLength(32)
  })
})

describe('zammad', () => {
  it('adds the tags, then one ticket update with the group and an internal HTML note', async () => {
    const request = writeBackRequest('41')
    const target = helpdeskTarget(helpdesk, 'zammad', { departmentGroups: { technical: '2nd Level' } })
    const report = await writeBack(target, request, options)

    expect(report).toEqual({ type: 'zammad', requests: 1 + triageTags(request.result).length + 1 })
    expect(helpdesk.tags('zammad', '41')).toEqual(triageTags(request.result))
    expect(helpdesk.group('zammad', '41')).toBe('2nd Level')
    const [note] = helpdesk.notes('zammad', '41')
    expect(helpdesk.notes('zammad', '41')).toHaveLength(1)
    expect(note).toMatchObject({ internal: true, contentType: 'text/html' })
    expect(note!.body).toContain(noteMarker(request.inquiryId))
    expect(note!.body).toContain('Bitte bearbeiten Sie diese Anfrage')
    const calls = helpdesk.requestsTo('zammad')
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      'GET /api/v1/ticket_articles/by_ticket/41',
      ...triageTags(request.result).map(() => 'POST /api/v1/tags/add'),
      'PUT /api/v1/tickets/41',
    ])
    expect(calls[1]!.body).toEqual({ object: 'Ticket', o_id: 41, item: 'ai_triaged' })
    expect(calls.at(-1)!.body.article).toMatchObject({ type: 'note', internal: true, content_type: 'text/html' })
    expect(calls.every((call) => call.headers.authorization === `Token token=${helpdesk.tokens.zammad}`)).toBe(true)
  })
})

describe('zendesk', () => {
  it('makes one safe update: existing tags kept, private comment, group id', async () => {
    helpdesk.seedTicket('zendesk', '7', { tags: ['vip'] })
    const request = writeBackRequest('7', { language: 'en' })
    const target = helpdeskTarget(helpdesk, 'zendesk', { departmentGroups: { technical: '360001' } })
    expect(await writeBack(target, request, options)).toEqual({ type: 'zendesk', requests: 3 })

    expect(helpdesk.tags('zendesk', '7')).toEqual(['vip', ...triageTags(request.result)])
    expect(helpdesk.group('zendesk', '7')).toBe('360001')
    const [note] = helpdesk.notes('zendesk', '7')
    expect(note!.internal).toBe(true)
    expect(note!.body).toContain('Escalation: yes (score 0.90). Please act by 2024-05-14 13:30 UTC.')
    const [read, get, put] = helpdesk.requestsTo('zendesk')
    expect(read!.path).toBe('/api/v2/tickets/7/comments.json')
    expect(get!.method).toBe('GET')
    expect(put!.body.ticket).toMatchObject({
      safe_update: true,
      updated_stamp: expect.any(String),
      group_id: 360001,
      comment: { public: false },
    })
    expect(put!.headers.authorization).toBe(`Basic ${Buffer.from(helpdesk.tokens.zendesk).toString('base64')}`)
  })

  it('re-reads and retries when an agent edited the ticket between our read and our write', async () => {
    helpdesk.seedTicket('zendesk', '8', { tags: ['vip'] })
    helpdesk.agentEditAfterRead('zendesk', '8', 1)
    const request = writeBackRequest('8')
    const report = await writeBack(helpdeskTarget(helpdesk, 'zendesk'), request, options)

    expect(report.requests).toBe(5) // comments, GET, PUT 409, GET, PUT
    expect(
      helpdesk
        .requestsTo('zendesk')
        .filter((call) => call.method === 'PUT')
        .map((call) => call.status),
    ).toEqual([409, 200])
    expect(helpdesk.notes('zendesk', '8')).toHaveLength(1)
    expect(helpdesk.tags('zendesk', '8')).toContain('vip')
  })

  it('gives up after a bounded number of conflicts with a retryable 409 and writes nothing', async () => {
    helpdesk.agentEditAfterRead('zendesk', '9', 10)
    const error = await failure(writeBack(helpdeskTarget(helpdesk, 'zendesk'), writeBackRequest('9'), options))
    expect(error).toMatchObject({ permanent: false, status: 409 })
    expect(helpdesk.requestsTo('zendesk').filter((call) => call.method === 'PUT')).toHaveLength(zendeskConflictAttempts)
    expect(helpdesk.notes('zendesk', '9')).toEqual([])
  })

  it('finds its earlier comment on a later page of a long ticket', async () => {
    const request = writeBackRequest('10')
    const later = Array.from({ length: 150 }, (_, index) => `agent reply ${index}`)
    helpdesk.seedTicket('zendesk', '10', { notes: [renderNote(request.inquiryId, request.result).html, ...later] })
    const report = await writeBack(helpdeskTarget(helpdesk, 'zendesk'), request, options)
    expect(report).toEqual({ type: 'zendesk', requests: 2, skipped: 'note already present' })
    expect(helpdesk.notes('zendesk', '10')).toHaveLength(151)
  })
})

describe('freshdesk', () => {
  it('unites the tags, sets the group and adds a private note', async () => {
    helpdesk.seedTicket('freshdesk', '12', { tags: ['Billing'] })
    const request = writeBackRequest('12', { language: 'en', department: 'commercial' })
    const target = helpdeskTarget(helpdesk, 'freshdesk', { departmentGroups: { commercial: '43000' } })
    expect(await writeBack(target, request, options)).toEqual({ type: 'freshdesk', requests: 4 })

    expect(helpdesk.tags('freshdesk', '12')).toEqual(['Billing', ...triageTags(request.result)])
    expect(helpdesk.group('freshdesk', '12')).toBe('43000')
    const notes = helpdesk.notes('freshdesk', '12')
    expect(notes).toHaveLength(1)
    expect(notes[0]!.internal).toBe(true)
    expect(notes[0]!.body).toContain('department commercial')
    const calls = helpdesk.requestsTo('freshdesk')
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      'GET /api/v2/tickets/12/conversations',
      'GET /api/v2/tickets/12',
      'PUT /api/v2/tickets/12',
      'POST /api/v2/tickets/12/notes',
    ])
    expect(calls.at(-1)!.body).toMatchObject({ private: true })
    expect(calls[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`${helpdesk.tokens.freshdesk}:X`).toString('base64')}`)
  })

  it('follows the Link header to find its note among many conversations', async () => {
    const request = writeBackRequest('13')
    const earlier = Array.from({ length: 120 }, (_, index) => `reply ${index}`)
    helpdesk.seedTicket('freshdesk', '13', { notes: [...earlier, renderNote(request.inquiryId, request.result).html] })
    const report = await writeBack(helpdeskTarget(helpdesk, 'freshdesk'), request, options)
    expect(report).toEqual({ type: 'freshdesk', requests: 2, skipped: 'note already present' })
  })
})

describe('generic', () => {
  it('posts the result signed with Standard Webhooks, verifiable by our own intake check', async () => {
    const request = writeBackRequest('SHOP-1')
    const target = { type: 'generic' as const, secret, callbackUrl: helpdesk.callbackUrl }
    expect(await writeBack(target, request, options)).toEqual({ type: 'generic', requests: 1 })

    const [delivery] = helpdesk.deliveries
    const headers = new Headers(delivery!.headers as Record<string, string>)
    const verified = await verifyWebhook('generic', secret, headers, new TextEncoder().encode(delivery!.rawBody), now)
    expect(verified).toEqual({ ok: true, deliveryId: `msg_${request.inquiryId}` })
    expect(delivery!.body).toEqual({ type: 'triage.completed', externalId: 'SHOP-1', inquiryId: request.inquiryId, result: request.result })
  })

  it('repeats a delivery with the same webhook-id, so the receiver can drop the duplicate', async () => {
    const request = writeBackRequest('SHOP-2')
    const target = { type: 'generic' as const, secret, callbackUrl: helpdesk.callbackUrl }
    await writeBack(target, request, options)
    await writeBack(target, request, { ...options, now: new Date(now.getTime() + 60_000) })
    const ids = helpdesk.deliveries.map((delivery) => delivery.headers['webhook-id'])
    expect(ids).toEqual([`msg_${request.inquiryId}`, `msg_${request.inquiryId}`])
  })

  it('fails permanently on a callback URL that is not http(s)', async () => {
    const error = await failure(
      writeBack({ type: 'generic', secret, callbackUrl: 'ftp://example.com/hook' }, writeBackRequest('X'), options),
    )
    expect(error.permanent).toBe(true)
  })

  it('refuses a secret that is not a Standard Webhooks secret, permanently', async () => {
    const error = await failure(
      writeBack({ type: 'generic', secret: 'plain-secret-value', callbackUrl: helpdesk.callbackUrl }, writeBackRequest('X'), options),
    )
    expect(error.permanent).toBe(true)
    expect(error.message).not.toContain('plain-secret-value')
  })
})

describe.each(helpdesks)('%s: exactly once and failures', (type) => {
  it('adds no second note when the same inquiry is written back again', async () => {
    const request = writeBackRequest('100')
    const target = helpdeskTarget(helpdesk, type)
    await writeBack(target, request, options)
    const again = await writeBack(target, request, options)
    expect(again).toMatchObject({ skipped: 'note already present' })
    expect(helpdesk.notes(type, '100')).toHaveLength(1)
  })

  it('adds no note after a crash that left the note in the ticket (the response was lost)', async () => {
    const request = writeBackRequest('101')
    helpdesk.seedTicket(type, '101', { notes: ['customer text', renderNote(request.inquiryId, request.result).html] })
    const report = await writeBack(helpdeskTarget(helpdesk, type), request, options)
    expect(report.skipped).toBe('note already present')
    expect(helpdesk.notes(type, '101')).toHaveLength(2)
    expect(helpdesk.requestsTo(type).every((call) => call.method === 'GET')).toBe(true)
  })

  it('fails permanently on a bad token and names neither token nor secret', async () => {
    const badToken = type === 'zendesk' ? 'agent@example.com/token:wrong-token-value' : 'wrong-token-value'
    const error = await failure(writeBack(helpdeskTarget(helpdesk, type, { apiToken: badToken }), writeBackRequest('102'), options))
    expect(error).toMatchObject({ permanent: true, status: 401 })
    expect(error.message).toContain('401')
    for (const hidden of [badToken, 'wrong-token-value', secret, Buffer.from(`${badToken}:X`).toString('base64')])
      expect(error.message).not.toContain(hidden)
  })

  it('fails permanently when the ticket is gone', async () => {
    helpdesk.removeTicket(type, '103')
    const error = await failure(writeBack(helpdeskTarget(helpdesk, type), writeBackRequest('103'), options))
    expect(error).toMatchObject({ permanent: true, status: 404 })
  })

  it('is retryable on 429 and carries Retry-After', async () => {
    helpdesk.failNext(1, 429, { retryAfterSeconds: 30 })
    const error = await failure(writeBack(helpdeskTarget(helpdesk, type), writeBackRequest('104'), options))
    expect(error).toMatchObject({ permanent: false, status: 429, retryAfterMs: 30_000 })
  })

  it('is retryable on 500, and a later attempt writes exactly one note', async () => {
    const request = writeBackRequest('105')
    helpdesk.failNext(1, 500, { match: { method: type === 'freshdesk' ? 'POST' : 'PUT' } })
    const error = await failure(writeBack(helpdeskTarget(helpdesk, type), request, options))
    expect(error).toMatchObject({ permanent: false, status: 500, retryAfterMs: undefined })
    await writeBack(helpdeskTarget(helpdesk, type), request, options)
    expect(helpdesk.notes(type, '105')).toHaveLength(1)
  })

  it('is retryable while the helpdesk is down (503, then dropped connections)', async () => {
    helpdesk.setDown(true)
    expect(await failure(writeBack(helpdeskTarget(helpdesk, type), writeBackRequest('106'), options))).toMatchObject({
      permanent: false,
      status: 503,
    })
    helpdesk.setDown(true, 'reset')
    const dropped = await failure(writeBack(helpdeskTarget(helpdesk, type), writeBackRequest('106'), options))
    expect(dropped.permanent).toBe(false)
    expect(dropped.message).toContain('network error')
  })

  it('times out a hanging helpdesk as a retryable error', async () => {
    helpdesk.hang(true)
    const started = performance.now()
    const error = await failure(writeBack(helpdeskTarget(helpdesk, type), writeBackRequest('107'), { ...options, timeoutMs: 150 }))
    expect(error.permanent).toBe(false)
    expect(error.message).toContain('timed out after 150 ms')
    expect(performance.now() - started).toBeLessThan(4000)
  }, 5000)

  it('stops when the caller cancels, as a retryable error', async () => {
    helpdesk.hang(true)
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    const error = await failure(
      writeBack(helpdeskTarget(helpdesk, type), writeBackRequest('108'), { ...options, signal: controller.signal }),
    )
    expect(error).toMatchObject({ permanent: false })
    expect(error.message).toContain('cancelled')
  }, 5000)

  it('fails permanently without an API token', async () => {
    const error = await failure(writeBack(helpdeskTarget(helpdesk, type, { apiToken: undefined }), writeBackRequest('109'), options))
    expect(error).toMatchObject({ permanent: true })
    expect(helpdesk.requests).toHaveLength(0)
  })
})
