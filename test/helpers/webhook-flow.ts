// Tickets for many-delivery tests (each helpdesk's real payload with its own ticket id), and the checks
// that say "every result reached its ticket exactly once". No vitest import: bench/ uses these too.
import { readFileSync } from 'node:fs'
import type { Sql } from '../../src/storage/sql.js'
import type { WebhookType } from '../../src/webhooks/types.js'
import type { FakeHelpdesk, HelpdeskType } from './fake-helpdesk.js'

const fixture = (name: string): Record<string, any> =>
  JSON.parse(readFileSync(new URL(`../fixtures/webhooks/${name}`, import.meta.url), 'utf8')) as Record<string, any>

const templates = {
  zammad: fixture('zammad-ticket-created.json'),
  zendesk: fixture('zendesk-ticket-created.json'),
  freshdesk: fixture('freshdesk-ticket-created.json'),
}

const texts = [
  'Der Drucker LX-200 zeigt Fehler E24 und zieht kein Papier mehr ein.',
  'Die Rechnung RE-2024-{n} wurde doppelt abgebucht, bitte erstatten.',
  'My router keeps dropping the Wi-Fi connection every few minutes.',
  'I would like to upgrade my contract to the premium plan, what does it cost?',
]

/** One ticket of a helpdesk type: its id in the helpdesk, and the webhook body that helpdesk sends for it. */
export interface Ticket {
  type: WebhookType
  /** The ticket id in the helpdesk (the generic externalId). */
  id: string
  payload: Record<string, unknown>
}

/** A ticket-created payload as the helpdesk sends it, with this ticket id and a text that varies with `n`. */
export function ticketPayload(type: WebhookType, id: string, n: number): Record<string, unknown> {
  const text = texts[n % texts.length]!.replace('{n}', String(n))
  const subject = `Anfrage ${n}`
  switch (type) {
    case 'generic':
      return { externalId: id, subject, body: text, customer: { email: `kunde-${n}@example.com` } }
    case 'zammad': {
      const payload = structuredClone(templates.zammad)
      Object.assign(payload.ticket, { id: Number(id), title: subject, number: `3${id}` })
      Object.assign(payload.article, { ticket_id: Number(id), subject, body: `<div>${text}</div>` })
      return payload
    }
    case 'zendesk': {
      const payload = structuredClone(templates.zendesk)
      Object.assign(payload.ticket, { id, title: subject, description: text })
      return payload
    }
    case 'freshdesk': {
      const payload = structuredClone(templates.freshdesk)
      Object.assign(payload.freshdesk_webhook, { ticket_id: Number(id), ticket_subject: subject, ticket_description: `<div>${text}</div>` })
      return payload
    }
  }
}

/** `count` tickets cycling through `types`, with numeric ids from `firstId` (helpdesks number their tickets). */
export function makeTickets(count: number, types: readonly WebhookType[], firstId = 1000): Ticket[] {
  return Array.from({ length: count }, (_, index) => {
    const type = types[index % types.length]!
    const id = String(firstId + index)
    return { type, id, payload: ticketPayload(type, id, index) }
  })
}

/** How often each ticket's result arrived: notes with our marker, or generic callbacks by webhook-id. */
export function deliveriesPerTicket(helpdesk: FakeHelpdesk, tickets: readonly Ticket[]): Map<string, number> {
  const callbacks = new Map<string, number>()
  for (const delivery of helpdesk.deliveries) {
    const externalId = String(delivery.body?.externalId)
    callbacks.set(externalId, (callbacks.get(externalId) ?? 0) + 1)
  }
  return new Map(
    tickets.map((ticket) => [
      `${ticket.type}:${ticket.id}`,
      ticket.type === 'generic'
        ? (callbacks.get(ticket.id) ?? 0)
        : helpdesk.notes(ticket.type as HelpdeskType, ticket.id).filter((note) => note.body.includes('[ai-triage]')).length,
    ]),
  )
}

/** Generic callbacks received per webhook-id (the receiver's dedupe key). */
export function callbacksPerWebhookId(helpdesk: FakeHelpdesk): Map<string, number> {
  const counts = new Map<string, number>()
  for (const delivery of helpdesk.deliveries) {
    const id = String(delivery.headers['webhook-id'])
    counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  return counts
}

/** Polls `check` until it is true; throws with `what` after `timeoutMs`. A deadline, not a timing assertion. */
export async function waitUntil(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** Counts of inquiries and jobs, to tell when a batch has gone all the way through. */
export interface FlowCounts {
  inquiries: number
  triaged: number
  writtenBack: number
  jobs: Record<string, Record<string, number>>
  /** Jobs claimed more than once (a retry or a takeover). */
  retried: number
}

export async function flowCounts(sql: Sql): Promise<FlowCounts> {
  const [inquiries] = await sql.query<{ total: number; triaged: number; written: number }>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'triaged')::int AS triaged,
            count(written_back_at)::int AS written FROM inquiries WHERE integration_id IS NOT NULL`,
  )
  const rows = await sql.query<{ queue: string; status: string; n: number }>(
    'SELECT queue, status, count(*)::int AS n FROM jobs GROUP BY queue, status',
  )
  const jobs: FlowCounts['jobs'] = {}
  for (const row of rows) (jobs[row.queue] ??= {})[row.status] = row.n
  const [retried] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs WHERE attempts > 1')
  return { inquiries: inquiries!.total, triaged: inquiries!.triaged, writtenBack: inquiries!.written, jobs, retried: retried!.n }
}

/** True once every stored webhook inquiry is triaged and written back and no job is waiting or running. */
export async function allWrittenBack(sql: Sql, expected: number): Promise<boolean> {
  const counts = await flowCounts(sql)
  const open = Object.values(counts.jobs).reduce((sum, byStatus) => sum + (byStatus.queued ?? 0) + (byStatus.running ?? 0), 0)
  return counts.inquiries === expected && counts.writtenBack === expected && open === 0
}

/** What a burst measured: the intake answers by status, and the two phases' wall-clock seconds. */
export interface BurstOutcome {
  statuses: Record<number, number>
  intakeSeconds: number
  processSeconds: number
}

/**
 * A burst: every ticket's webhook sent `inFlight` at a time with the workers off, then `startWorker()`
 * runs until every result is written back (or `deadlineMs` passes). Timing is reported, not judged.
 */
export async function runBurst(options: {
  sql: Sql
  tickets: readonly Ticket[]
  inFlight: number
  send(ticket: Ticket): Promise<number>
  startWorker(): { stop(): Promise<void> }
  deadlineMs: number
}): Promise<BurstOutcome> {
  const { tickets, inFlight } = options
  const statuses: Record<number, number> = {}
  const intakeStarted = performance.now()
  for (let start = 0; start < tickets.length; start += inFlight) {
    for (const status of await Promise.all(tickets.slice(start, start + inFlight).map(options.send)))
      statuses[status] = (statuses[status] ?? 0) + 1
  }
  const intakeSeconds = (performance.now() - intakeStarted) / 1000
  const processStarted = performance.now()
  const worker = options.startWorker()
  try {
    await waitUntil(
      () => allWrittenBack(options.sql, tickets.length),
      `all ${tickets.length} results to be written back`,
      options.deadlineMs,
      250,
    )
  } finally {
    await worker.stop()
  }
  return { statuses, intakeSeconds, processSeconds: (performance.now() - processStarted) / 1000 }
}

/** One line for logs and reports: both phases' throughput. */
export function describeBurst(database: string, count: number, outcome: BurstOutcome, setup: string): string {
  return (
    `${database}: intake ${(count / outcome.intakeSeconds).toFixed(0)} webhooks/s (${outcome.intakeSeconds.toFixed(1)} s); ` +
    `triage + write-back ${(count / outcome.processSeconds).toFixed(1)} inquiries/s (${outcome.processSeconds.toFixed(1)} s; ${setup})`
  )
}
