// The dead-letter API on each database: GET /v1/jobs lists jobs by status with their last error, paged
// by cursor; POST /v1/jobs/:id/retry queues a dead job again. Dead jobs come from the real path (a
// helpdesk that refuses the token) where that is simple, and from the queue's own statements for paging.
import { describe, expect, it } from 'vitest'
import { claimJobs, enqueueJob, failJob } from '../../src/storage/queries/jobs.js'
import type { Sql } from '../../src/storage/sql.js'
import type { TestApp } from '../helpers/app.js'
import { testDatabases } from '../helpers/databases.js'
import type { FakeHelpdesk } from '../helpers/fake-helpdesk.js'
import { createIntegration, deliver, testWorker, useWebhookTestbed } from '../helpers/webhooks.js'
import { readFixture } from '../webhooks/support.js'

type Job = {
  id: string
  queue: string
  payload: { inquiryId?: string; n?: number }
  status: string
  attempts: number
  maxAttempts: number
  lastError: string | null
  createdAt: string
  finishedAt: string | null
}
type Page = { items: Job[]; nextCursor: string | null }

describe.each(testDatabases)('/v1/jobs [$name]', (database) => {
  let sql: Sql
  let t: TestApp
  let helpdesk: FakeHelpdesk
  const bed = useWebhookTestbed(database, (opened) => ({ sql, t, helpdesk } = opened))

  async function get<T>(path: string): Promise<{ status: number; body: T }> {
    const response = await t.call('GET', path, { key: await t.keyFor('admin') })
    return { status: response.status, body: (await response.json()) as T }
  }
  async function retry(id: string): Promise<{ status: number; body: Job & { code?: string } }> {
    const response = await t.call('POST', `/v1/jobs/${id}/retry`, { key: await t.keyFor('admin') })
    return { status: response.status, body: (await response.json()) as Job & { code?: string } }
  }

  /** A queue of its own per test, so listings see only that test's jobs; no worker handles it. */
  const ownQueue = () => `test-${crypto.randomUUID().slice(0, 8)}`

  /** Dead-letters a job through the queue's own statements, as a worker whose handler failed for good would. */
  async function deadJob(queue: string, n: number): Promise<string> {
    const { id } = await enqueueJob(sql, { queue, payload: { n }, maxAttempts: 3 })
    const [claimed] = await claimJobs(sql, { queues: [queue], workerId: 'test-worker', limit: 1, leaseMs: 60_000, now: new Date() })
    expect(claimed?.id).toBe(id)
    expect(await failJob(sql, id, 'test-worker', `Error: handler ${n} failed`, { now: new Date(), permanent: true })).toMatchObject({
      status: 'dead',
    })
    return id
  }

  /** Zendesk tickets whose write-back the fake helpdesk refuses (401): each write-back job is dead at once. */
  async function refusedWriteBacks(count: number) {
    const integration = await createIntegration(t, 'zendesk')
    const fixed = await t.call('PATCH', `/v1/integrations/${integration.name}`, {
      key: await t.keyFor('admin'),
      json: { apiBaseUrl: helpdesk.apiBaseUrl('zendesk'), apiToken: 'agent@example.com/token:not-the-right-one' },
    })
    expect(fixed.status).toBe(200)
    const fixture = (await readFixture('zendesk-ticket-created.json')) as { ticket: Record<string, unknown> }
    const inquiryIds: string[] = []
    for (let i = 0; i < count; i++) {
      const ticket = { ...fixture, ticket: { ...fixture.ticket, id: String(90_000 + Math.floor(Math.random() * 9_000_000)) } }
      const response = await deliver(t, integration, 'zendesk', ticket)
      expect(response.status).toBe(202)
      inquiryIds.push(((await response.json()) as { inquiryId: string }).inquiryId)
    }
    bed.worker = testWorker(t)
    await bed.worker.drain()
    const rows = await sql.query<{ id: string; inquiry_id: string }>(
      `SELECT id, payload->>'inquiryId' AS inquiry_id FROM jobs WHERE queue = 'write-back' AND status = 'dead' AND payload->>'inquiryId' = ANY($1::text[])`,
      [inquiryIds],
    )
    expect(rows).toHaveLength(count)
    return { integration, inquiryIds, jobIds: rows.map((row) => row.id) }
  }

  describe('GET /v1/jobs', () => {
    it('lists the write-backs a helpdesk refused as dead, with their last error and one attempt used', async () => {
      const { jobIds, inquiryIds } = await refusedWriteBacks(2)
      const { status, body } = await get<Page>('/v1/jobs?status=dead&queue=write-back&limit=200')
      expect(status).toBe(200)
      const ours = body.items.filter((job) => jobIds.includes(job.id))
      expect(ours).toHaveLength(2)
      for (const job of ours) {
        expect(job).toMatchObject({ queue: 'write-back', status: 'dead', attempts: 1, finishedAt: expect.any(String) })
        expect(inquiryIds).toContain(job.payload.inquiryId)
        expect(job.lastError).toMatch(/zendesk write-back: .* answered 401/)
        expect(job.lastError).not.toContain('not-the-right-one')
      }
      expect(body.items.every((job) => job.status === 'dead')).toBe(true)
      const one = await get<Job>(`/v1/jobs/${jobIds[0]}`)
      expect(one.status).toBe(200)
      expect(one.body).toMatchObject({ id: jobIds[0], status: 'dead', lastError: expect.stringMatching(/answered 401/) })
    })

    it('pages newest first with nextCursor until it is null, each job once', async () => {
      const queue = ownQueue()
      const ids: string[] = []
      for (let n = 0; n < 5; n++) ids.push(await deadJob(queue, n))
      const seen: Job[] = []
      let cursor: string | null = null
      const pageSizes: number[] = []
      do {
        const page: { status: number; body: Page } = await get<Page>(
          `/v1/jobs?status=dead&queue=${queue}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        )
        expect(page.status).toBe(200)
        pageSizes.push(page.body.items.length)
        seen.push(...page.body.items)
        cursor = page.body.nextCursor
      } while (cursor && pageSizes.length < 10)
      expect(pageSizes).toEqual([2, 2, 1])
      expect(seen.map((job) => job.id).sort()).toEqual([...ids].sort())
      const created = seen.map((job) => Date.parse(job.createdAt))
      expect(created).toEqual([...created].sort((a, b) => b - a))
      expect(seen.every((job) => job.status === 'dead' && /^Error: handler \d failed$/.test(job.lastError ?? ''))).toBe(true)

      const exact = await get<Page>(`/v1/jobs?status=dead&queue=${queue}&limit=5`)
      expect(exact.body.items).toHaveLength(5)
      expect(exact.body.nextCursor).toBeNull()
      expect((await get<Page>(`/v1/jobs?queue=${queue}`)).body.items).toHaveLength(5) // status defaults to dead
      expect((await get<Page>(`/v1/jobs?status=queued&queue=${queue}`)).body.items).toEqual([])
      expect((await get<Page>(`/v1/jobs?status=dead&queue=${queue}&cursor=${crypto.randomUUID()}`)).body).toEqual({
        items: [],
        nextCursor: null,
      })
    })

    it.each([
      ['status=zombie', 'status'],
      ['status=DEAD', 'status'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=2.5', 'limit'],
      ['cursor=not-a-uuid', 'cursor'],
    ])('422 naming the parameter for %s', async (query, field) => {
      const { status, body } = await get<{ code: string; errors: Array<{ field: string }> }>(`/v1/jobs?${query}`)
      expect(status).toBe(422)
      expect(body.code).toBe('validation_failed')
      expect(body.errors.map((error) => error.field)).toContain(field)
    })
  })

  describe('POST /v1/jobs/:id/retry', () => {
    it('queues a dead job again with attempts 0; once the admin fixes the token it is written back, and a done job cannot be retried', async () => {
      const {
        integration,
        jobIds: [jobId],
        inquiryIds: [inquiryId],
      } = await refusedWriteBacks(1)
      const retried = await retry(jobId!)
      expect(retried.status).toBe(200)
      expect(retried.body).toMatchObject({
        id: jobId,
        status: 'queued',
        attempts: 0,
        finishedAt: null,
        lastError: expect.stringMatching(/answered 401/),
      })
      expect((await get<Job>(`/v1/jobs/${jobId}`)).body).toMatchObject({ status: 'queued', attempts: 0 })
      expect((await retry(jobId!)).status).toBe(409) // queued now, not dead

      const fixed = await t.call('PATCH', `/v1/integrations/${integration.name}`, {
        key: await t.keyFor('admin'),
        json: { apiToken: helpdesk.tokens.zendesk },
      })
      expect(fixed.status).toBe(200)
      await bed.worker!.drain()
      expect((await get<Job>(`/v1/jobs/${jobId}`)).body).toMatchObject({ status: 'done', attempts: 1 })
      const inquiry = (await (await t.call('GET', `/v1/inquiries/${inquiryId}`, { key: await t.keyFor('agent') })).json()) as {
        externalId: string
        writtenBackAt: string | null
      }
      expect(inquiry.writtenBackAt).toEqual(expect.any(String))
      const ticketId = inquiry.externalId.slice('zendesk:'.length)
      expect(helpdesk.notes('zendesk', ticketId)).toHaveLength(1)

      const again = await retry(jobId!)
      expect(again.status).toBe(409)
      expect(again.body.code).toBe('conflict')
    })

    it('409 for a queued job, 404 for an unknown or malformed id', async () => {
      const { id } = await enqueueJob(sql, { queue: ownQueue(), payload: {} })
      const queued = await retry(id)
      expect(queued.status).toBe(409)
      expect((await get<Job>(`/v1/jobs/${id}`)).body).toMatchObject({ status: 'queued', attempts: 0 })
      for (const unknown of [crypto.randomUUID(), 'not-a-uuid']) {
        const response = await retry(unknown)
        expect(response.status).toBe(404)
        expect(response.body.code).toBe('not_found')
        expect((await get<{ code: string }>(`/v1/jobs/${unknown}`)).status).toBe(404)
      }
    })
  })

  it('is for admins only: 403 to integration, agent and lead keys, 401 without a key, and nothing retried', async () => {
    const id = await deadJob(ownQueue(), 0)
    const routes: Array<[string, string]> = [
      ['GET', '/v1/jobs?status=dead'],
      ['GET', `/v1/jobs/${id}`],
      ['POST', `/v1/jobs/${id}/retry`],
    ]
    for (const [method, path] of routes) {
      for (const role of ['integration', 'agent', 'lead'] as const) {
        expect((await t.call(method, path, { key: await t.keyFor(role) })).status, `${method} ${path} as ${role}`).toBe(403)
      }
      expect((await t.call(method, path)).status, `${method} ${path} without a key`).toBe(401)
    }
    expect((await get<Job>(`/v1/jobs/${id}`)).body).toMatchObject({ status: 'dead' })
  })
})
