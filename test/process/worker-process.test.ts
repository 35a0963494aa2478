// The deployment with separate workers, as real processes on one PostgreSQL schema: the server with
// WORKER_CONCURRENCY=0 takes signed webhooks over HTTP, two `npm run worker` processes triage them and
// write back to a fake helpdesk on 127.0.0.1. Each result lands exactly once, a worker stopped with
// SIGTERM gives its job back and exits 0, and one killed with SIGKILL mid write-back loses nothing.
import { afterEach, describe, expect, it } from 'vitest'
import { writeBackQueue } from '../../src/intake/queues.js'
import type { Sql } from '../../src/storage/sql.js'
import type { WebhookType } from '../../src/webhooks/types.js'
import { freshPostgresSchema, openPostgresSchema, postgresAvailable } from '../helpers/databases.js'
import { loopbackOutboundEnv, startFakeHelpdesk, type FakeHelpdesk } from '../helpers/fake-helpdesk.js'
import { killStartedProcesses, startProcess, startServer, type RunningProcess } from '../helpers/process.js'
import { allWrittenBack, callbacksPerWebhookId, deliveriesPerTicket, makeTickets, waitUntil, type Ticket } from '../helpers/webhook-flow.js'
import { secretFor, signedHeaders } from '../helpers/webhooks.js'

const adminKey = 'test-admin-key-0123456789abcdef-0123456789'
const types: readonly WebhookType[] = ['generic', 'zammad', 'zendesk', 'freshdesk']
// About the queue, not the content: no demo articles or default examples to load.
const light = {
  EMBEDDINGS_PROVIDER: 'hashing',
  KB_LOAD_DEMO: 'false',
  TRAINING_LOAD_DEFAULTS: 'false',
  ADMIN_API_KEY: adminKey,
  ...loopbackOutboundEnv,
}

interface WorkerProcess extends RunningProcess {
  id: string
}

interface Stack {
  url: string
  sql: Sql
  server: RunningProcess
  workers: WorkerProcess[]
  integrations: Map<WebhookType, { name: string; secret: string }>
}

describe.runIf(postgresAvailable)('webhooks through the server and two worker processes [postgres]', () => {
  const cleanups: Array<() => Promise<void>> = []
  let helpdesk: FakeHelpdesk | undefined
  afterEach(async () => {
    killStartedProcesses() // only children these helpers started, by their PID
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
    await helpdesk?.close()
    helpdesk = undefined
  })

  async function startWorker(env: Record<string, string>): Promise<WorkerProcess> {
    const worker = startProcess('src/entry/worker-cli.ts', env, ['--concurrency', '2'])
    const [, id] = await worker.waitFor(/worker (\S+) running/)
    return Object.assign(worker, { id: id! })
  }

  /** A fresh schema, the server without its own worker, two worker processes, one integration per type. */
  async function startStack(workerEnv: Record<string, string> = {}): Promise<Stack> {
    helpdesk = await startFakeHelpdesk()
    const { schema, url: databaseUrl } = await freshPostgresSchema(cleanups)
    const env = { DATABASE_URL: databaseUrl, ...light }
    const server = await startServer({ ...env, WORKER_CONCURRENCY: '0' })
    await server.waitFor(/"msg":"ready"/)
    const sql = await openPostgresSchema(schema)
    cleanups.push(() => sql.close())
    const workerOptions = { ...env, JOB_POLL_INTERVAL_MS: '50', SHUTDOWN_TIMEOUT_SECONDS: '1', ...workerEnv }
    const workers = await Promise.all([startWorker(workerOptions), startWorker(workerOptions)])
    const integrations = new Map<WebhookType, { name: string; secret: string }>()
    for (const type of types) {
      const integration = { name: `${type}-desk`, secret: secretFor(type) }
      const writeBack =
        type === 'generic'
          ? { callbackUrl: helpdesk.callbackUrl }
          : { apiBaseUrl: helpdesk.apiBaseUrl(type), apiToken: helpdesk.tokens[type] }
      const response = await fetch(`${server.url}/v1/integrations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...integration, type, ...writeBack }),
      })
      expect(response.status).toBe(201)
      integrations.set(type, integration)
    }
    return { url: server.url, sql, server, workers, integrations }
  }

  /** POSTs the tickets' webhooks to the real server, a few at a time, each signed as its helpdesk signs it. */
  async function post(stack: Stack, tickets: Ticket[]): Promise<void> {
    for (let start = 0; start < tickets.length; start += 8) {
      const statuses = await Promise.all(
        tickets.slice(start, start + 8).map(async (ticket) => {
          const integration = stack.integrations.get(ticket.type)!
          const body = JSON.stringify(ticket.payload)
          const response = await fetch(`${stack.url}/v1/webhooks/${integration.name}`, {
            method: 'POST',
            headers: signedHeaders(ticket.type, integration.secret, body),
            body,
          })
          await response.body?.cancel()
          return response.status
        }),
      )
      expect(statuses.every((status) => status === 202)).toBe(true)
    }
  }

  const expectEachOnce = (tickets: Ticket[]) => {
    expect([...deliveriesPerTicket(helpdesk!, tickets)].filter(([, count]) => count !== 1)).toEqual([])
    expect([...callbacksPerWebhookId(helpdesk!).values()].every((count) => count === 1)).toBe(true)
  }

  /** The write-back job once it is in a worker's hands and its first request hangs at the helpdesk. */
  async function hungWriteBack(stack: Stack): Promise<{ id: string; owner: WorkerProcess }> {
    let job: { id: string; locked_by: string } | undefined
    await waitUntil(
      async () => {
        ;[job] = await stack.sql.query<{ id: string; locked_by: string }>(
          "SELECT id, locked_by FROM jobs WHERE queue = $1 AND status = 'running'",
          [writeBackQueue],
        )
        return Boolean(job) && helpdesk!.requests.length > 0
      },
      'a worker to hang in the write-back',
      60_000,
    )
    const owner = stack.workers.find((worker) => worker.id === job!.locked_by)
    expect(owner).toBeDefined()
    return { id: job!.id, owner: owner! }
  }

  const jobRow = async (sql: Sql, id: string) =>
    (
      await sql.query<{ status: string; attempts: number; locked_by: string | null }>(
        'SELECT status, attempts, locked_by FROM jobs WHERE id = $1',
        [id],
      )
    )[0]!

  it('each webhook is triaged and written back once by the worker processes; SIGTERM gives a hung job back and exits 0', async () => {
    const stack = await startStack()
    const tickets = makeTickets(24, types)
    await post(stack, tickets)
    await waitUntil(() => allWrittenBack(stack.sql, tickets.length), 'all results to be written back', 120_000)
    expectEachOnce(tickets)
    const jobs = await stack.sql.query<{ locked_by: string; attempts: number; status: string }>(
      'SELECT locked_by, attempts, status FROM jobs',
    )
    expect(jobs).toHaveLength(2 * tickets.length)
    expect(jobs.every((job) => job.status === 'done' && job.attempts === 1)).toBe(true)
    expect(new Set(jobs.map((job) => job.locked_by))).toEqual(new Set(stack.workers.map((worker) => worker.id))) // both took part

    // SIGTERM while a write-back hangs: the worker waits its grace period, releases the job uncounted, exits 0.
    helpdesk!.hang(true)
    const [late] = makeTickets(1, ['zendesk'], 5000)
    await post(stack, [late!])
    const { id, owner } = await hungWriteBack(stack)
    const other = stack.workers.find((worker) => worker !== owner)!
    expect(await owner.stop('SIGTERM')).toBe(0)
    expect(owner.output()).toMatch(/"msg":"job released"/)
    const released = await jobRow(stack.sql, id)
    expect(released.locked_by).not.toBe(owner.id) // queued, or already taken by the other worker
    expect(released.attempts).toBeLessThanOrEqual(1) // the released attempt is not counted

    helpdesk!.hang(false)
    await waitUntil(() => allWrittenBack(stack.sql, tickets.length + 1), 'the released write-back to be done by the other worker', 60_000)
    expectEachOnce([...tickets, late!])
    expect(await jobRow(stack.sql, id)).toMatchObject({ status: 'done', locked_by: other.id })
    expect(await other.stop('SIGTERM')).toBe(0)
    expect(await stack.server.stop('SIGTERM')).toBe(0)
  })

  it('a worker killed with SIGKILL mid write-back: the other worker completes the job once after the lease expires', async () => {
    const stack = await startStack({ JOB_LEASE_SECONDS: '2' })
    helpdesk!.hang(true)
    const [ticket] = makeTickets(1, ['zendesk'])
    await post(stack, [ticket!])
    const { id, owner } = await hungWriteBack(stack)
    const survivor = stack.workers.find((worker) => worker !== owner)!
    owner.child.kill('SIGKILL') // the ChildProcess we spawned, by its PID
    expect(await owner.exited).toBeNull()
    expect(await jobRow(stack.sql, id)).toMatchObject({ status: 'running', attempts: 1, locked_by: owner.id }) // nobody knows yet

    helpdesk!.hang(false)
    await waitUntil(() => allWrittenBack(stack.sql, 1), 'the survivor to take the write-back over', 60_000)
    expect(await jobRow(stack.sql, id)).toMatchObject({ status: 'done', attempts: 2, locked_by: survivor.id })
    expectEachOnce([ticket!])
    expect(survivor.output()).not.toMatch(/"level":50/) // no errors on the survivor's side
    expect(await survivor.stop('SIGTERM')).toBe(0)
    expect(await stack.server.stop('SIGTERM')).toBe(0)
  })
})
