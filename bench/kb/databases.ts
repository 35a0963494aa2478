import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryLogger } from '../../src/logger.js'
import { migrate } from '../../src/storage/migrate.js'
import { loadMigrationFiles } from '../../src/storage/migration-files.js'
import { createPgSql } from '../../src/storage/pg.js'
import { createPgliteSql } from '../../src/storage/pglite.js'
import type { Sql } from '../../src/storage/sql.js'

/** A fresh, migrated database for one benchmark run; close() removes every trace of it. */
export interface BenchDatabase {
  name: 'pglite' | 'postgres'
  sql: Sql
  /** Where the data lives: a temp folder, memory, or the schema name. */
  location: string
  close(): Promise<void>
}

export async function openPglite(options: { inMemory: boolean }): Promise<BenchDatabase> {
  const dataDir = options.inMemory ? undefined : await mkdtemp(join(tmpdir(), 'kb-bench-'))
  const sql = await createPgliteSql(dataDir ? { dataDir } : {})
  await migrate(sql, await loadMigrationFiles())
  return {
    name: 'pglite',
    sql,
    location: dataDir ?? 'memory',
    async close() {
      await sql.close()
      if (dataDir) await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** A schema of its own on the given server, dropped again on close (as the test helpers do). */
export async function openPostgres(url: string): Promise<BenchDatabase> {
  const logger = createMemoryLogger()
  const schema = `kb_bench_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`
  const admin = await createPgSql({ url, maxConnections: 1, logger, connectTimeoutMs: 5000 })
  await admin.exec(`CREATE SCHEMA ${schema}`)
  const sql = await createPgSql({ url, maxConnections: 4, logger, schema, connectTimeoutMs: 5000 })
  try {
    await migrate(sql, await loadMigrationFiles())
  } catch (error) {
    await sql.close()
    await admin.exec(`DROP SCHEMA ${schema} CASCADE`)
    await admin.close()
    throw error
  }
  return {
    name: 'postgres',
    sql,
    location: `schema ${schema}`,
    async close() {
      await sql.close()
      await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await admin.close()
    },
  }
}
