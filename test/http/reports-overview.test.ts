// GET /v1/reports/overview on each database, against a fixture counted by hand: six inquiries over four
// January days in Berlin (UTC+1, no DST change), one day empty, inquiries just outside the range on both
// sides, three escalations (met, missed, pending) and feedback of each kind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

type Json = Record<string, any>
const now = new Date('2026-01-20T12:00:00Z') // Tuesday 20 January, 13:00 in Berlin

interface Arrival {
  department: 'technical' | 'commercial'
  language: string
  channel: string | null
  escalated?: boolean
  /** Reason codes the triage result lists; `assessed`: the complaint signal was scored at all. */
  reasons?: string[]
  assessed?: boolean
  status?: 'triaged' | 'received'
}

describe.each(testDatabases)('GET /v1/reports/overview [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  let lead: string
  const articleId = '00000000-0000-4000-8000-0000000000aa'

  const arrive = async (at: string, arrival: Arrival): Promise<string> => {
    const reasons = (arrival.reasons ?? []).map((code) => ({ code, detail: '' }))
    const result = arrival.assessed ? { escalation: { reasons, scores: { complaint: reasons.length ? 0.8 : 0.1 } } } : {}
    const [row] = await sql.query<{ id: string }>(
      `INSERT INTO inquiries (body, language, channel, department, confidence, escalated, result, status, created_at)
       VALUES ('Frage', $1, $2, $3, 0.9, $4, $5::jsonb, $6, $7) RETURNING id`,
      [
        arrival.language,
        arrival.channel,
        arrival.department,
        arrival.escalated ?? false,
        JSON.stringify(result),
        arrival.status ?? 'triaged',
        at,
      ],
    )
    return row!.id
  }
  const escalate = async (
    inquiryId: string,
    reasons: string[],
    times: { created: string; due: string; claimed?: string; resolved?: string },
  ) =>
    sql.query(
      `INSERT INTO escalations (inquiry_id, department, score, reasons, due_at, created_at, claimed_at, resolved_at, status)
       VALUES ($1, 'technical', 0.9, $2::jsonb, $3, $4, $5, $6, $7)`,
      [
        inquiryId,
        JSON.stringify(reasons.map((code) => ({ code, detail: '' }))),
        times.due,
        times.created,
        times.claimed ?? null,
        times.resolved ?? null,
        times.resolved ? 'resolved' : times.claimed ? 'claimed' : 'open',
      ],
    )
  const feedback = async (inquiryId: string, at: string, verdict: { used: boolean; edited?: boolean; correct?: string }) =>
    sql.query(
      `INSERT INTO inquiry_feedback (inquiry_id, used_article_id, edited, correct_department, created_at) VALUES ($1, $2, $3, $4, $5)`,
      [inquiryId, verdict.used ? articleId : null, verdict.edited ?? null, verdict.correct ?? null, at],
    )
  const get = async (query: string, headers: Record<string, string> = {}) =>
    t.call('GET', `/v1/reports/overview${query}`, { key: lead, headers })

  beforeAll(async () => {
    sql = await database.open()
    t = await createTestApp(sql, { clock: { now: () => now } })
    lead = await t.keyFor('lead')
    // Monday 12 January (local)
    const a = await arrive('2026-01-11T23:30:00Z', {
      department: 'technical',
      language: 'de',
      channel: 'email',
      reasons: ['complaint'],
      assessed: true,
    }) // 00:30
    const b = await arrive('2026-01-12T09:15:00Z', {
      department: 'commercial',
      language: 'en',
      channel: 'phone',
      escalated: true,
      reasons: ['legal_threat', 'complaint'],
      assessed: true,
    })
    const c = await arrive('2026-01-12T09:45:00Z', { department: 'technical', language: 'de', channel: null, escalated: true }) // stored before the complaint signal
    // Tuesday 13 January: nothing. Wednesday 14 January:
    const d = await arrive('2026-01-14T15:00:00Z', { department: 'commercial', language: 'de', channel: 'email', assessed: true })
    const e = await arrive('2026-01-14T22:59:00Z', {
      department: 'technical',
      language: 'en',
      channel: 'email',
      escalated: true,
      assessed: true,
    }) // 23:59
    // Thursday 15 January:
    const f = await arrive('2026-01-15T09:30:00Z', {
      department: 'technical',
      language: 'de',
      channel: 'email',
      reasons: ['complaint'],
      assessed: true,
    })
    // Outside: Sunday 23:59 before, Friday 00:00 after, and a received (not yet triaged) inquiry inside.
    await arrive('2026-01-11T22:59:00Z', { department: 'technical', language: 'de', channel: 'email', assessed: true })
    const after = await arrive('2026-01-15T23:00:00Z', { department: 'commercial', language: 'fr', channel: 'chat', assessed: true })
    await arrive('2026-01-14T10:00:00Z', { department: 'technical', language: 'und', channel: 'email', status: 'received' })

    await escalate(b, ['legal_threat', 'complaint'], {
      created: '2026-01-12T09:15:00Z',
      due: '2026-01-12T13:15:00Z',
      claimed: '2026-01-12T10:15:00Z',
      resolved: '2026-01-12T12:15:00Z',
    }) // 60 and 180 min, met
    await escalate(c, ['safety'], {
      created: '2026-01-12T09:45:00Z',
      due: '2026-01-12T10:45:00Z',
      claimed: '2026-01-12T11:45:00Z',
      resolved: '2026-01-12T13:45:00Z',
    }) // 120 and 240 min, missed
    await escalate(e, ['anger', 'legal_threat'], { created: '2026-01-14T22:59:00Z', due: '2026-01-30T00:00:00Z' }) // not due yet: pending

    await feedback(a, '2026-01-12T08:00:00Z', { used: true, edited: false }) // as is
    await feedback(b, '2026-01-12T10:00:00Z', { used: false, correct: 'technical' }) // a correction …
    await feedback(b, '2026-01-12T11:00:00Z', { used: true, edited: true }) // … and the latest verdict: edited
    await feedback(d, '2026-01-14T16:00:00Z', { used: false, correct: 'commercial' }) // none; its own department is no correction
    await feedback(f, '2026-01-15T10:00:00Z', { used: true }) // as is (edited not said)
    await feedback(after, '2026-01-16T10:00:00Z', { used: false, correct: 'technical' }) // outside the range
  }, 120_000)
  afterAll(async () => sql?.close())

  it('counts per local day, with the empty day as zeros, and sums escalations, deadlines, suggestions, complaints and hours', async () => {
    const response = await get('?from=2026-01-12&to=2026-01-15')
    expect(response.status).toBe(200)
    const report = (await response.json()) as Json
    expect(report).toMatchObject({ from: '2026-01-12', to: '2026-01-15', timeZone: 'Europe/Berlin', granularity: 'day', department: null })
    expect(report.periods).toEqual([
      {
        period: '2026-01-12',
        inquiries: 3,
        escalated: 2,
        complaints: 2,
        departments: { technical: 2, commercial: 1 },
        languages: { de: 2, en: 1 },
        channels: { email: 1, phone: 1, unknown: 1 },
      },
      {
        period: '2026-01-13',
        inquiries: 0,
        escalated: 0,
        complaints: 0,
        departments: { technical: 0, commercial: 0 },
        languages: { de: 0, en: 0 },
        channels: { email: 0, phone: 0, unknown: 0 },
      },
      {
        period: '2026-01-14',
        inquiries: 2,
        escalated: 1,
        complaints: 0,
        departments: { technical: 1, commercial: 1 },
        languages: { de: 1, en: 1 },
        channels: { email: 2, phone: 0, unknown: 0 },
      },
      {
        period: '2026-01-15',
        inquiries: 1,
        escalated: 0,
        complaints: 1,
        departments: { technical: 1, commercial: 0 },
        languages: { de: 1, en: 0 },
        channels: { email: 1, phone: 0, unknown: 0 },
      },
    ])
    expect(report.totals).toEqual({
      inquiries: 6,
      escalated: 3,
      departments: { technical: 4, commercial: 2 },
      languages: { de: 4, en: 2 },
      channels: { email: 4, phone: 1, unknown: 1 },
    })
    expect(report.escalations).toEqual({
      total: 3,
      reasons: [
        { code: 'legal_threat', escalations: 2 },
        { code: 'anger', escalations: 1 },
        { code: 'complaint', escalations: 1 },
        { code: 'safety', escalations: 1 },
      ],
      claim: { met: 1, missed: 1, pending: 1, shareMet: 0.5, medianMinutes: 90 },
      resolve: { met: 1, missed: 1, pending: 1, shareMet: 0.5, medianMinutes: 210 },
    })
    expect(report.suggestions).toEqual({ withFeedback: 4, usedAsIs: 2, edited: 1, none: 1, departmentCorrected: 1, correctionShare: 0.25 })
    expect(report.complaints).toEqual({ inquiries: 3, assessed: 5, rate: 0.6 })
    expect(report.hours).toHaveLength(24)
    expect(report.hours.filter((hour: Json) => hour.inquiries > 0)).toEqual([
      { hour: 0, inquiries: 1 },
      { hour: 10, inquiries: 3 },
      { hour: 16, inquiries: 1 },
      { hour: 23, inquiries: 1 },
    ])
  })

  it('filters by department, groups by week from Monday, and defaults to the last 28 days up to today', async () => {
    const technical = (await (await get('?from=2026-01-12&to=2026-01-15&department=technical')).json()) as Json
    expect(technical.totals).toMatchObject({ inquiries: 4, escalated: 2, departments: { technical: 4, commercial: 0 } })
    expect(technical.escalations).toMatchObject({ total: 2, claim: { met: 0, missed: 1, pending: 1 } })
    expect(technical.suggestions).toMatchObject({ withFeedback: 2, usedAsIs: 2, departmentCorrected: 0 })
    const weekly = (await (await get('?from=2026-01-14&to=2026-01-25&granularity=week')).json()) as Json
    expect(weekly.periods.map((period: Json) => [period.period, period.inquiries])).toEqual([
      ['2026-01-12', 4], // Wednesday 14 to Sunday 18 of the week from Monday 12: D, E, F and the Friday inquiry
      ['2026-01-19', 0],
    ])
    const defaults = (await (await get('')).json()) as Json
    expect(defaults).toMatchObject({ from: '2025-12-24', to: '2026-01-20', granularity: 'day' })
    expect(defaults.periods).toHaveLength(28)
    expect(defaults.totals.inquiries).toBe(8)
    expect((await get('?from=2025-01-15&to=2026-01-15')).status).toBe(200) // 366 days: the most
  })

  it('answers CSV when asked for it: one long table, attached under the range', async () => {
    const response = await get('?from=2026-01-12&to=2026-01-15', { accept: 'text/csv' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="report-overview-2026-01-12-2026-01-15.csv"')
    const lines = (await response.text()).split('\r\n')
    expect(lines.at(-1)).toBe('') // every line ends in CRLF
    expect(lines).toHaveLength(1 + 4 * 10 + 4 + 5 + 5 + 6 + 3 + 24 + 1)
    expect(lines.slice(0, 11)).toEqual([
      'section,period,key,value',
      'inquiries,2026-01-12,total,3',
      'inquiries,2026-01-12,escalated,2',
      'inquiries,2026-01-12,complaints,2',
      'department,2026-01-12,technical,2',
      'department,2026-01-12,commercial,1',
      'language,2026-01-12,de,2',
      'language,2026-01-12,en,1',
      'channel,2026-01-12,email,1',
      'channel,2026-01-12,phone,1',
      'channel,2026-01-12,unknown,1',
    ])
    expect(lines).toContain('inquiries,2026-01-13,total,0')
    const range = '2026-01-12/2026-01-15'
    expect(lines.slice(41, 64)).toEqual([
      `escalation_reason,${range},legal_threat,2`,
      `escalation_reason,${range},anger,1`,
      `escalation_reason,${range},complaint,1`,
      `escalation_reason,${range},safety,1`,
      `claim,${range},met,1`,
      `claim,${range},missed,1`,
      `claim,${range},pending,1`,
      `claim,${range},share_met,0.5`,
      `claim,${range},median_minutes,90`,
      `resolve,${range},met,1`,
      `resolve,${range},missed,1`,
      `resolve,${range},pending,1`,
      `resolve,${range},share_met,0.5`,
      `resolve,${range},median_minutes,210`,
      `suggestions,${range},with_feedback,4`,
      `suggestions,${range},used_as_is,2`,
      `suggestions,${range},edited,1`,
      `suggestions,${range},none,1`,
      `suggestions,${range},department_corrected,1`,
      `suggestions,${range},correction_share,0.25`,
      `complaints,${range},inquiries,3`,
      `complaints,${range},assessed,5`,
      `complaints,${range},rate,0.6`,
    ])
    expect(lines.slice(64, 67)).toEqual([`hour,${range},00,1`, `hour,${range},01,0`, `hour,${range},02,0`])
    expect(lines[87]).toBe(`hour,${range},23,1`)
    // JSON stays the default, also for a browser's Accept.
    const browser = await get('?from=2026-01-12&to=2026-01-15', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' })
    expect(browser.headers.get('content-type')).toMatch(/^application\/json/)
  })

  it('writes a channel that looks like a formula as text', async () => {
    await arrive('2026-02-02T10:00:00Z', { department: 'technical', language: 'de', channel: '=HYPERLINK("http://x","y")' })
    const csv = await (await get('?from=2026-02-02&to=2026-02-02', { accept: 'text/csv' })).text()
    expect(csv).toContain(`\r\nchannel,2026-02-02,"'=HYPERLINK(""http://x"",""y"")",1\r\n`)
  })

  it('answers 422 naming the field for bad dates, ranges, departments and granularities', async () => {
    const cases: Array<[string, string]> = [
      ['?from=2026-01-15&to=2026-01-12', 'from'],
      ['?from=2025-01-14&to=2026-01-15', 'from'], // 367 days
      ['?from=2028-01-01', 'from'], // after today
      ['?from=2026-02-30', 'from'],
      ['?to=15.01.2026', 'to'],
      ['?to=2026-01-15T10:00:00Z', 'to'],
      ['?from=0000-01-01&to=0000-01-02', 'from'],
      ['?department=sales', 'department'],
      ['?granularity=month', 'granularity'],
    ]
    for (const [query, field] of cases) {
      const response = await get(query)
      expect(response.status, query).toBe(422)
      const problem = (await response.json()) as { errors: Array<{ field: string }> }
      expect(
        problem.errors.map((error) => error.field),
        query,
      ).toContain(field)
    }
  })

  it('is for leads and admins only', async () => {
    expect((await t.call('GET', '/v1/reports/overview', { key: await t.keyFor('admin') })).status).toBe(200)
    for (const role of ['agent', 'integration'] as const)
      expect((await t.call('GET', '/v1/reports/overview', { key: await t.keyFor(role) })).status).toBe(403)
    expect((await t.call('GET', '/v1/reports/overview')).status).toBe(401)
  })
})
