// The database going away under a running service, on real PostgreSQL: a connection ended by the server
// inside a transaction (pg_terminate_backend, SQLSTATE 57P01), a server that refuses connections
// (ECONNREFUSED), and one that has no connection slot left (53300). Each answers 503 problem details
// with Retry-After; none may crash the process, and the pool serves again afterwards.
import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryLogger } from '../../src/logger.js'
import { createPgSql } from '../../src/platform/node/storage/pg.js'
import type { Sql } from '../../src/storage/sql.js'
import { databaseRetryAfterSeconds } from '../../src/storage/unavailable.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { postgresAvailable, testDatabases, testPostgresUrl } from '../helpers/databases.js'
import { waitUntil } from '../helpers/webhook-flow.js'

const postgresRequired = process.env.REQUIRE_POSTGRES === '1'
// Made by .ci/postgres.sh: allowed one connection, so a second one is refused with 53300.
const limitedRole = 'triage_limited'

function requireUrl(): URL {
  if (!testPostgresUrl) throw new Error('REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set')
  return new URL(testPostgresUrl)
}

/** A loopback port nothing listens on (bound and released), so connecting is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Records what reaches process level, where an 'error' event without a listener ends the process. */
function watchUncaught() {
  const seen: unknown[] = []
  const record = (error: unknown) => seen.push(error)
  process.on('uncaughtException', record)
  return { seen, stop: () => process.off('uncaughtException', record) }
}

const expectUnavailable = async (response: Response) => {
  expect(response.status).toBe(503)
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  expect(response.headers.get('retry-after')).toBe(String(databaseRetryAfterSeconds))
  expect(await response.json()).toMatchObject({ status: 503, code: 'service_unavailable' })
}

describe.runIf(postgresAvailable)('PostgreSQL unavailable under a running service', () => {
  const cleanups: Array<() => Promise<unknown>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  const open = async (url: string | URL, maxConnections: number) => {
    const logger = createMemoryLogger()
    const sql = await createPgSql({ url: url.toString(), maxConnections, logger, connectTimeoutMs: 3000 })
    cleanups.push(() => sql.close())
    return { sql, logger }
  }
  /** The real app on a migrated schema; the test then points it at a database that fails. */
  const appOn = async (): Promise<TestApp> => {
    const sql = await testDatabases.find((database) => database.name === 'postgres')!.open()
    cleanups.push(() => sql.close())
    return createTestApp(sql)
  }

  it.each([
    ['the next statement fails', async (tx: Sql) => void (await tx.query('SELECT 1'))],
    [
      'the caller turns the driver error into its own',
      async (tx: Sql) => {
        await tx.query('SELECT 1').catch(() => {
          throw new Error('could not store the inquiry')
        })
      },
    ],
  ])('a connection ended inside a transaction (%s): 503, no crash, and the pool serves again', async (_case, next) => {
    const { sql, logger } = await open(requireUrl(), 1) // one connection: serving again needs a new one
    const { sql: admin } = await open(requireUrl(), 1)
    const uncaught = watchUncaught()
    cleanups.push(async () => uncaught.stop())

    const failed = sql.transaction(async (tx) => {
      const [{ pid }] = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }]
      await admin.query('SELECT pg_terminate_backend($1)', [pid]) // a role may end its own sessions
      await waitUntil(
        async () => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).length === 0,
        'the session to end',
      )
      await next(tx)
    })
    await expect(failed).rejects.toMatchObject({
      code: 'service_unavailable',
      headers: { 'Retry-After': String(databaseRetryAfterSeconds) },
    })

    expect(await sql.query('SELECT 1 AS one')).toEqual([{ one: 1 }])
    expect(await sql.transaction((tx) => tx.query('SELECT 2 AS two'))).toEqual([{ two: 2 }])
    expect(uncaught.seen).toEqual([])
    expect(logger.records.some((record) => record.message === 'database connection lost inside a transaction')).toBe(true)
  })

  it('a database that refuses connections (ECONNREFUSED): 503 with Retry-After on the API and the webhooks', async () => {
    const t = await appOn()
    const admin = await t.keyFor('admin')
    const refusing = requireUrl()
    refusing.port = String(await closedPort())
    t.deps.sql = (await open(refusing, 2)).sql

    await expectUnavailable(await t.call('GET', '/v1/inquiries', { key: 'itk_not-cached-so-the-lookup-runs' }))
    await expectUnavailable(await t.call('GET', '/v1/api-keys', { key: admin }))
    await expectUnavailable(await t.call('POST', '/v1/webhooks/any-integration', { json: { externalId: '1', body: 'text' } }))
    expect(t.logger.records.some((record) => /ECONNREFUSED|connect/.test(String(record.fields.cause)))).toBe(true)
  })

  it('no connection slot left (53300, too many connections): 503 with Retry-After, not 500', async ({ skip }) => {
    const t = await appOn()
    const admin = await t.keyFor('admin')
    const limited = requireUrl()
    limited.username = limitedRole
    limited.password = limitedRole
    const { sql: holder } = await open(limited, 1)
    let letGo = () => {}
    let entered = () => {}
    const held = new Promise<void>((resolve) => (letGo = resolve))
    const inside = new Promise<void>((resolve) => (entered = resolve))
    // The role's only connection, kept busy inside a transaction until the test ends.
    const holding = holder.transaction(async () => {
      entered()
      await held
    })
    cleanups.push(async () => {
      letGo()
      await holding.catch(() => {})
    })
    const refused = await Promise.race([
      inside.then(() => undefined),
      holding.then(
        () => undefined,
        (error: Error) => error,
      ),
    ])
    if (refused) {
      if (postgresRequired)
        throw new Error(`role ${limitedRole} cannot log in; run .ci/postgres.sh (${refused.message})`, { cause: refused })
      return skip(`role ${limitedRole} cannot log in; .ci/postgres.sh creates it`)
    }
    t.deps.sql = (await open(limited, 2)).sql

    await expectUnavailable(await t.call('GET', '/v1/api-keys', { key: admin }))
    await expectUnavailable(await t.call('POST', '/v1/webhooks/any-integration', { json: { externalId: '1', body: 'text' } }))
    expect(t.logger.records.some((record) => /too many connections/.test(String(record.fields.cause)))).toBe(true)
  })
})
