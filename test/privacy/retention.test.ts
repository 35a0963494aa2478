// RETENTION_DAYS: inquiries older than that go with everything derived from them, by a job on the
// durable queue that reschedules itself and survives a restart. The clock is moved, never waited for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../src/config.js'
import { createWorker } from '../../src/jobs/worker.js'
import {
  purgeExpiredInquiries,
  retentionIntervalMs,
  retentionQueue,
  runRetentionJob,
  scheduleRetention,
} from '../../src/privacy/retention.js'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { findTraces } from '../helpers/personal-data-scan.js'
import { openSeeded } from '../helpers/seed.js'

type Json = Record<string, any>
const day = 86_400_000

describe.each(testDatabases)('retention [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  let now = Date.parse('2030-01-10T08:30:00Z')
  const clock = { now: () => new Date(now) }
  const env = { RETENTION_DAYS: '30' }

  beforeAll(async () => {
    ;({ sql, t } = await openSeeded(database, { env, clock }))
  }, 300_000)
  afterAll(async () => sql?.close())

  const call = async (role: 'agent' | 'lead' | 'admin', method: string, path: string, json?: unknown) => {
    const response = await t.call(method, path, { key: await t.keyFor(role), ...(json !== undefined ? { json } : {}) })
    return { status: response.status, body: (await response.json()) as Json }
  }
  /** An inquiry with a correction (a training example) and a comment (an audit entry), at the clock's time. */
  async function customerWrites(name: string, text: string) {
    const triaged = (
      await call('agent', 'POST', '/v1/triage', {
        body: `${text} Gruß, ${name}`,
        customer: { name, email: `${name.toLowerCase()}@example.de` },
      })
    ).body
    const other = triaged.department === 'technical' ? 'commercial' : 'technical'
    expect(
      (
        await call('agent', 'POST', `/v1/inquiries/${triaged.inquiryId}/feedback`, {
          usedArticleId: null,
          correctDepartment: other,
          comment: `${name} angerufen`,
        })
      ).status,
    ).toBe(201)
    return triaged.inquiryId as string
  }
  const worker = (app: TestApp, batchSize?: number) =>
    createWorker({
      sql,
      handlers: { [retentionQueue]: (job) => runRetentionJob(app.deps, job, batchSize ? { batchSize } : {}) },
      concurrency: 1,
      leaseMs: 30_000,
      pollIntervalMs: 20,
      clock,
      logger: app.logger,
    })
  const queuedRetention = () =>
    sql.query<{ run_at: Date }>(`SELECT run_at FROM jobs WHERE queue = $1 AND status = 'queued' ORDER BY run_at`, [retentionQueue])

  it('purges what is older than RETENTION_DAYS in bounded batches, keeps the rest, and runs again each hour, also after a restart', async () => {
    const old = [
      await customerWrites('Altmannsberger', 'Mein Drucker druckt nur noch Streifen.'),
      await customerWrites('Altfriedrichs', 'Die Rechnung 2029-17 stimmt nicht.'),
    ]
    now += 20 * day
    const recent = await customerWrites('Neumeisterling', 'Wie kündige ich mein Abo?')
    now += 11 * day // the first two are 31 days old, the third 11

    expect(await scheduleRetention(t.deps)).toBe(true)
    expect(await scheduleRetention(t.deps)).toBe(false) // once per hour, however often start-up runs
    expect(await worker(t, 1).drain()).toBe(3) // a batch of one each, then the last finds nothing
    expect(await findTraces(sql, ['altmannsberger', 'altfriedrichs'])).toEqual({})
    expect(Object.keys(await findTraces(sql, ['neumeisterling'])).length).toBeGreaterThan(0)
    for (const id of old) expect((await call('agent', 'GET', `/v1/inquiries/${id}`)).status).toBe(404)
    expect((await call('agent', 'GET', `/v1/inquiries/${recent}`)).status).toBe(200)
    const purges = (await call('admin', 'GET', '/v1/audit?entityType=data_subject')).body.items as Json[]
    expect(purges.map((entry) => [entry.action, entry.actor.role, entry.after.erased.inquiries])).toEqual([
      ['retention_purge', 'system', 1],
      ['retention_purge', 'system', 1],
    ])

    // The next run waits for the next hour; a restarted service (a new app on the same database) schedules no second one.
    const [next] = await queuedRetention()
    expect(next!.run_at.getTime()).toBe((Math.floor(now / retentionIntervalMs) + 1) * retentionIntervalMs)
    const restarted = await createTestApp(sql, { env, clock })
    expect(await scheduleRetention(restarted.deps)).toBe(false)
    expect(await worker(restarted).drain()).toBe(0) // not due yet
    now += 20 * day
    expect(await worker(restarted).drain()).toBe(1)
    expect(await findTraces(sql, ['neumeisterling'])).toEqual({})
    expect(await queuedRetention()).toHaveLength(1)
  }, 300_000)

  it('does nothing while RETENTION_DAYS is unset', async () => {
    const off = await createTestApp(sql, { clock })
    const id = await customerWrites('Bleibtreu', 'Mein Router blinkt rot.')
    now += 3650 * day
    expect(await scheduleRetention(off.deps)).toBe(false)
    expect(await purgeExpiredInquiries(off.deps)).toEqual({ more: false })
    expect((await call('agent', 'GET', `/v1/inquiries/${id}`)).status).toBe(200)
  })
})

describe('RETENTION_DAYS', () => {
  it('is off unless set, and must be a whole number of days from 1', () => {
    expect(parseConfig({}).privacy.retentionDays).toBeUndefined()
    expect(parseConfig({ RETENTION_DAYS: '' }).privacy.retentionDays).toBeUndefined()
    expect(parseConfig({ RETENTION_DAYS: '90' }).privacy.retentionDays).toBe(90)
    for (const bad of ['0', '-5', '1.5', 'forever']) {
      expect(() => parseConfig({ RETENTION_DAYS: bad }), bad).toThrow(ConfigError)
    }
  })
})
