// The burst of test/http/webhook-burst.test.ts as a measurement: N webhooks through the app in-process,
// then one worker as the server runs it (4 at a time) triaging and writing back to the fake helpdesk.
import { createIntakeWorker } from '../../src/jobs/handlers.js'
import type { WebhookType } from '../../src/webhooks/types.js'
import { startFakeHelpdesk } from '../../test/helpers/fake-helpdesk.js'
import { deliveriesPerTicket, makeTickets, runBurst, type BurstOutcome } from '../../test/helpers/webhook-flow.js'
import { signedHeaders } from '../../test/helpers/webhooks.js'
import { appFor, buildDeps, createIntegrations, openDatabase, seedContent, type DatabaseName } from './setup.js'

export interface BurstFigures extends BurstOutcome {
  database: DatabaseName
  count: number
  inFlight: number
  workerConcurrency: number
  /** Tickets whose result did not arrive exactly once; 0 unless something is wrong. */
  notOnce: number
}

const types: readonly WebhookType[] = ['generic', 'zammad', 'zendesk', 'freshdesk']

export async function measureBurst(
  name: DatabaseName,
  postgresUrl: string | undefined,
  count: number,
  inFlight: number,
): Promise<BurstFigures> {
  const database = await openDatabase(name, postgresUrl)
  const helpdesk = await startFakeHelpdesk()
  try {
    const deps = await buildDeps(database.sql)
    await seedContent(deps)
    const integrations = await createIntegrations(deps, types, helpdesk)
    const app = appFor(deps)
    const tickets = makeTickets(count, types)
    const outcome = await runBurst({
      sql: database.sql,
      tickets,
      inFlight,
      async send(ticket) {
        const integration = integrations.get(ticket.type)!
        const body = JSON.stringify(ticket.payload)
        return (
          await app.request(`/v1/webhooks/${integration.name}`, {
            method: 'POST',
            headers: signedHeaders(ticket.type, integration.secret, body),
            body,
          })
        ).status
      },
      startWorker() {
        const worker = createIntakeWorker(deps)
        deps.jobs = worker
        worker.start()
        return worker
      },
      deadlineMs: 30 * 60_000,
    })
    const notOnce = [...deliveriesPerTicket(helpdesk, tickets).values()].filter((n) => n !== 1).length
    return { ...outcome, database: name, count, inFlight, workerConcurrency: deps.config.jobs.workerConcurrency, notOnce }
  } finally {
    await helpdesk.close()
    await database.close()
  }
}
