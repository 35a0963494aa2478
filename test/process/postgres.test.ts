import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryLogger } from '../../src/logger.js'
import { migrate } from '../../src/storage/migrate.js'
import { createPgSql } from '../../src/platform/node/storage/pg.js'
import type { Sql } from '../../src/storage/sql.js'
import { createTestApp } from '../helpers/app.js'
import { freshPostgresSchema, migrations, openPostgresSchema, postgresAvailable, testPostgresUrl } from '../helpers/databases.js'
import { killStartedProcesses, runCli } from '../helpers/process.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'

function requireUrl(): URL {
  if (!testPostgresUrl) throw new Error('REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set')
  return new URL(testPostgresUrl)
}

describe.runIf(postgresAvailable)('on PostgreSQL', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    killStartedProcesses()
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('applies migrations once when two `npm run migrate` processes start at the same time', async () => {
    const { schema, url } = await freshPostgresSchema(cleanups)
    const env = { DATABASE_URL: url, LOG_LEVEL: 'warn' }
    const [first, second] = await Promise.all([runCli('src/entry/migrate-cli.ts', env, []), runCli('src/entry/migrate-cli.ts', env, [])])
    expect([first.code, second.code]).toEqual([0, 0])
    const sql = await openPostgresSchema(schema)
    cleanups.push(() => sql.close())
    const recorded = await sql.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id')
    expect(recorded.map((row) => row.id)).toEqual((await migrations()).map((m) => m.id))
    const [{ admins }] = (await sql.query<{ admins: number }>(`SELECT count(*)::int AS admins FROM api_keys WHERE role = 'admin'`)) as [
      { admins: number },
    ]
    // A command line never generates the bootstrap key (only `npm start` does, where it is printed);
    // both say that none exists yet.
    expect(admins).toBe(0)
    for (const run of [first, second]) expect(run.output).toMatch(/No admin API key exists yet/)
  })

  it('answers 503 while the database is lost and recovers by itself when it returns', async () => {
    const target = requireUrl()
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    cleanups.push(() => proxy.close())
    const { schema } = await freshPostgresSchema(cleanups)
    const viaProxy = new URL(target)
    viaProxy.port = String(proxy.port)
    const sql: Sql = await createPgSql({
      url: viaProxy.toString(),
      maxConnections: 4,
      logger: createMemoryLogger(),
      schema,
      connectTimeoutMs: 1000,
    })
    cleanups.push(() => sql.close())
    await migrate(sql, await migrations())
    const t = await createTestApp(sql)
    const admin = await t.keyFor('admin')

    expect((await t.call('GET', '/v1/api-keys', { key: admin })).status).toBe(200)
    proxy.cut()
    const lost = await t.call('GET', '/v1/api-keys', { key: admin })
    expect(lost.status).toBe(503)
    expect(lost.headers.get('content-type')).toBe('application/problem+json')
    expect(await lost.json()).toMatchObject({ code: 'service_unavailable' })
    const notReady = await t.call('GET', '/readyz')
    expect(notReady.status).toBe(503)
    expect(await notReady.json()).toMatchObject({ checks: { database: { status: 'down' } } })
    expect((await t.call('GET', '/healthz')).status).toBe(200)

    proxy.restore()
    expect((await t.call('GET', '/v1/api-keys', { key: admin })).status).toBe(200)
    expect((await t.call('GET', '/readyz')).status).toBe(200)
  })
})
