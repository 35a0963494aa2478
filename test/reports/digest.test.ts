// The weekly digest to the leads' webhook: Monday 08:00 in the UI time zone, last week's figures and the
// overdue cases, at most once per week however many servers schedule it or workers run it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createWorker } from '../../src/jobs/worker.js'
import { digestQueue, runDigestJob, scheduleDigest } from '../../src/reports/digest-job.js'
import { digestSlot } from '../../src/storage/queries/digest.js'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { startChatReceiver } from '../helpers/chat-receiver.js'
import { testDatabases } from '../helpers/databases.js'

type Json = Record<string, any>

describe.each(testDatabases)('weekly digest [$name]', (database) => {
  let sql: Sql
  let chat: Awaited<ReturnType<typeof startChatReceiver>>
  // Thursday 10 December 2026, 15:00 in Berlin
  let now = Date.parse('2026-12-10T14:00:00Z')
  const clock = { now: () => new Date(now) }
  const app = (env: Record<string, string> = {}) =>
    createTestApp(sql, { clock, env: { LEAD_NOTIFY_WEBHOOK_URL: chat.url, PUBLIC_BASE_URL: 'https://triage.example', ...env } })
  const worker = (t: TestApp) =>
    createWorker({
      sql,
      handlers: { [digestQueue]: (job, { signal }) => runDigestJob(t.deps, job, signal).then(() => undefined) },
      concurrency: 1,
      leaseMs: 30_000,
      pollIntervalMs: 20,
      clock,
      logger: t.logger,
      backoff: { baseMs: 1, capMs: 1 },
    })
  const queued = () =>
    sql.query<{ run_at: Date; dedupe_key: string }>(
      `SELECT run_at, dedupe_key FROM jobs WHERE queue = $1 AND status = 'queued' ORDER BY run_at`,
      [digestQueue],
    )

  beforeAll(async () => {
    sql = await database.open()
    chat = await startChatReceiver()
  })
  afterEach(() => void chat.messages.splice(0))
  afterAll(async () => {
    await chat?.close()
    await sql?.close()
  })

  it('finds Monday 08:00 local time, in winter and across the change to summer time', async () => {
    const slot = await digestSlot(sql, { now: new Date('2026-12-10T14:00:00Z'), timeZone: 'Europe/Berlin' })
    expect(slot).toEqual({ week: '2026-12-14', runAt: new Date('2026-12-14T07:00:00Z'), coversFrom: '2026-12-07', coversTo: '2026-12-13' })
    // Monday 07:59 local is still before this week's slot; the clocks went forward the day before.
    const spring = await digestSlot(sql, { now: new Date('2027-03-29T05:59:00Z'), timeZone: 'Europe/Berlin' })
    expect(spring).toMatchObject({ week: '2027-03-29', runAt: new Date('2027-03-29T06:00:00Z'), coversFrom: '2027-03-22' })
    const after = await digestSlot(sql, { now: new Date('2027-03-29T06:00:01Z'), timeZone: 'Europe/Berlin' })
    expect(after.week).toBe('2027-04-05')
  })

  it('sends last week once on Monday morning, with the figures and the overdue cases, and queues the next week', async () => {
    const t = await app()
    const lead = await t.keyFor('agent')
    // Tuesday 8 December: two inquiries, one escalated and now overdue.
    now = Date.parse('2026-12-08T09:00:00Z')
    const calm = await t.call('POST', '/v1/triage', {
      key: lead,
      json: { subject: 'Rechnung', body: 'Bitte senden Sie mir die Rechnung 4711 noch einmal zu.' },
    })
    const calmEscalated = ((await calm.json()) as Json).escalation.escalate === true
    const angry = await t.call('POST', '/v1/triage', {
      key: lead,
      json: {
        subject: 'Letzte Warnung',
        body: 'Zum dritten Mal ist Ihre Rechnung falsch! Wenn das nicht sofort korrigiert wird, schalte ich meinen Anwalt ein!!! Erika Mustermann',
        customer: { name: 'Erika Mustermann', email: 'erika.mustermann@example.com' },
      },
    })
    expect(((await angry.json()) as Json).escalation.escalate).toBe(true)

    now = Date.parse('2026-12-10T14:00:00Z')
    expect(await scheduleDigest(t.deps)).toBe(true)
    expect(await scheduleDigest((await app()).deps)).toBe(false) // a second server: still one job for the week
    expect((await queued()).map((job) => [job.dedupe_key, job.run_at.toISOString()])).toEqual([
      ['weekly-digest:2026-12-14', '2026-12-14T07:00:00.000Z'],
    ])
    expect(await worker(t).drain()).toBe(0) // not Monday yet

    now = Date.parse('2026-12-14T07:00:05Z')
    expect(await worker(t).drain()).toBe(1)
    expect(chat.messages).toHaveLength(1)
    const [message] = chat.messages as Json[]
    expect(message!.digest).toMatchObject({
      week: '2026-12-14',
      from: '2026-12-07',
      to: '2026-12-13',
      timeZone: 'Europe/Berlin',
      inquiries: { inquiries: 2, escalated: calmEscalated ? 2 : 1 },
      overdue: { count: calmEscalated ? 2 : 1, more: false },
    })
    expect(message!.text).toContain(
      'Weekly digest 2026-12-07 – 2026-12-13 (Europe/Berlin) https://triage.example/ui/reports?from=2026-12-07&to=2026-12-13',
    )
    expect(message!.text).toContain('Inquiries: 2')
    // No knowledge base here: both went unanswered, so they are last week's knowledge gaps.
    const gaps = message!.digest.knowledgeGaps as Json[]
    expect(gaps.reduce((sum, gap) => sum + gap.count, 0)).toBe(2)
    expect(message!.text).toContain(`"${gaps[0]!.proposedTitle}" (${gaps[0]!.count}, `)
    expect(message!.digest.overdue.cases.map((item: Json) => item.subject)).toContain('Letzte Warnung')
    expect(message!.text).toContain('"Letzte Warnung"')
    expect(JSON.stringify(message)).not.toMatch(/Mustermann|erika/i) // subjects and neutral titles, never who wrote
    expect((await queued()).map((job) => job.dedupe_key)).toEqual(['weekly-digest:2026-12-21'])
  })

  it('never sends a week twice: a second run of the same week (another worker, a lost lease) is skipped', async () => {
    const [first, second] = [await app(), await app()]
    const run = (t: TestApp) => runDigestJob(t.deps, { payload: { week: '2026-11-16' } }, new AbortController().signal)
    expect(await Promise.all([run(first), run(second)])).toEqual(expect.arrayContaining(['sent', 'skipped']))
    expect(await run(first)).toBe('skipped')
    expect(chat.messages.map((message) => message.digest.week)).toEqual(['2026-11-16'])
  })

  it('retries a refused digest and sends it when the receiver is back', async () => {
    const t = await app()
    chat.failNext(1)
    await expect(runDigestJob(t.deps, { payload: { week: '2026-11-30' } }, new AbortController().signal)).rejects.toThrow(/answered 500/)
    expect(await runDigestJob(t.deps, { payload: { week: '2026-11-30' } }, new AbortController().signal)).toBe('sent')
    expect(chat.messages.map((message) => message.digest.from)).toEqual(['2026-11-23'])
  })

  it('schedules nothing without a webhook or with LEAD_WEEKLY_DIGEST=false, and refuses a bad payload for good', async () => {
    const off = await createTestApp(sql, { clock })
    expect(await scheduleDigest(off.deps)).toBe(false)
    expect(await scheduleDigest((await app({ LEAD_WEEKLY_DIGEST: 'false' })).deps)).toBe(false)
    const t = await app()
    await expect(runDigestJob(t.deps, { payload: { week: 'next monday' } }, new AbortController().signal)).rejects.toMatchObject({
      permanent: true,
    })
  })
})
