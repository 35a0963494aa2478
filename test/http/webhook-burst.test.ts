// A burst of 1 000 signed webhooks from four helpdesks through the real app (in-process requests, 50 at a
// time), then one in-process worker as the server runs it (WORKER_CONCURRENCY default, 4) triaging and
// writing back to the fake helpdesk. Every ticket gets its result exactly once, no job needs a second
// attempt (no failure is injected). Throughput is printed and annotated, never asserted.
//
// PostgreSQL only by default. PGlite is one in-process WASM connection shared by the intake, the worker and
// the fake helpdesk on this event loop: on the 2-core test machine it managed about 5 inquiries/s (a burst
// of 200: intake 31/s, triage + write-back 5.2/s), so 1 000 would need 4-5 minutes with its seeding.
// BURST_PGLITE=1 runs it anyway.
import { afterEach, describe, expect, it } from 'vitest'
import { createIntakeWorker } from '../../src/jobs/handlers.js'
import type { Worker } from '../../src/jobs/worker.js'
import type { Sql } from '../../src/storage/sql.js'
import type { WebhookType } from '../../src/webhooks/types.js'
import { testDatabases } from '../helpers/databases.js'
import { startFakeHelpdesk, type FakeHelpdesk } from '../helpers/fake-helpdesk.js'
import { openSeeded } from '../helpers/seed.js'
import { createIntegration, deliver } from '../helpers/webhooks.js'
import { callbacksPerWebhookId, deliveriesPerTicket, describeBurst, flowCounts, makeTickets, runBurst } from '../helpers/webhook-flow.js'

const burst = 1000
const inFlight = 50
const types: readonly WebhookType[] = ['generic', 'zammad', 'zendesk', 'freshdesk']

const runsOn = (name: string) => name === 'postgres' || process.env.BURST_PGLITE === '1'
const deadlineMs = { postgres: 200_000, pglite: 420_000 }

describe.each(testDatabases)('a burst of 1 000 webhooks [$name]', (database) => {
  let sql: Sql | undefined
  let helpdesk: FakeHelpdesk | undefined
  let worker: Worker | undefined
  afterEach(async () => {
    await worker?.stop({ graceful: false })
    await helpdesk?.close()
    await sql?.close()
  })

  it.runIf(runsOn(database.name))(
    'stores all 1 000, triages and writes back each exactly once, none retried',
    async ({ annotate }) => {
      const seeded = await openSeeded(database) // demo knowledge and examples: triage does its real retrieval
      sql = seeded.sql
      const { t } = seeded
      helpdesk = await startFakeHelpdesk()
      const integrations = new Map<WebhookType, { name: string; secret: string }>()
      for (const type of types) integrations.set(type, await createIntegration(t, type, { helpdesk }))
      const tickets = makeTickets(burst, types)

      const outcome = await runBurst({
        sql,
        tickets,
        inFlight,
        send: async (ticket) => (await deliver(t, integrations.get(ticket.type)!, ticket.type, ticket.payload)).status,
        startWorker() {
          worker = createIntakeWorker(t.deps) // as the server runs it: concurrency, lease and polling from the defaults
          t.deps.jobs = worker
          worker.start()
          return worker
        },
        deadlineMs: deadlineMs[database.name],
      })
      expect(outcome.statuses).toEqual({ 202: burst })
      expect(t.deps.config.jobs.workerConcurrency).toBe(4)

      const counts = await flowCounts(sql)
      expect(counts).toEqual({
        inquiries: burst,
        triaged: burst,
        writtenBack: burst,
        jobs: { triage: { done: burst }, 'write-back': { done: burst } },
        retried: 0,
      })
      const perTicket = deliveriesPerTicket(helpdesk, tickets)
      expect(perTicket.size).toBe(burst)
      expect([...perTicket].filter(([, count]) => count !== 1)).toEqual([])
      expect([...callbacksPerWebhookId(helpdesk).values()].filter((count) => count !== 1)).toEqual([])

      const report = describeBurst(database.name, burst, outcome, `${inFlight} requests in flight, 1 worker × 4`)
      console.log(`burst of ${burst}: ${report}`)
      await annotate(report)
    },
    480_000,
  )
})
