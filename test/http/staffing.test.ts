import { afterEach, describe, expect, it } from 'vitest'
import { defaultStaffingSettings, staffingSettingsEntityId } from '../../src/staffing/settings.js'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

const textbook = { arrivalsPerHour: 100, handlingSeconds: 180, targetAnswerSeconds: 20, targetServiceLevel: 0.8 }

describe('POST /v1/staffing/erlang-c', () => {
  let sql: Sql
  let t: TestApp
  afterEach(async () => sql?.close())

  it('answers leads and admins with the agents needed, and refuses everyone else', async () => {
    sql = await testDatabases[0]!.open()
    t = await createTestApp(sql)
    for (const role of ['lead', 'admin'] as const) {
      const response = await t.call('POST', '/v1/staffing/erlang-c', { key: await t.keyFor(role), json: textbook })
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ agents: 8, serviceLevel: 0.8801, occupancy: 0.625, trafficErlangs: 5 })
    }
    for (const role of ['agent', 'integration'] as const)
      expect((await t.call('POST', '/v1/staffing/erlang-c', { key: await t.keyFor(role), json: textbook })).status).toBe(403)
    expect((await t.call('POST', '/v1/staffing/erlang-c', { json: textbook })).status).toBe(401)
  })

  it('answers 422 naming the field for impossible targets, bad times and a load beyond any staff', async () => {
    sql = await testDatabases[0]!.open()
    t = await createTestApp(sql)
    const lead = await t.keyFor('lead')
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ handlingSeconds: 0 }, 'handlingSeconds'],
      [{ targetServiceLevel: 1.2 }, 'targetServiceLevel'],
      [{ targetServiceLevel: 0 }, 'targetServiceLevel'],
      [{ arrivalsPerHour: 'many' }, 'arrivalsPerHour'],
      [{ arrivalsPerHour: 1_000_000, handlingSeconds: 3600 }, 'arrivalsPerHour'],
      [{ agents: 3 }, 'agents'],
    ]
    for (const [patch, field] of cases) {
      const response = await t.call('POST', '/v1/staffing/erlang-c', { key: lead, json: { ...textbook, ...patch } })
      expect(response.status, JSON.stringify(patch)).toBe(422)
      const problem = (await response.json()) as { errors: Array<{ field: string }> }
      expect(problem.errors.map((error) => error.field)).toContain(field)
    }
  })
})

type Plan = {
  weekStarting: string
  timeZone: string
  departments: Array<{
    department: string
    expectedArrivals: number
    settings: Record<string, unknown>
    backtest: unknown
    hours: Array<{ hourOfWeek: number; weekday: number; hour: number; arrivals: { async: number; sync: number }; agents: number }>
  }>
}

describe.each(testDatabases)('staffing plan [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  afterEach(async () => sql?.close())
  // Wednesday 9 December 2026, 11:00 in Berlin: the current week began Monday 7 December.
  const now = new Date('2026-12-09T10:00:00Z')
  const arrive = async (at: string, department: string, channel: string, count: number) => {
    for (let i = 0; i < count; i++)
      await sql.query(
        `INSERT INTO inquiries (body, language, channel, department, confidence, escalated, result, created_at)
         VALUES ('Frage', 'de', $1, $2, 0.9, false, '{}', $3)`,
        [channel, department, at],
      )
  }

  it('forecasts next week per department and local hour from the complete weeks before this one', async () => {
    sql = await database.open()
    t = await createTestApp(sql, { clock: { now: () => now } })
    await arrive('2026-11-22T22:59:00Z', 'technical', 'email', 5) // Sunday 23:59 in Berlin: before the history
    await arrive('2026-11-22T23:00:00Z', 'technical', 'email', 1) // Monday 23 Nov 00:00 in Berlin: week 0, hour 0
    await arrive('2026-11-23T08:30:00Z', 'technical', 'email', 3) // Monday 9:30
    await arrive('2026-11-29T22:30:00Z', 'technical', 'web', 2) // Sunday 23:30, the week's last hour
    await arrive('2026-11-30T08:10:00Z', 'technical', 'email', 1) // the next Monday 9:10
    await arrive('2026-12-01T13:05:00Z', 'commercial', 'phone', 4) // Tuesday 14:05, a call
    await arrive('2026-12-07T07:00:00Z', 'technical', 'email', 5) // this week: not history yet
    const response = await t.call('GET', '/v1/reports/staffing?weeks=2', { key: await t.keyFor('lead') })
    expect(response.status).toBe(200)
    const plan = (await response.json()) as Plan
    expect(plan).toMatchObject({ weekStarting: '2026-12-14', timeZone: 'Europe/Berlin' })
    const [technical, commercial] = plan.departments
    expect(technical!.hours).toHaveLength(168)
    const busy = (department: Plan['departments'][number]) =>
      department.hours.filter((hour) => hour.arrivals.async + hour.arrivals.sync > 0).map((hour) => [hour.hourOfWeek, hour.arrivals])
    expect(busy(technical!)).toEqual([
      [0, { async: 0.5, sync: 0 }],
      [9, { async: 2, sync: 0 }],
      [167, { async: 1, sync: 0 }],
    ])
    expect(busy(commercial!)).toEqual([[38, { async: 0, sync: 2 }]])
    expect(technical!.expectedArrivals).toBe(3.5)
    expect(commercial!.hours[38]).toMatchObject({ weekday: 2, hour: 14 })
    expect(commercial!.hours[38]!.agents).toBeGreaterThan(0) // two calls an hour still need someone on the phone
    expect(technical!.hours[9]!.agents).toBeGreaterThan(0)
    expect(technical!.backtest).toMatchObject({ model: { weeks: 1 }, baseline: { weeks: 1 } })
    for (const role of ['agent', 'integration'] as const)
      expect((await t.call('GET', '/v1/reports/staffing', { key: await t.keyFor(role) })).status).toBe(403)
    for (const weeks of ['0', '27', 'four', '1.5']) {
      const bad = await t.call('GET', `/v1/reports/staffing?weeks=${weeks}`, { key: await t.keyFor('lead') })
      expect(bad.status, weeks).toBe(422)
      expect(((await bad.json()) as { errors: Array<{ field: string }> }).errors[0]!.field).toBe('weeks')
    }
  })

  it('answers the plan as CSV, one row per department and hour, when asked for text/csv', async () => {
    sql = await database.open()
    t = await createTestApp(sql, { clock: { now: () => now } })
    await arrive('2026-11-30T08:10:00Z', 'technical', 'email', 3) // Monday 30 Nov 9:10 in Berlin
    await arrive('2026-12-01T13:05:00Z', 'commercial', 'phone', 4) // Tuesday 14:05, calls
    const lead = await t.keyFor('lead')
    const plan = (await (await t.call('GET', '/v1/reports/staffing?weeks=2', { key: lead })).json()) as Plan
    const response = await t.call('GET', '/v1/reports/staffing?weeks=2', { key: lead, headers: { accept: 'text/csv' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="staffing-plan-2026-12-14.csv"')
    const lines = (await response.text()).split('\r\n')
    expect(lines.pop()).toBe('') // every line ends in CRLF
    expect(lines[0]).toBe('department,weekday,hour,expected_async,expected_sync,agents')
    expect(lines).toHaveLength(1 + 2 * 168)
    expect(lines[1]).toBe('technical,1,0,0,0,0')
    const [technical, commercial] = plan.departments
    expect(lines).toContain(`technical,1,9,1.5,0,${technical!.hours[9]!.agents}`)
    expect(lines[1 + 168 + 38]).toBe(`commercial,2,14,0,2,${commercial!.hours[38]!.agents}`)
    expect(commercial!.hours[38]!.agents).toBeGreaterThan(0)
    const json = await t.call('GET', '/v1/reports/staffing', { key: lead, headers: { accept: 'application/json, text/csv;q=0.5' } })
    expect(json.headers.get('content-type')).toMatch(/^application\/json/)
    const agent = await t.call('GET', '/v1/reports/staffing', { key: await t.keyFor('agent'), headers: { accept: 'text/csv' } })
    expect(agent.status).toBe(403)
  })

  it('lets a lead change handling times and targets, refusing invalid ones with 422 per field and keeping the old', async () => {
    sql = await database.open()
    t = await createTestApp(sql, { clock: { now: () => now } })
    const lead = await t.keyFor('lead')
    expect(await (await t.call('GET', '/v1/staffing/settings', { key: lead })).json()).toEqual(defaultStaffingSettings)
    const invalid = structuredClone(defaultStaffingSettings) as Record<string, any>
    invalid.technical.sync.handlingSeconds = 0
    invalid.technical.productiveShare = 0
    invalid.commercial.sync.targetServiceLevel = 1.5
    const refused = await t.call('PUT', '/v1/staffing/settings', { key: lead, json: invalid })
    expect(refused.status).toBe(422)
    const fields = ((await refused.json()) as { errors: Array<{ field: string }> }).errors.map((error) => error.field).sort()
    expect(fields).toEqual(['commercial.sync.targetServiceLevel', 'technical.productiveShare', 'technical.sync.handlingSeconds'])
    expect(await (await t.call('GET', '/v1/staffing/settings', { key: lead })).json()).toEqual(defaultStaffingSettings)
    const audit = async () =>
      (
        (await (await t.call('GET', '/v1/audit?entityType=staffing_settings', { key: await t.keyFor('admin') })).json()) as {
          items: Array<Record<string, unknown>>
        }
      ).items
    expect(await audit()).toEqual([]) // a refused change leaves no entry
    const changed = structuredClone(defaultStaffingSettings)
    changed.commercial.async.handlingMinutes = 5
    expect((await t.call('PUT', '/v1/staffing/settings', { key: lead, json: changed })).status).toBe(200)
    expect((await t.call('PUT', '/v1/staffing/settings', { key: await t.keyFor('agent'), json: changed })).status).toBe(403)
    const entries = await audit()
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      actor: { name: 'test lead', role: 'lead' },
      action: 'staffing_settings',
      entityType: 'staffing_settings',
      entityId: staffingSettingsEntityId,
      before: defaultStaffingSettings,
      after: changed,
    })
    const plan = (await (await t.call('GET', '/v1/reports/staffing', { key: lead })).json()) as Plan
    expect(plan.departments[1]!.settings).toEqual(changed.commercial)
    expect(plan.departments.every((department) => department.hours.every((hour) => hour.agents === 0))).toBe(true) // no history, nobody needed
  })
})
