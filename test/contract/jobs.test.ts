import { afterEach, describe, expect, it } from 'vitest'
import { systemClock, type Clock } from '../../src/clock.js'
import { createWorker, type Worker, type WorkerOptions } from '../../src/jobs/worker.js'
import { createMemoryLogger } from '../../src/logger.js'
import * as jobs from '../../src/storage/queries/jobs.js'
import type { Sql } from '../../src/storage/sql.js'
import { testDatabases } from '../helpers/databases.js'

/** A clock that moves only when told to. */
function manualClock(start = new Date()): Clock & { advance(ms: number): void; set(at: Date): void } {
  let now = start
  return { now: () => now, advance: (ms) => void (now = new Date(now.getTime() + ms)), set: (at) => void (now = at) }
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const gate = () => {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { open, opened }
}

describe.each(testDatabases)('job queue contract [$name]', (database) => {
  let sql: Sql
  const workers: Worker[] = []
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.stop({ graceful: false })
    await sql?.close()
  })
  const open = async () => (sql = await database.open())
  const find = async (id: string) => (await jobs.findJob(sql, id))!
  const lease = { leaseMs: 1000 }
  const claim = (workerId: string, now: Date, limit = 10) => jobs.claimJobs(sql, { queues: ['q'], workerId, limit, now, ...lease })
  const worker = (options: Partial<WorkerOptions> & Pick<WorkerOptions, 'handlers'>) => {
    const created = createWorker({
      sql,
      concurrency: 4,
      leaseMs: 5000,
      pollIntervalMs: 20,
      clock: systemClock,
      logger: createMemoryLogger(),
      ...options,
    })
    workers.push(created)
    return created
  }

  it('enqueues, claims once and completes; enqueueing inside a rolled-back transaction leaves no job', async () => {
    await open()
    const now = new Date()
    const { id, created } = await jobs.enqueueJob(sql, { queue: 'q', payload: { to: 'a@example.com' }, runAt: now })
    expect(created).toBe(true)
    await jobs.enqueueJob(sql, { queue: 'other', payload: {} })
    const [job, ...rest] = await claim('w1', now)
    expect(rest).toEqual([])
    expect(job).toMatchObject({ id, queue: 'q', payload: { to: 'a@example.com' }, status: 'running', attempts: 1, lockedBy: 'w1' })
    expect(job!.lockedUntil!.getTime()).toBe(now.getTime() + 1000)
    expect(await claim('w2', now)).toEqual([])
    expect(await jobs.completeJob(sql, id, 'w1', { now })).toBe(true)
    expect(await jobs.completeJob(sql, id, 'w1', { now })).toBe(false) // already done
    expect(await find(id)).toMatchObject({ status: 'done', finishedAt: now, lockedUntil: null })

    await expect(
      sql.transaction(async (tx) => {
        await jobs.enqueueJob(tx, { queue: 'q', payload: 1 })
        throw new Error('caller failed')
      }),
    ).rejects.toThrow('caller failed')
    expect(await sql.query('SELECT id FROM jobs')).toHaveLength(2)
  })

  it('claims due jobs by priority, then by run_at, and leaves a higher-priority job that is not due yet', async () => {
    await open()
    const now = new Date()
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000)
    const oldest = await jobs.enqueueJob(sql, { queue: 'q', payload: 'triage 1', runAt: at(-30) })
    const older = await jobs.enqueueJob(sql, { queue: 'q', payload: 'triage 2', runAt: at(-20) })
    const finishing = await jobs.enqueueJob(sql, {
      queue: 'q',
      payload: 'write-back 1',
      runAt: at(-10),
      priority: jobs.jobPriority.finishing,
    })
    await jobs.enqueueJob(sql, { queue: 'q', payload: 'write-back later', runAt: at(60), priority: jobs.jobPriority.finishing })
    const first = await claim('w1', now, 1)
    expect(first.map((job) => [job.id, job.priority])).toEqual([[finishing.id, jobs.jobPriority.finishing]])
    expect((await claim('w1', now, 10)).map((job) => job.id)).toEqual([oldest.id, older.id])
    expect(await claim('w1', now, 10)).toEqual([])
  })

  it('makes a job enqueued without runAt due to a claim in the same millisecond (run_at has no microseconds)', async () => {
    await open()
    const { id } = await jobs.enqueueJob(sql, { queue: 'q', payload: {} })
    const [row] = await sql.query<{ micros: number }>(
      'SELECT (extract(microseconds FROM run_at)::int % 1000) AS micros FROM jobs WHERE id = $1',
      [id],
    )
    expect(row!.micros).toBe(0)
    expect((await claim('w1', (await find(id)).runAt)).map((job) => job.id)).toEqual([id])
  })

  it('treats a repeated dedupe key as the same job', async () => {
    await open()
    const first = await jobs.enqueueJob(sql, { queue: 'q', payload: { n: 1 }, dedupeKey: 'evt_1' })
    const again = await sql.transaction((tx) => jobs.enqueueJob(tx, { queue: 'q', payload: { n: 2 }, dedupeKey: 'evt_1' }))
    expect(again).toEqual({ id: first.id, created: false })
    const [{ n }] = (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs')) as [{ n: number }]
    expect(n).toBe(1)
  })

  it('never gives one job to two concurrent claimers', async () => {
    await open()
    const now = new Date()
    for (let i = 0; i < 60; i++) await jobs.enqueueJob(sql, { queue: 'q', payload: { i }, runAt: now })
    const seen: string[] = []
    for (let round = 0; round < 10 && seen.length < 60; round++) {
      // On PostgreSQL these run on separate pooled connections at once; PGlite serialises them.
      const batches = await Promise.all(Array.from({ length: 8 }, (_, w) => claim(`w${w}`, now, 4)))
      seen.push(...batches.flat().map((job) => job.id))
    }
    expect(seen).toHaveLength(60)
    expect(new Set(seen).size).toBe(60)
  })

  it.runIf(database.name === 'postgres')('skips rows another open transaction has claimed instead of waiting for them', async () => {
    await open()
    const now = new Date()
    for (let i = 0; i < 6; i++) await jobs.enqueueJob(sql, { queue: 'q', payload: { i }, runAt: now })
    const [held, other] = await sql.transaction(async (tx) => {
      const mine = await jobs.claimJobs(tx, { queues: ['q'], workerId: 'a', limit: 3, now, ...lease })
      // A second connection while the first still holds its row locks; waiting on them would time out.
      const blocked = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('claimer waited on locked rows')), 5000))
      return [mine, await Promise.race([claim('b', now), blocked])]
    })
    expect(held).toHaveLength(3)
    expect(other).toHaveLength(3)
    expect(other.some((job) => held.some((mine) => mine.id === job.id))).toBe(false)
  })

  it('backs off with full jitter, retries and dead-letters after max attempts with the last error', async () => {
    await open()
    const clock = manualClock()
    const backoff = { baseMs: 1000, capMs: 600_000, random: () => 0.5 }
    const { id } = await jobs.enqueueJob(sql, { queue: 'q', payload: {}, maxAttempts: 3, runAt: clock.now() })
    for (const attempt of [1, 2]) {
      const [job] = await claim('w1', clock.now())
      expect(job?.attempts).toBe(attempt)
      const outcome = await jobs.failJob(sql, id, 'w1', `boom ${attempt}`, { now: clock.now(), backoff })
      const delay = 0.5 * 1000 * 2 ** (attempt - 1)
      expect(outcome).toEqual({ status: 'queued', attempts: attempt, runAt: new Date(clock.now().getTime() + delay) })
      expect(await claim('w1', new Date(clock.now().getTime() + delay - 1))).toEqual([]) // not due yet
      clock.advance(delay)
    }
    await claim('w1', clock.now())
    expect(await jobs.failJob(sql, id, 'w1', 'boom 3', { now: clock.now(), backoff })).toEqual({ status: 'dead', attempts: 3 })
    expect(await find(id)).toMatchObject({ status: 'dead', attempts: 3, lastError: 'boom 3', finishedAt: clock.now() })
    expect(await claim('w1', new Date(clock.now().getTime() + 3_600_000))).toEqual([])
  })

  it('keeps every retry delay between zero and the capped exponential ceiling', async () => {
    await open()
    const clock = manualClock()
    const draws = [0, 0.999, 0.25, 0.999, 0.999, 0.999]
    let drawn = 0
    const backoff = { baseMs: 1000, capMs: 5000, random: () => (drawn = draws.shift()!) }
    const { id } = await jobs.enqueueJob(sql, { queue: 'q', payload: {}, maxAttempts: 10, runAt: clock.now() })
    for (const attempt of [1, 2, 3, 4, 5, 6]) {
      await claim('w1', clock.now())
      const outcome = await jobs.failJob(sql, id, 'w1', 'x', { now: clock.now(), backoff })
      const ceiling = Math.min(5000, 1000 * 2 ** (attempt - 1))
      const delay = (outcome as { runAt: Date }).runAt.getTime() - clock.now().getTime()
      expect(delay).toBeGreaterThanOrEqual(0)
      expect(delay).toBeLessThanOrEqual(ceiling)
      expect(delay).toBe(Math.round(drawn * ceiling))
      clock.advance(delay)
    }
  })

  it('lets another worker reclaim an expired lease and refuses the old worker afterwards', async () => {
    await open()
    const clock = manualClock()
    const { id } = await jobs.enqueueJob(sql, { queue: 'q', payload: {}, runAt: clock.now() })
    await claim('old', clock.now())
    clock.advance(600)
    expect(await jobs.extendLease(sql, id, 'old', { now: clock.now(), leaseMs: 1000 })).toBe(true) // heartbeat: until +1600
    clock.advance(900)
    expect(await claim('new', clock.now())).toEqual([]) // still leased
    clock.advance(100)
    const [taken] = await claim('new', clock.now())
    expect(taken).toMatchObject({ id, lockedBy: 'new', attempts: 2 })
    expect(await jobs.completeJob(sql, id, 'old', { now: clock.now() })).toBe(false)
    expect(await jobs.failJob(sql, id, 'old', 'late', { now: clock.now() })).toEqual({ status: 'lost' })
    expect(await jobs.extendLease(sql, id, 'old', { now: clock.now(), leaseMs: 1000 })).toBe(false)
    expect(await jobs.releaseJob(sql, id, 'old', { now: clock.now() })).toBe(false)
    expect(await jobs.completeJob(sql, id, 'new', { now: clock.now() })).toBe(true)
    expect(await find(id)).toMatchObject({ status: 'done', attempts: 2, lockedBy: 'new' })
  })

  it('dead-letters a job whose last attempt never finished instead of handing it out again', async () => {
    await open()
    const clock = manualClock()
    const { id } = await jobs.enqueueJob(sql, { queue: 'q', payload: {}, maxAttempts: 1, runAt: clock.now() })
    await claim('crashed', clock.now())
    clock.advance(2000)
    expect(await claim('next', clock.now())).toEqual([])
    expect(await find(id)).toMatchObject({ status: 'dead', attempts: 1, lastError: expect.stringMatching(/never finished/) })
  })

  it('releases a job without counting the attempt, and retries a dead job from the start', async () => {
    await open()
    const now = new Date()
    const { id } = await jobs.enqueueJob(sql, { queue: 'q', payload: {}, maxAttempts: 1, runAt: now })
    await claim('w1', now)
    expect(await jobs.releaseJob(sql, id, 'w2', { now })).toBe(false)
    expect(await jobs.releaseJob(sql, id, 'w1', { now })).toBe(true)
    expect(await find(id)).toMatchObject({ status: 'queued', attempts: 0, lockedBy: null, lockedUntil: null })
    await claim('w1', now)
    await jobs.failJob(sql, id, 'w1', 'gave up', { now })
    expect(await jobs.retryDeadJob(sql, id, { now })).toMatchObject({
      status: 'queued',
      attempts: 0,
      lastError: 'gave up',
      finishedAt: null,
    })
    expect(await jobs.retryDeadJob(sql, id)).toBeUndefined() // no longer dead
    expect(await claim('w1', now)).toMatchObject([{ id, attempts: 1 }])
  })

  it('lists one status newest first, page by page, optionally for one queue', async () => {
    await open()
    const now = new Date()
    const dead: string[] = []
    for (let i = 0; i < 5; i++) {
      const { id } = await jobs.enqueueJob(sql, { queue: i < 3 ? 'q' : 'r', payload: { i }, maxAttempts: 1, runAt: now })
      await jobs.claimJobs(sql, { queues: ['q', 'r'], workerId: 'w', limit: 1, now, ...lease })
      await jobs.failJob(sql, id, 'w', `failure ${i}`, { now })
      dead.unshift(id)
    }
    await jobs.enqueueJob(sql, { queue: 'q', payload: 'still queued' })
    const pages: string[][] = []
    let cursor: string | undefined
    do {
      const page = await jobs.listJobs(sql, { status: 'dead', limit: 2, cursor })
      pages.push(page.jobs.map((job) => job.id))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1])
    expect(pages.flat()).toEqual(dead)
    const onlyR = await jobs.listJobs(sql, { status: 'dead', queue: 'r', limit: 10 })
    expect(onlyR).toEqual({
      jobs: [expect.objectContaining({ lastError: 'failure 4' }), expect.objectContaining({ lastError: 'failure 3' })],
      nextCursor: null,
    })
  })

  it('runs 200 jobs with concurrency 4, each exactly once', async () => {
    await open()
    await sql.exec('CREATE TABLE job_effects (job_id uuid NOT NULL)')
    await sql.transaction(async (tx) => {
      for (let i = 0; i < 200; i++) await jobs.enqueueJob(tx, { queue: 'q', payload: { i } })
    })
    let active = 0
    let peak = 0
    const w = worker({
      handlers: {
        q: async (job) => {
          peak = Math.max(peak, ++active)
          await new Promise((resolve) => setTimeout(resolve, 2))
          await sql.query('INSERT INTO job_effects (job_id) VALUES ($1)', [job.id])
          active--
        },
      },
    })
    w.start()
    const done = async () => (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE status = 'done'`))[0]!.n
    await waitUntil(async () => (await done()) === 200, 60_000, '200 jobs done')
    await w.stop()
    const effects = await sql.query<{ job_id: string; n: number }>('SELECT job_id, count(*)::int AS n FROM job_effects GROUP BY job_id')
    expect(effects).toHaveLength(200)
    expect(effects.every((effect) => effect.n === 1)).toBe(true)
    expect(peak).toBeGreaterThan(1)
    expect(peak).toBeLessThanOrEqual(4)
  })

  it('retries a failing handler after its backoff, then completes it', async () => {
    await open()
    const clock = manualClock()
    let calls = 0
    const w = worker({
      clock,
      backoff: { baseMs: 1000, random: () => 0.5 },
      handlers: {
        q: async () => {
          if (calls++ === 0) throw new Error('upstream 502')
        },
      },
    })
    const { id } = await jobs.enqueueJob(sql, { queue: 'q', payload: {}, runAt: clock.now() })
    expect(await w.drain()).toBe(1)
    expect(await find(id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      lastError: expect.stringContaining('upstream 502'),
      runAt: new Date(clock.now().getTime() + 500),
    })
    expect(await w.runOnce()).toBe(0)
    clock.advance(500)
    expect(await w.drain()).toBe(1)
    expect(await find(id)).toMatchObject({ status: 'done', attempts: 2 })
  })

  it('keeps the lease with heartbeats, and aborts a handler whose job was taken over', async () => {
    await open()
    const aborted = gate()
    let reason: unknown
    const logger = createMemoryLogger()
    const w = worker({
      logger,
      leaseMs: 300,
      heartbeatMs: 50,
      handlers: {
        q: (_job, { signal }) =>
          new Promise<void>((_, reject) =>
            signal.addEventListener('abort', () => {
              reason = signal.reason
              aborted.open()
              reject(signal.reason)
            }),
          ),
      },
    })
    const { id } = await jobs.enqueueJob(sql, { queue: 'q', payload: {} })
    w.start()
    await waitUntil(async () => (await find(id)).status === 'running', 10_000, 'job claimed')
    await new Promise((resolve) => setTimeout(resolve, 600)) // two leases long
    expect(await jobs.claimJobs(sql, { queues: ['q'], workerId: 'other', limit: 1, now: new Date(), leaseMs: 60_000 })).toEqual([])
    await sql.query(`UPDATE jobs SET locked_by = 'other' WHERE id = $1`, [id]) // as if its lease had expired and been reclaimed
    await aborted.opened
    expect(String(reason)).toMatch(/lease lost/)
    await waitUntil(() => logger.records.some((record) => /lease was lost/.test(record.message ?? '')), 5000, 'failure reported as lost')
    expect(await find(id)).toMatchObject({ status: 'running', lockedBy: 'other', attempts: 1 })
  })

  it('on graceful stop finishes a job that ends within the timeout', async () => {
    await open()
    const entered = gate()
    const finish = gate()
    const w = worker({ handlers: { q: async () => (entered.open(), await finish.opened) } })
    const { id } = await jobs.enqueueJob(sql, { queue: 'q', payload: {} })
    w.start()
    await entered.opened
    const stopped = w.stop({ graceful: true, timeoutMs: 10_000 })
    setTimeout(finish.open, 100)
    await stopped
    expect(await find(id)).toMatchObject({ status: 'done', attempts: 1 })
  })

  it('on graceful stop releases a job still running at the timeout, with its handler aborted', async () => {
    await open()
    const entered = gate()
    let signal: AbortSignal | undefined
    const w = worker({ handlers: { q: (_job, context) => ((signal = context.signal), entered.open(), new Promise<void>(() => {})) } })
    const { id } = await jobs.enqueueJob(sql, { queue: 'q', payload: {} })
    w.start()
    await entered.opened
    await w.stop({ graceful: true, timeoutMs: 100 })
    expect(signal?.aborted).toBe(true)
    expect(await find(id)).toMatchObject({ status: 'queued', attempts: 0, lockedBy: null })
    const next = worker({ handlers: { q: async () => {} } })
    expect(await next.drain()).toBe(1)
    expect(await find(id)).toMatchObject({ status: 'done', attempts: 1 })
  })
})
