// The JOBS queue's consumer and the cron sweep without workerd: the real job runner on a real database
// (PGlite, and PostgreSQL when TEST_DATABASE_URL is set), the Queues message replaced by a recorder.
// test/worker/worker.test.ts runs the same code on workerd with a local queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCronSweep, strandedAfterMs } from '../../src/jobs/cron-sweep.js'
import type { JobHandler } from '../../src/jobs/run-job.js'
import { createMemoryLogger } from '../../src/logger.js'
import { createQueueAnnouncer } from '../../src/platform/workers/jobs-queue.js'
import { consumeMessage, decideMessage, unreachableRetrySeconds, type QueueMessage } from '../../src/platform/workers/queue-consumer.js'
import * as jobs from '../../src/storage/queries/jobs.js'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'

const now = new Date('2026-11-02T10:00:00.000Z')

describe('what the consumer does with a message once its job ran', () => {
  it('acks a missing, finished or busy job and retries a failed one at its run_at', () => {
    expect(decideMessage({ kind: 'missing' }, now)).toMatchObject({ action: 'ack', level: 'warn' })
    expect(decideMessage({ kind: 'finished', status: 'done' }, now)).toMatchObject({ action: 'ack' })
    expect(decideMessage({ kind: 'finished', status: 'dead' }, now)).toMatchObject({ action: 'ack' })
    expect(decideMessage({ kind: 'busy' }, now)).toMatchObject({ action: 'ack' })
    const in90s = new Date(now.getTime() + 89_500)
    expect(decideMessage({ kind: 'later', at: in90s, failed: true }, now)).toMatchObject({ action: 'retry', delaySeconds: 90 })
    expect(decideMessage({ kind: 'later', at: now, failed: false }, now)).toMatchObject({ action: 'retry', delaySeconds: 0 })
  })

  it('leaves a job due beyond the queue’s longest delay (12 h) to the cron instead of retrying', () => {
    const tomorrow = new Date(now.getTime() + 13 * 3600_000)
    expect(decideMessage({ kind: 'later', at: tomorrow, failed: false }, now)).toMatchObject({ action: 'ack' })
  })
})

/** A Queues message that records what the consumer did with it. */
function recordedMessage(body: unknown) {
  const calls: Array<{ action: 'ack' } | { action: 'retry'; delaySeconds: number | undefined }> = []
  const message: QueueMessage = {
    id: crypto.randomUUID(),
    body,
    attempts: 1,
    ack: () => void calls.push({ action: 'ack' }),
    retry: (options) => void calls.push({ action: 'retry', delaySeconds: options?.delaySeconds }),
  }
  return { message, calls }
}

const direct = <T>(fn: () => Promise<T>) => fn()

describe.each(testDatabases)('the queue consumer on the jobs table [$name]', (database) => {
  // One database and app for the file; each test works on jobs of its own (and the sweep on a cleared table).
  let sql: Sql | undefined
  let app: TestApp
  beforeAll(async () => {
    sql = await database.open()
    app = await createTestApp(sql, { clock: { now: () => now }, env: { JOB_MAX_ATTEMPTS: '3' } })
  })
  afterAll(async () => {
    await sql?.close()
  })
  const open = async (): Promise<TestApp> => {
    app.logger.records.length = 0
    return app
  }
  const enqueue = (t: TestApp, queue: string, extra: Partial<jobs.EnqueueInput> = {}) =>
    jobs.enqueueJob(t.deps.sql, { queue, payload: {}, runAt: now, maxAttempts: 3, ...extra })
  const consume = (t: TestApp, body: unknown, handlers: Record<string, JobHandler>) => {
    const recorded = recordedMessage(body)
    return consumeMessage(t.deps, recorded.message, { workerId: 'queue-test', scope: direct, handlers }).then(() => recorded.calls)
  }
  const warnings = (t: TestApp) => t.logger.records.filter((record) => record.level === 'warn')

  it('runs the job and acks; a second message for it is acked without running it again', async () => {
    const t = await open()
    let runs = 0
    const handlers = { q: async () => void runs++ }
    const { id } = await enqueue(t, 'q')
    expect(await consume(t, { jobId: id }, handlers)).toEqual([{ action: 'ack' }])
    expect(await jobs.findJob(t.deps.sql, id)).toMatchObject({ status: 'done', attempts: 1 })
    expect(await consume(t, { jobId: id }, handlers)).toEqual([{ action: 'ack' }])
    expect(runs).toBe(1)
  })

  it('acks and logs a message for a job that no longer exists, and one without a job id', async () => {
    const t = await open()
    const gone = crypto.randomUUID()
    expect(await consume(t, { jobId: gone }, {})).toEqual([{ action: 'ack' }])
    expect(await consume(t, 'not a job', {})).toEqual([{ action: 'ack' }])
    expect(warnings(t).map((record) => [record.fields.jobId, record.message])).toEqual([
      [gone, expect.stringMatching(/no longer exists; acknowledged, not retried/)],
      [null, expect.stringMatching(/names no job id/)],
    ])
  })

  it('retries a failed attempt when the jobs table says, then acks once the table dead-letters it', async () => {
    const t = await open()
    const { id } = await enqueue(t, 'q')
    const handlers = { q: async () => Promise.reject(new Error('helpdesk answered 503')) }
    for (const attempt of [1, 2]) {
      const [call] = await consume(t, { jobId: id }, handlers)
      const row = (await jobs.findJob(t.deps.sql, id))!
      expect(row).toMatchObject({ status: 'queued', attempts: attempt, lastError: 'Error: helpdesk answered 503' })
      // The queue redelivers when the row is due again: the delay is the row's backoff, not the queue's own.
      expect(call).toEqual({ action: 'retry', delaySeconds: Math.ceil((row.runAt.getTime() - now.getTime()) / 1000) })
      await t.deps.sql.query('UPDATE jobs SET run_at = $2 WHERE id = $1', [id, now]) // the delay has passed
    }
    expect(await consume(t, { jobId: id }, handlers)).toEqual([{ action: 'ack' }])
    expect(await jobs.findJob(t.deps.sql, id)).toMatchObject({ status: 'dead', attempts: 3 })
  })

  it('acks at once when the handler says the failure is permanent', async () => {
    const t = await open()
    const { id } = await enqueue(t, 'q')
    const handlers = { q: async () => Promise.reject(Object.assign(new Error('token refused'), { permanent: true })) }
    expect(await consume(t, { jobId: id }, handlers)).toEqual([{ action: 'ack' }])
    expect(await jobs.findJob(t.deps.sql, id)).toMatchObject({ status: 'dead', attempts: 1 })
  })

  it('acks a duplicate message while another claim holds the job, and retries a job not due yet until it is', async () => {
    const t = await open()
    const running = await enqueue(t, 'busy')
    await jobs.claimJobs(t.deps.sql, { queues: ['busy'], workerId: 'other', limit: 1, leaseMs: 60_000, now })
    const later = await enqueue(t, 'busy', { runAt: new Date(now.getTime() + 120_000) })
    const handlers = { busy: async () => expect.unreachable('neither job may run') }
    expect(await consume(t, { jobId: running.id }, handlers)).toEqual([{ action: 'ack' }])
    expect(await consume(t, { jobId: later.id }, handlers)).toEqual([{ action: 'retry', delaySeconds: 120 }])
    expect(await jobs.findJob(t.deps.sql, later.id)).toMatchObject({ status: 'queued', attempts: 0 })
  })

  it('retries the message when the job cannot be run at all (database unreachable), leaving the row to the cron', async () => {
    const t = await open()
    const { id } = await enqueue(t, 'q')
    const recorded = recordedMessage({ jobId: id })
    const unreachable = async () => Promise.reject(new Error('connect ECONNREFUSED'))
    await consumeMessage(t.deps, recorded.message, { workerId: 'queue-test', scope: unreachable, handlers: {} })
    expect(recorded.calls).toEqual([{ action: 'retry', delaySeconds: unreachableRetrySeconds }])
    expect(warnings(t).at(-1)?.message).toMatch(/could not be run: connect ECONNREFUSED/)
    expect(await jobs.findJob(t.deps.sql, id)).toMatchObject({ status: 'queued', attempts: 0 })
  })

  it('cron sweep: announces jobs overdue without a claim and expired leases, not fresh, future or finished ones', async () => {
    const t = await open()
    await t.deps.sql.exec('DELETE FROM jobs')
    const longAgo = new Date(now.getTime() - strandedAfterMs - 1000)
    const lost = await enqueue(t, 'sweep', { runAt: longAgo })
    const crashed = await enqueue(t, 'sweep', { runAt: longAgo })
    await jobs.claimJobs(t.deps.sql, { queues: ['sweep'], workerId: 'crashed', limit: 2, leaseMs: 1000, now: longAgo })
    await t.deps.sql.query("UPDATE jobs SET status = 'queued', locked_by = NULL, locked_until = NULL WHERE id = $1", [lost.id])
    await enqueue(t, 'sweep') // due just now: its message is still on its way
    await enqueue(t, 'sweep', { runAt: new Date(now.getTime() + 60_000) })
    const finished = await enqueue(t, 'sweep', { runAt: longAgo })
    await t.deps.sql.query("UPDATE jobs SET status = 'done' WHERE id = $1", [finished.id])
    const announced: string[] = []
    t.deps.jobs = { wake: (ids = []) => void announced.push(...ids) }
    try {
      expect(await runCronSweep(t.deps)).toBe(2)
      expect(announced.sort()).toEqual([lost.id, crashed.id].sort())
    } finally {
      t.deps.jobs = undefined
    }
  })
})

describe('announcing jobs to the JOBS queue', () => {
  it('sends { jobId } messages in batches of at most 100, and logs a failed send instead of throwing', async () => {
    const logger = createMemoryLogger()
    const sent: unknown[][] = []
    let failures = 1
    const queue = {
      async sendBatch(messages: Iterable<{ body: unknown }>) {
        if (failures-- > 0) throw new Error('queue unavailable')
        sent.push([...messages].map((message) => message.body))
      },
    }
    const ids = Array.from({ length: 150 }, () => crypto.randomUUID())
    await createQueueAnnouncer(queue, logger).wake(ids)
    expect(sent).toEqual([ids.slice(100).map((jobId) => ({ jobId }))])
    expect(logger.records).toMatchObject([
      { level: 'error', message: expect.stringMatching(/cron re-sends them/), fields: { jobIds: ids.slice(0, 100) } },
    ])
  })
})
