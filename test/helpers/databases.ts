import { randomUUID } from 'node:crypto'
import { createMemoryLogger } from '../../src/logger.js'
import { migrate, type Migration } from '../../src/storage/migrate.js'
import { loadMigrationFiles } from '../../src/platform/node/storage/migration-files.js'
import { createPgSql } from '../../src/platform/node/storage/pg.js'
import { createPgliteSql } from '../../src/platform/node/storage/pglite.js'
import type { Sql } from '../../src/storage/sql.js'

/** A database the contract suites run against; every open() is a fresh, migrated, isolated one. */
export interface TestDatabase {
  name: 'pglite' | 'postgres'
  open(options?: { migrated?: boolean }): Promise<Sql>
}

const postgresUrl = process.env.TEST_DATABASE_URL
const postgresRequired = process.env.REQUIRE_POSTGRES === '1'
let migrationFiles: Promise<Migration[]> | undefined
export const migrations = () => (migrationFiles ??= loadMigrationFiles())

// Creating PGlite and migrating costs about 2 s; loading a dump of a migrated one costs about 0.3 s.
let pgliteTemplate: Promise<Blob> | undefined
async function migratedPgliteDump(): Promise<Blob> {
  const sql = await createPgliteSql()
  await migrate(sql, await migrations())
  const dump = await sql.dump()
  await sql.close()
  return dump
}

const pglite: TestDatabase = {
  name: 'pglite',
  async open({ migrated = true } = {}) {
    if (!migrated) return createPgliteSql()
    return createPgliteSql({ loadDataDir: await (pgliteTemplate ??= migratedPgliteDump()) })
  },
}

/** Each open() gets its own schema on the shared test database, dropped again on close. */
const postgres: TestDatabase = {
  name: 'postgres',
  async open({ migrated = true } = {}) {
    if (!postgresUrl) throw new Error('REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set')
    const schema = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`
    const admin = await createPgSql({ url: postgresUrl, maxConnections: 1, logger: createMemoryLogger(), connectTimeoutMs: 3000 })
    try {
      await admin.exec(`CREATE SCHEMA ${schema}`)
    } catch (error) {
      await admin.close()
      throw new Error(`PostgreSQL at TEST_DATABASE_URL is not usable: ${(error as Error).message}`, { cause: error })
    }
    const sql = await openPostgresSchema(schema)
    if (migrated) await migrate(sql, await migrations())
    const close = sql.close
    return {
      ...sql,
      async close() {
        await close()
        await admin.exec(`DROP SCHEMA ${schema} CASCADE`)
        await admin.close()
      },
    }
  },
}

export function openPostgresSchema(schema: string, url = postgresUrl!): Promise<Sql> {
  return createPgSql({ url, maxConnections: 4, logger: createMemoryLogger(), schema, connectTimeoutMs: 3000 })
}

/**
 * PGlite always; PostgreSQL when TEST_DATABASE_URL is set. With REQUIRE_POSTGRES=1 PostgreSQL is
 * always listed, so a missing or unreachable server fails the suite instead of skipping it.
 */
export const testDatabases: TestDatabase[] = [pglite, ...(postgresUrl || postgresRequired ? [postgres] : [])]

export const postgresAvailable = Boolean(postgresUrl) || postgresRequired
export const testPostgresUrl = postgresUrl

/**
 * A fresh schema on the PostgreSQL test database and a DATABASE_URL whose connections use it, for
 * child processes; the schema is dropped by the cleanup pushed onto `cleanups`.
 */
export async function freshPostgresSchema(cleanups: Array<() => Promise<void>>): Promise<{ schema: string; url: string }> {
  if (!postgresUrl) throw new Error('REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set')
  const schema = `p_${randomUUID().replace(/-/g, '').slice(0, 16)}`
  const admin = await createPgSql({ url: postgresUrl, maxConnections: 1, logger: createMemoryLogger() })
  await admin.exec(`CREATE SCHEMA ${schema}`)
  cleanups.push(async () => {
    await admin.exec(`DROP SCHEMA ${schema} CASCADE`)
    await admin.close()
  })
  const url = new URL(postgresUrl)
  url.searchParams.set('options', `-c search_path=${schema},public`)
  return { schema, url: url.toString() }
}
