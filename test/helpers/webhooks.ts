// Signed webhook deliveries as each helpdesk sends them, and an in-process worker for the jobs they queue.
import { createHmac } from 'node:crypto'
import { createIntakeWorker } from '../../src/jobs/handlers.js'
import type { Worker } from '../../src/jobs/worker.js'
import { generateStandardWebhookSecret } from '../../src/webhooks/standard-webhooks.js'
import type { WebhookType } from '../../src/webhooks/types.js'
import { afterAll, afterEach, beforeAll } from 'vitest'
import type { Sql } from '../../src/storage/sql.js'
import type { TestApp } from './app.js'
import type { TestDatabase } from './databases.js'
import { startFakeHelpdesk, type FakeHelpdesk } from './fake-helpdesk.js'
import { openSeeded } from './seed.js'

/** A secret of the right form for the type. */
export function secretFor(type: WebhookType): string {
  return type === 'generic' ? generateStandardWebhookSecret() : `secret-${type}-${crypto.randomUUID()}`
}

/** Creates an integration through the API; with a fake helpdesk, write-back goes to it. */
export async function createIntegration(
  t: TestApp,
  type: WebhookType,
  options: { name?: string; helpdesk?: FakeHelpdesk; secret?: string; departmentGroups?: Record<string, string> } = {},
): Promise<{ name: string; secret: string }> {
  const name = options.name ?? `${type}-${crypto.randomUUID().slice(0, 8)}`
  const secret = options.secret ?? secretFor(type)
  const writeBack = !options.helpdesk
    ? {}
    : type === 'generic'
      ? { callbackUrl: options.helpdesk.callbackUrl }
      : { apiBaseUrl: options.helpdesk.apiBaseUrl(type), apiToken: options.helpdesk.tokens[type] }
  const response = await t.call('POST', '/v1/integrations', {
    key: await t.keyFor('admin'),
    json: { name, type, secret, ...writeBack, ...(options.departmentGroups ? { departmentGroups: options.departmentGroups } : {}) },
  })
  if (response.status !== 201) throw new Error(`creating the integration failed: ${response.status} ${await response.text()}`)
  return { name, secret }
}

export interface DeliveryOptions {
  /** The sender's delivery id (generic webhook-id, X-Zammad-Delivery); random when omitted. */
  deliveryId?: string
  /** When the sender signed it; now when omitted. */
  signedAt?: Date
  /** Sign this body but send `body` (a replay with another body). */
  signedBody?: string
  contentType?: string
  /** Leave out the signature headers. */
  unsigned?: boolean
}

/** The headers a helpdesk sends with this body, signed with the integration's secret. */
export function signedHeaders(type: WebhookType, secret: string, body: string, options: DeliveryOptions = {}): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' }
  if (options.unsigned) return headers
  const signed = options.signedBody ?? body
  const seconds = Math.floor((options.signedAt ?? new Date()).getTime() / 1000)
  const id = options.deliveryId ?? `msg_${crypto.randomUUID()}`
  switch (type) {
    case 'generic': {
      const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
      const signature = createHmac('sha256', key).update(`${id}.${seconds}.${signed}`).digest('base64')
      return { ...headers, 'webhook-id': id, 'webhook-timestamp': String(seconds), 'webhook-signature': `v1,${signature}` }
    }
    case 'zammad':
      return { ...headers, 'x-zammad-delivery': id, 'x-hub-signature': `sha1=${createHmac('sha1', secret).update(signed).digest('hex')}` }
    case 'zendesk': {
      const timestamp = new Date(seconds * 1000).toISOString()
      return {
        ...headers,
        'x-zendesk-webhook-invocation-id': id,
        'x-zendesk-webhook-signature-timestamp': timestamp,
        'x-zendesk-webhook-signature': createHmac('sha256', secret)
          .update(timestamp + signed)
          .digest('base64'),
      }
    }
    case 'freshdesk':
      return { ...headers, 'x-triage-token': secret }
  }
}

/** POSTs one delivery to the intake route, in-process. */
export function deliver(
  t: TestApp,
  integration: { name: string; secret: string },
  type: WebhookType,
  payload: unknown,
  options: DeliveryOptions = {},
): Promise<Response> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload)
  return t.call('POST', `/v1/webhooks/${integration.name}`, { body, headers: signedHeaders(type, integration.secret, body, options) })
}

/** The generic payload for one ticket. */
export function genericTicket(externalId: string, body: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { externalId, subject: 'Anfrage', body, customer: { email: `kunde-${externalId}@example.com` }, ...extra }
}

/** A worker on the test app's database with fast polling and short backoff; stop it in afterEach. */
export function testWorker(t: TestApp, options: { concurrency?: number; leaseMs?: number } = {}): Worker {
  const worker = createIntakeWorker(t.deps, {
    concurrency: options.concurrency ?? 2,
    leaseMs: options.leaseMs ?? 30_000,
    pollIntervalMs: 20,
    backoff: { baseMs: 20, capMs: 200 },
  })
  t.deps.jobs = worker
  return worker
}

/** Counts rows of a table matching a condition, for "nothing stored" checks. */
export async function countRows(
  t: TestApp,
  table: 'inquiries' | 'webhook_deliveries' | 'jobs' | 'escalations',
  where = 'true',
  params: unknown[] = [],
): Promise<number> {
  const [row] = await t.deps.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params)
  return row!.n
}

/** What a webhook test file works with: a seeded database, its app, a fake helpdesk and the test's worker. */
export interface WebhookTestbed {
  sql: Sql
  t: TestApp
  helpdesk: FakeHelpdesk
  /** The worker a test started; stopped (and cleared) after each test. */
  worker: Worker | undefined
}

/**
 * Registers the hooks of a describe block that delivers webhooks: opens the seeded database and the
 * fake helpdesk once, stops the test's worker and resets the helpdesk after each test, closes both at
 * the end. `opened` hands the database and helpdesk to the file's own variables.
 */
export function useWebhookTestbed(database: TestDatabase, opened: (bed: WebhookTestbed) => void): WebhookTestbed {
  const bed = { worker: undefined } as WebhookTestbed
  beforeAll(async () => {
    Object.assign(bed, await openSeeded(database), { helpdesk: await startFakeHelpdesk() })
    opened(bed)
  })
  afterEach(async () => {
    await bed.worker?.stop({ timeoutMs: 5000 })
    bed.worker = undefined
    bed.helpdesk.reset()
  })
  afterAll(async () => {
    await bed.helpdesk?.close()
    await bed.sql?.close()
  })
  return bed
}
