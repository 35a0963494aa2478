// What the helpdesk or the worker can do to a write-back, on each database: an outage, a hang, a bad
// token, a crash between "the helpdesk accepted" and "the job is done", a shutdown mid-request. Each
// case ends with every result in its ticket exactly once. Waits have deadlines; nothing is timed.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { intakeJobHandlers } from '../../src/jobs/handlers.js'
import { triageQueue, writeBackQueue } from '../../src/intake/queues.js'
import { runWriteBackJob } from '../../src/intake/write-back-job.js'
import { createWorker, type Worker } from '../../src/jobs/worker.js'
import { claimJobs, findJob, type Job } from '../../src/storage/queries/jobs.js'
import type { Sql } from '../../src/storage/sql.js'
import { callbackMessageId } from '../../src/helpdesks/generic/write-back.js'
import type { WebhookType } from '../../src/webhooks/types.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import { startFakeHelpdesk, type FakeHelpdesk, type HelpdeskType } from '../helpers/fake-helpdesk.js'
import { createIntegration, deliver, secretFor, testWorker } from '../helpers/webhooks.js'
import { allWrittenBack, callbacksPerWebhookId, deliveriesPerTicket, makeTickets, waitUntil, type Ticket } from '../helpers/webhook-flow.js'

const allTypes: readonly WebhookType[] = ['generic', 'zammad', 'zendesk', 'freshdesk']

describe.each(testDatabases)('write-back resilience [$name]', (database) => {
  let sql: Sql
  let helpdesk: FakeHelpdesk
  const workers: Worker[] = []
  beforeAll(async () => {
    helpdesk = await startFakeHelpdesk()
  })
  beforeEach(async () => {
    sql = await database.open()
  })
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.stop({ graceful: false })
    helpdesk.reset()
    await sql.close()
  })
  afterAll(async () => {
    await helpdesk?.close()
  })

  /** A fresh app; outages must not use up the attempts, so they are plenty unless a test says otherwise. */
  const app = (env: Record<string, string> = {}) => createTestApp(sql, { env: { JOB_MAX_ATTEMPTS: '100', ...env } })
  const started = (worker: Worker) => {
    workers.push(worker)
    worker.start()
    return worker
  }

  /** One integration per type, each writing back to the fake helpdesk; the tickets delivered and accepted. */
  async function deliverTickets(t: TestApp, tickets: Ticket[]): Promise<Map<string, string>> {
    const integrations = new Map<WebhookType, { name: string; secret: string }>()
    for (const type of new Set(tickets.map((ticket) => ticket.type))) integrations.set(type, await createIntegration(t, type, { helpdesk }))
    const inquiryIds = new Map<string, string>()
    for (const ticket of tickets) {
      const response = await deliver(t, integrations.get(ticket.type)!, ticket.type, ticket.payload)
      expect(response.status).toBe(202)
      inquiryIds.set(`${ticket.type}:${ticket.id}`, ((await response.json()) as { inquiryId: string }).inquiryId)
    }
    return inquiryIds
  }

  const writeBackJobs = () =>
    sql.query<{ id: string; status: string; attempts: number; last_error: string | null }>(
      'SELECT id, status, attempts, last_error FROM jobs WHERE queue = $1',
      [writeBackQueue],
    )
  const expectEachOnce = (tickets: Ticket[]) => {
    const perTicket = deliveriesPerTicket(helpdesk, tickets)
    expect([...perTicket].filter(([, count]) => count !== 1)).toEqual([])
    expect([...callbacksPerWebhookId(helpdesk).values()].every((count) => count === 1)).toBe(true)
  }

  it.each(['status', 'reset'] as const)('a helpdesk down for a while (%s) gets every result exactly once when it is back', async (mode) => {
    const t = await app()
    const tickets = makeTickets(10, allTypes)
    await deliverTickets(t, tickets)
    helpdesk.setDown(true, mode)
    started(testWorker(t, { concurrency: 2 }))
    // Down until every write-back has failed at least twice: retried with backoff, none given up.
    await waitUntil(async () => {
      const jobs = await writeBackJobs()
      return jobs.length === tickets.length && jobs.every((job) => job.attempts >= 2 && job.status !== 'running')
    }, 'every write-back to fail at least twice')
    expect(deliveriesPerTicket(helpdesk, tickets)).toEqual(new Map(tickets.map((ticket) => [`${ticket.type}:${ticket.id}`, 0])))
    // (A job may be mid-attempt again by now; its last error stays until the attempt ends.)
    const errors = (await writeBackJobs()).map((job) => job.last_error ?? '')
    expect(errors.filter((error) => !/write-back: .*(answered 503|network error)/.test(error))).toEqual([])

    helpdesk.setDown(false)
    // A loaded machine can be slow here; the jobs left are in the message if it is too slow.
    await waitUntil(() => allWrittenBack(sql, tickets.length), 'every result to be written back', 120_000).catch(async (error: Error) => {
      const open = await sql.query("SELECT queue, status, attempts, run_at, last_error FROM jobs WHERE status <> 'done'")
      throw new Error(`${error.message}; jobs not done: ${JSON.stringify(open)}`)
    })
    expectEachOnce(tickets)
    expect((await writeBackJobs()).every((job) => job.status === 'done' && job.attempts >= 3)).toBe(true)
    expect(await sql.query("SELECT id FROM jobs WHERE status = 'dead'")).toEqual([])
  })

  it('a hanging helpdesk: the write-back times out, is retried, and lands once the helpdesk answers', async () => {
    const t = await app({ WRITE_BACK_TIMEOUT_SECONDS: '0.3' })
    const tickets = makeTickets(2, ['zammad', 'generic'])
    await deliverTickets(t, tickets)
    helpdesk.hang(true)
    started(testWorker(t, { concurrency: 2 }))
    await waitUntil(async () => {
      const jobs = await writeBackJobs()
      return jobs.length === 2 && jobs.every((job) => /timed out after 300 ms/.test(job.last_error ?? ''))
    }, 'both write-backs to time out')
    expect(helpdesk.requests.length).toBeGreaterThanOrEqual(2) // they reached the helpdesk, which never answered

    helpdesk.hang(false)
    await waitUntil(() => allWrittenBack(sql, tickets.length), 'both results to be written back')
    expectEachOnce(tickets)
    expect(await sql.query("SELECT id FROM jobs WHERE status = 'dead'")).toEqual([])
  })

  it('a wrong token dead-letters at once without leaking it; fixed and retried by an admin, it is delivered once', async () => {
    const t = await app()
    const admin = await t.keyFor('admin')
    const wrongToken = 'agent@example.com/token:wrong-token-5f0c9a7e31'
    const integration = { name: 'zendesk-wrong-token', secret: secretFor('zendesk') }
    const created = await t.call('POST', '/v1/integrations', {
      key: admin,
      json: { ...integration, type: 'zendesk', apiBaseUrl: helpdesk.apiBaseUrl('zendesk'), apiToken: wrongToken },
    })
    expect(created.status).toBe(201)
    const [ticket] = makeTickets(1, ['zendesk'])
    expect((await deliver(t, integration, 'zendesk', ticket!.payload)).status).toBe(202)

    const worker = started(testWorker(t))
    await waitUntil(async () => (await writeBackJobs())[0]?.status === 'dead', 'the write-back to be dead-lettered')
    await worker.stop()
    const dead = await t.call('GET', `/v1/jobs?status=dead&queue=${writeBackQueue}`, { key: admin })
    expect(dead.status).toBe(200)
    const { items } = (await dead.json()) as { items: Array<Record<string, any>> }
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({ queue: writeBackQueue, status: 'dead', attempts: 1 }) // permanent: no second attempt
    expect(items[0]!.lastError).toMatch(/zendesk write-back: GET \S+ answered 401/)
    const basic = Buffer.from(wrongToken).toString('base64')
    for (const text of [JSON.stringify(items), JSON.stringify(t.logger.records)]) {
      expect(text).not.toContain('wrong-token-5f0c9a7e31')
      expect(text).not.toContain(basic)
    }
    expect(helpdesk.notes('zendesk', ticket!.id)).toEqual([])

    const fixed = await t.call('PATCH', `/v1/integrations/${integration.name}`, { key: admin, json: { apiToken: helpdesk.tokens.zendesk } })
    expect(fixed.status).toBe(200)
    const retried = await t.call('POST', `/v1/jobs/${items[0]!.id}/retry`, { key: admin })
    expect(retried.status).toBe(200)
    expect(await retried.json()).toMatchObject({ status: 'queued', attempts: 0 })
    started(testWorker(t))
    await waitUntil(() => allWrittenBack(sql, 1), 'the retried write-back')
    expectEachOnce([ticket!])
    expect(await findJob(sql, items[0]!.id)).toMatchObject({ status: 'done', attempts: 1 })
  })

  /** Triages the delivered tickets and leaves their write-backs queued. */
  const triageOnly = (t: TestApp) =>
    createWorker({
      sql,
      handlers: intakeJobHandlers(t.deps),
      queues: [triageQueue],
      concurrency: 2,
      leaseMs: 30_000,
      pollIntervalMs: 20,
      clock: t.deps.clock,
      logger: t.deps.logger,
    }).drain()

  /** A worker that claims the write-back with a lease that ends at once; the caller then "crashes" it. */
  async function claimAsDoomedWorker(t: TestApp): Promise<Job> {
    const [job] = await claimJobs(sql, {
      queues: [writeBackQueue],
      workerId: 'doomed-worker',
      limit: 1,
      leaseMs: 1,
      now: t.deps.clock.now(),
    })
    expect(job).toBeDefined()
    return job!
  }

  /** The same Sql, except that marking the result written back "crashes" the process (throws, records nothing). */
  const crashingBeforeMark = (inner: Sql): Sql => ({
    dialect: inner.dialect,
    query: (text, params) => (/SET written_back_at/.test(text) ? Promise.reject(new Error('process died')) : inner.query(text, params)),
    transaction: (fn) => inner.transaction(fn),
    exec: (text) => inner.exec(text),
    close: () => inner.close(),
  })

  it.each(allTypes)('%s: a crash after the helpdesk accepted, before the job was done, still writes once', async (type) => {
    const t = await app()
    const tickets = makeTickets(1, [type])
    const inquiryId = [...(await deliverTickets(t, tickets)).values()][0]!
    expect(await triageOnly(t)).toBe(1)
    const job = await claimAsDoomedWorker(t)
    // The doomed worker runs the real handler; the helpdesk accepts; the process dies before recording anything.
    await expect(runWriteBackJob({ ...t.deps, sql: crashingBeforeMark(sql) }, inquiryId, new AbortController().signal)).rejects.toThrow(
      'process died',
    )
    expect(await findJob(sql, job.id)).toMatchObject({ status: 'running', lockedBy: 'doomed-worker', attempts: 1 })

    const worker = started(testWorker(t)) // takes the job over once the doomed worker's lease has run out
    await waitUntil(async () => (await findJob(sql, job.id))?.status === 'done', 'the takeover to finish the job')
    expect(await findJob(sql, job.id)).toMatchObject({ status: 'done', attempts: 2, lockedBy: worker.id })
    if (type === 'generic') {
      // A callback cannot be un-sent: the receiver gets it again under the same webhook-id and drops it.
      expect(helpdesk.deliveries.map((delivery) => delivery.headers['webhook-id'])).toEqual([
        callbackMessageId(inquiryId),
        callbackMessageId(inquiryId),
      ])
    } else {
      expect(helpdesk.notes(type as HelpdeskType, tickets[0]!.id)).toHaveLength(1)
      const written = t.logger.records.find((record) => record.message === 'result written back' && record.fields.inquiryId === inquiryId)
      expect(written?.fields).toMatchObject({ skipped: 'note already present' })
    }
    expect(await allWrittenBack(sql, 1)).toBe(true)
  })

  it('a crash after the result was marked written back, before the job was done: the takeover sends nothing', async () => {
    const t = await app()
    const tickets = makeTickets(1, ['zendesk'])
    const inquiryId = [...(await deliverTickets(t, tickets)).values()][0]!
    await triageOnly(t)
    const job = await claimAsDoomedWorker(t)
    await runWriteBackJob(t.deps, inquiryId, new AbortController().signal) // completes, but completeJob never runs
    const requestsBefore = helpdesk.requests.length
    started(testWorker(t))
    await waitUntil(async () => (await findJob(sql, job.id))?.status === 'done', 'the takeover to finish the job')
    expect(helpdesk.requests.length).toBe(requestsBefore)
    expectEachOnce(tickets)
  })

  it('graceful shutdown mid write-back releases the job uncounted; the next worker writes it once', async () => {
    const t = await app()
    const tickets = makeTickets(1, ['freshdesk'])
    await deliverTickets(t, tickets)
    helpdesk.hang(true)
    const first = started(testWorker(t))
    await waitUntil(async () => (await writeBackJobs())[0]?.status === 'running' && helpdesk.requests.length > 0, 'the write-back to hang')
    const { id } = (await writeBackJobs())[0]!
    await first.stop({ timeoutMs: 100 })
    expect(await findJob(sql, id)).toMatchObject({ status: 'queued', attempts: 0, lockedBy: null, lastError: null })
    expect(
      t.logger.records.some((record) => record.message === 'job released' && record.fields.jobId === id && record.fields.released === true),
    ).toBe(true)

    helpdesk.hang(false)
    started(testWorker(t))
    await waitUntil(() => allWrittenBack(sql, 1), 'the released write-back to be done by the next worker')
    expectEachOnce(tickets)
    expect(await findJob(sql, id)).toMatchObject({ status: 'done', attempts: 1 })
  })
})
