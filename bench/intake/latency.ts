// Latency of POST /v1/webhooks/:integration with the workers off: verify, store the inquiry and its keys,
// enqueue the triage job, answer 202. In-process (app.request) and over loopback HTTP, one request at a
// time and `concurrency` at a time; every request is a new ticket, so every one takes the store path.
import { serve } from '@hono/node-server'
import type { Server } from 'node:http'
import type { Deps } from '../../src/deps.js'
import type { WebhookType } from '../../src/webhooks/types.js'
import type { Ticket } from '../../test/helpers/webhook-flow.js'
import { signedHeaders } from '../../test/helpers/webhooks.js'
import { appFor } from './setup.js'

export interface LatencySummary {
  mode: string
  concurrency: number
  requests: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  perSecond: number
  /** Answers by status; anything but 202 means the figures are not about the store path. */
  statuses: Record<number, number>
}

type Send = (path: string, init: RequestInit) => Promise<Response>

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!

/** Sends every ticket, `concurrency` at a time, timing each request from send to the end of the body. */
async function run(
  tickets: readonly Ticket[],
  concurrency: number,
  integrations: Map<WebhookType, { name: string; secret: string }>,
  send: Send,
) {
  const latencies: number[] = []
  const statuses: Record<number, number> = {}
  let next = 0
  const runner = async () => {
    for (let index = next++; index < tickets.length; index = next++) {
      const ticket = tickets[index]!
      const integration = integrations.get(ticket.type)!
      const body = JSON.stringify(ticket.payload)
      const started = performance.now()
      const response = await send(`/v1/webhooks/${integration.name}`, {
        method: 'POST',
        headers: signedHeaders(ticket.type, integration.secret, body),
        body,
      })
      await response.arrayBuffer()
      latencies.push(performance.now() - started)
      statuses[response.status] = (statuses[response.status] ?? 0) + 1
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, runner))
  return { latencies, statuses, seconds: (performance.now() - started) / 1000 }
}

/** Warms up with `warmup` tickets (not counted), then measures the rest. */
export async function measureMode(
  mode: string,
  concurrency: number,
  tickets: readonly Ticket[],
  warmup: number,
  integrations: Map<WebhookType, { name: string; secret: string }>,
  send: Send,
): Promise<LatencySummary> {
  await run(tickets.slice(0, warmup), concurrency, integrations, send)
  const measured = tickets.slice(warmup)
  const { latencies, statuses, seconds } = await run(measured, concurrency, integrations, send)
  const sorted = latencies.sort((a, b) => a - b)
  return {
    mode,
    concurrency,
    requests: measured.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1)!,
    perSecond: measured.length / seconds,
    statuses,
  }
}

/** The app in this process, called without a socket. */
export function inProcess(deps: Deps): Send {
  const app = appFor(deps)
  return (path, init) => Promise.resolve(app.request(path, init))
}

/** The app behind @hono/node-server on 127.0.0.1, as npm start serves it; fetch keeps connections alive. */
export async function overLoopback(deps: Deps): Promise<{ send: Send; close(): Promise<void> }> {
  const server = serve({ fetch: appFor(deps).fetch, port: 0, hostname: '127.0.0.1' }) as Server
  await new Promise<void>((resolve) => server.once('listening', resolve))
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  return {
    send: (path, init) => fetch(`${base}${path}`, init),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** The database's floor on this machine: one round trip, and one durable commit of a one-row insert. */
export interface DatabaseFloor {
  roundTrip: { p50Ms: number; p99Ms: number }
  commit: { p50Ms: number; p99Ms: number }
}

export async function measureFloor(deps: Deps, samples = 300): Promise<DatabaseFloor> {
  const time = async (step: () => Promise<unknown>) => {
    const latencies: number[] = []
    for (let i = 0; i < samples; i++) {
      const started = performance.now()
      await step()
      latencies.push(performance.now() - started)
    }
    const sorted = latencies.sort((a, b) => a - b)
    return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) }
  }
  await deps.sql.exec('CREATE TABLE IF NOT EXISTS bench_commit (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())')
  const roundTrip = await time(() => deps.sql.query('SELECT 1'))
  const commit = await time(() => deps.sql.transaction((tx) => tx.query('INSERT INTO bench_commit DEFAULT VALUES')))
  return { roundTrip, commit }
}
