import { afterEach, describe, expect, it } from 'vitest'
import { createApiKey } from '../../src/auth/api-keys.js'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

type Json = Record<string, any>
// Wednesday 9 December 2026, 11:00 in Berlin: the default range is 12 November to 9 December (28 days),
// its halves meet on 26 November at 00:00 local time.
const now = new Date('2026-12-09T10:00:00Z')
const suggestion = { articleId: '11111111-1111-4111-8111-111111111111', title: 'Rechnung', score: 0.5, snippet: '', reply: '' }

describe.each(testDatabases)('knowledge gaps and training needs [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  afterEach(async () => sql?.close())

  const inquiry = async (fields: {
    at: string
    body: string
    subject?: string
    language?: string
    department?: 'technical' | 'commercial'
    noKnowledge?: boolean
    customer?: { id?: string; name?: string; email?: string }
  }) => {
    const result = { noKnowledge: fields.noKnowledge ?? false, suggestions: fields.noKnowledge ? [] : [suggestion] }
    const [row] = await sql.query<{ id: string }>(
      `INSERT INTO inquiries (subject, body, language, department, confidence, escalated, result, created_at, customer_id, customer_name, customer_email)
       VALUES ($1, $2, $3, $4, 0.9, false, $5, $6, $7, $8, $9) RETURNING id`,
      [
        fields.subject ?? null,
        fields.body,
        fields.language ?? 'de',
        fields.department ?? 'technical',
        JSON.stringify(result),
        fields.at,
        fields.customer?.id ?? null,
        fields.customer?.name ?? null,
        fields.customer?.email ?? null,
      ],
    )
    return row!.id
  }
  const feedback = async (inquiryId: string, authorKeyId: string, fields: { used?: boolean; edited?: boolean; correct?: string }) =>
    sql.query(
      `INSERT INTO inquiry_feedback (inquiry_id, used_article_id, edited, correct_department, author_key_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [inquiryId, fields.used ? suggestion.articleId : null, fields.edited ?? null, fields.correct ?? null, authorKeyId, now],
    )
  const escalation = async (inquiryId: string, fields: { at: string; resolvedAt?: string }) => {
    const [row] = await sql.query<{ id: string }>(
      `INSERT INTO escalations (inquiry_id, status, department, score, reasons, due_at, created_at, resolved_at)
       VALUES ($1, $2, 'technical', 0.7, '[]', $3, $3, $4) RETURNING id`,
      [inquiryId, fields.resolvedAt ? 'resolved' : 'open', fields.at, fields.resolvedAt ?? null],
    )
    return row!.id
  }

  /** Two gap topics (router password, technical; double charge, commercial) and the training signals. */
  async function seed() {
    const agent = await createApiKey(t.deps, { name: 'Agent Anke', role: 'agent' })
    const router = [
      await inquiry({ at: '2026-11-15T09:00:00Z', body: 'Wie setze ich das WLAN-Passwort am Router zurück?', noKnowledge: true }),
      await inquiry({
        at: '2026-12-01T09:00:00Z',
        body: 'Hier schreibt Anna Kraus (anna.kraus@example.com): Ich habe das Passwort für den Router vergessen, wie kann ich es zurücksetzen?',
        noKnowledge: true,
        customer: { name: 'Anna Kraus', email: 'anna.kraus@example.com' },
      }),
      await inquiry({ at: '2026-12-03T09:00:00Z', body: 'Router Passwort zurücksetzen geht nicht, bitte um Hilfe', noKnowledge: true }),
      await inquiry({
        at: '2026-12-08T09:00:00Z',
        body: 'Router-Passwort vergessen. Zurücksetzen auf Werkseinstellungen?',
        noKnowledge: true,
      }),
    ]
    const charge = [
      await inquiry({
        at: '2026-11-20T09:00:00Z',
        body: 'My invoice shows a double charge for March.',
        language: 'en',
        department: 'commercial',
      }),
      await inquiry({
        at: '2026-11-21T09:00:00Z',
        body: 'Double charge on my invoice, please refund it.',
        language: 'en',
        department: 'commercial',
      }),
      await inquiry({
        at: '2026-12-02T09:00:00Z',
        body: 'Invoice double charge: when is it refunded?',
        language: 'en',
        department: 'commercial',
        noKnowledge: true,
      }),
    ]
    for (const id of charge.slice(0, 2)) await feedback(id, agent.id, { used: false }) // rejected: a gap and a signal
    const answered = await inquiry({ at: '2026-12-04T09:00:00Z', body: 'Wie lange dauert die Lieferung einer Waschmaschine?' })
    await feedback(answered, agent.id, { used: true, edited: true })
    const misrouted = await inquiry({
      at: '2026-12-04T10:00:00Z',
      body: 'Kündigung meines Vertrags zum Monatsende',
      department: 'commercial',
    })
    await feedback(misrouted, agent.id, { used: true, correct: 'technical' })
    await inquiry({ at: '2026-10-01T09:00:00Z', body: 'Router Passwort vergessen', noKnowledge: true }) // before the range
    // A resolved case whose customer was escalated again three days later; the second case was handed back.
    const first = await inquiry({ at: '2026-11-28T09:00:00Z', body: 'Gerät defekt, Display bleibt schwarz', customer: { id: 'C-1' } })
    await escalation(first, { at: '2026-11-28T09:00:00Z', resolvedAt: '2026-11-29T09:00:00Z' })
    const again = await inquiry({ at: '2026-12-02T12:00:00Z', body: 'Display wieder schwarz, Gerät defekt', customer: { id: 'C-1' } })
    const second = await escalation(again, { at: '2026-12-02T12:00:00Z' })
    await sql.query(
      `INSERT INTO audit_log (actor_name, actor_role, action, entity_type, entity_id, created_at) VALUES ('Lea', 'lead', 'release', 'escalation', $1, $2)`,
      [second, now],
    )
    return { agent, router, charge, first, again }
  }

  it('groups unanswered inquiries into topics with counts, trend, examples without personal data and a title', async () => {
    sql = await database.open()
    t = await createTestApp(sql, { clock: { now: () => now } })
    const { router, charge } = await seed()
    const response = await t.call('GET', '/v1/reports/knowledge-gaps', { key: await t.keyFor('lead') })
    expect(response.status).toBe(200)
    const report = (await response.json()) as Json
    expect(report.range).toEqual({ from: '2026-11-12', to: '2026-12-09', timeZone: 'Europe/Berlin', department: null })
    expect(report).toMatchObject({ gapInquiries: 7, analysed: 7, truncated: false, method: { similarity: 0.25 } })
    const [routerTopic, chargeTopic] = report.topics
    expect(report.topics).toHaveLength(2)
    expect(routerTopic).toMatchObject({
      count: 4,
      reasons: { noKnowledge: 4, notUsed: 0 },
      trend: { firstHalf: 1, secondHalf: 3, direction: 'rising' },
      language: 'de',
      languages: [{ language: 'de', count: 4 }],
      departments: [{ department: 'technical', count: 4 }],
    })
    expect(routerTopic.keywords).toEqual(expect.arrayContaining(['Router', 'Passwort']))
    expect(routerTopic.proposedTitle).toMatch(/^Fragen zu .*Router/)
    expect(routerTopic.examples).toHaveLength(3)
    expect(routerTopic.inquiryIds.sort()).toEqual([...router].sort())
    const excerpts = JSON.stringify(routerTopic.examples)
    expect(excerpts).not.toContain('Kraus')
    expect(excerpts).not.toContain('example.com')
    expect(chargeTopic).toMatchObject({ count: 3, reasons: { noKnowledge: 1, notUsed: 2 }, language: 'en', trend: { direction: 'steady' } })
    expect(chargeTopic.proposedTitle).toMatch(/^Questions about .*(invoice|charge|double)/)
    expect(chargeTopic.inquiryIds.sort()).toEqual([...charge].sort())

    const commercial = (await (
      await t.call('GET', '/v1/reports/knowledge-gaps?department=commercial', { key: await t.keyFor('lead') })
    ).json()) as Json
    expect(commercial.gapInquiries).toBe(3)
    const csv = await t.call('GET', '/v1/reports/knowledge-gaps?from=2026-11-01&to=2026-12-09', {
      key: await t.keyFor('admin'),
      headers: { accept: 'text/csv' },
    })
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/)
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="report-knowledge-gaps-2026-11-01-2026-12-09.csv"')
    const lines = (await csv.text()).split('\r\n')
    expect(lines[0]).toMatch(/^topic,proposed_title,keywords,count,/)
    expect(lines).toHaveLength(4) // header, two topics, the empty string after the last CRLF
  })

  it('drafts an article for a topic from its examples, neutralised, tagged and audited; 422 for an unknown inquiry', async () => {
    sql = await database.open()
    t = await createTestApp(sql, { clock: { now: () => now } })
    const { router } = await seed()
    const lead = await t.keyFor('lead')
    const response = await t.call('POST', '/v1/reports/knowledge-gaps/drafts', {
      key: lead,
      json: { title: 'Router-Passwort zurücksetzen', inquiryIds: router.slice(0, 3), department: 'technical' },
    })
    expect(response.status).toBe(201)
    const draft = (await response.json()) as Json
    expect(draft).toMatchObject({
      title: 'Router-Passwort zurücksetzen',
      status: 'draft',
      editUrl: `/ui/kb/articles/${draft.articleId}/edit`,
    })
    const article = (await (await t.call('GET', `/v1/kb/articles/${draft.articleId}`, { key: lead })).json()) as Json
    expect(article).toMatchObject({ status: 'draft', language: 'de', department: 'technical', tags: ['knowledge-gap', 'needs-review'] })
    expect(article.body).toContain('## Beispielfragen')
    expect(article.body).toContain('Wie setze ich das WLAN-Passwort am Router zurück?')
    expect(article.body).not.toContain('Kraus')
    expect(article.body).not.toContain('anna.kraus@example.com')
    expect(article.review.removed).toMatchObject({ name: expect.any(Number), email: 1 })
    const audit = await sql.query<{ action: string; actor_role: string }>('SELECT action, actor_role FROM audit_log WHERE entity_id = $1', [
      draft.articleId,
    ])
    expect(audit).toEqual([{ action: 'draft_from_gap', actor_role: 'lead' }])
    const search = (await (await t.call('GET', '/v1/kb/search?q=Router%20Passwort', { key: lead })).json()) as Json
    expect(search.results.map((hit: Json) => hit.articleId)).not.toContain(draft.articleId) // a draft is not searchable

    const unknown = await t.call('POST', '/v1/reports/knowledge-gaps/drafts', {
      key: lead,
      json: { title: 'Router', inquiryIds: ['00000000-0000-4000-8000-000000000000'] },
    })
    expect(unknown.status).toBe(422)
    expect(((await unknown.json()) as Json).errors[0].field).toBe('inquiryIds')
    const agent = await t.keyFor('agent')
    expect(
      (await t.call('POST', '/v1/reports/knowledge-gaps/drafts', { key: agent, json: { title: 'Router', inquiryIds: router } })).status,
    ).toBe(403)
  })

  it('counts training signals per department and topic, without per-agent figures unless switched on', async () => {
    sql = await database.open()
    t = await createTestApp(sql, { clock: { now: () => now } })
    const { agent, first, again } = await seed()
    const response = await t.call('GET', '/v1/reports/training-needs', { key: await t.keyFor('lead') })
    expect(response.status).toBe(200)
    const report = (await response.json()) as Json
    const [commercial, technical] = report.departments
    expect(commercial).toMatchObject({ department: 'commercial', inquiries: 4, withFeedback: 3, rejected: 2, corrected: 1, edited: 0 })
    expect(commercial.rates).toMatchObject({ rejected: 0.667, corrected: 0.25, reEscalated: null })
    expect(technical).toMatchObject({
      department: 'technical',
      inquiries: 7,
      withFeedback: 1,
      edited: 1,
      escalated: 2,
      handedBack: 1,
      reEscalated: 1,
      rates: { edited: 1, reEscalated: 0.5 },
    })
    expect(report.signalInquiries).toBe(6)
    expect(report.perAgent).toBe(false)
    expect(report).not.toHaveProperty('agents')
    const topicOf = (id: string) => report.topics.find((topic: Json) => topic.examples.some((example: Json) => example.inquiryId === id))
    expect(topicOf(first).examples.find((example: Json) => example.inquiryId === first).signals).toEqual(['reEscalated'])
    expect(topicOf(again).signals.handedBack).toBe(1)
    const csv = await (
      await t.call('GET', '/v1/reports/training-needs', { key: await t.keyFor('lead'), headers: { accept: 'text/csv' } })
    ).text()
    expect(csv).toContain('department,technical,reEscalated,1,\r\n')
    expect(csv).not.toContain('agent,')

    const perAgent = await createTestApp(sql, { clock: { now: () => now }, env: { REPORTS_PER_AGENT: 'true' } })
    const withAgents = (await (
      await perAgent.call('GET', '/v1/reports/training-needs', { key: await perAgent.keyFor('lead') })
    ).json()) as Json
    expect(withAgents.perAgent).toBe(true)
    expect(withAgents.agents).toEqual([{ keyId: agent.id, name: 'Agent Anke', feedback: 4, edited: 1, rejected: 2, corrected: 1 }])
  })

  it('answers 422 naming the field for bad ranges and departments, and 403 to agents', async () => {
    sql = await database.open()
    t = await createTestApp(sql, { clock: { now: () => now } })
    const lead = await t.keyFor('lead')
    const cases: Array<[string, string]> = [
      ['from=2026-12-10&to=2026-12-01', 'from'],
      ['from=2025-01-01&to=2026-12-01', 'from'],
      ['from=2026-02-30', 'from'],
      ['to=yesterday', 'to'],
      ['department=sales', 'department'],
    ]
    for (const path of ['/v1/reports/knowledge-gaps', '/v1/reports/training-needs']) {
      for (const [query, field] of cases) {
        const response = await t.call('GET', `${path}?${query}`, { key: lead })
        expect(response.status, `${path}?${query}`).toBe(422)
        expect(((await response.json()) as Json).errors.map((error: Json) => error.field)).toContain(field)
      }
      expect((await t.call('GET', `${path}?from=2025-12-10&to=2026-12-10`, { key: lead })).status).toBe(200) // 366 days
      expect((await t.call('GET', path, { key: await t.keyFor('agent') })).status).toBe(403)
    }
  })
})
