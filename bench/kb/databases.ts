import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryLogger } from '../../src/logger.js'
import { migrate } from '../../src/storage/migrate.js'
import { loadMigrationFiles } from '../../src/platform/node/storage/migration-files.js'
import { createPgSql } from '../../src/platform/node/storage/pg.js'
import { createPgliteSql } from '../../src/platform/node/storage/pglite.js'
import { sessionSettings } from '../../src/storage/session.js'
import type { Sql } from '../../src/storage/sql.js'

/** A fresh, migrated database for one benchmark run; close() removes every trace of it. */
export interface BenchDatabase {
  name: 'pglite' | 'postgres'
  sql: Sql
  /** Where the data lives: a temp folder, memory, or the schema name. */
  location: string
  /** PostgreSQL: the schema, for child processes that open the same data (DATABASE_SCHEMA). */
  schema?: string
  close(): Promise<void>
  /**
   * A handle whose kNN queries run at this hnsw.ef_search, as a service configured with
   * KB_HNSW_EF_SEARCH would: on PostgreSQL a pool of its own with the setting in its startup options;
   * on PGlite (one session) the same handle, after `prepare()` has SET it.
   */
  atEfSearch(efSearch: number): Promise<EfSearchHandle>
}

export interface EfSearchHandle {
  efSearch: number
  sql: Sql
  /** Run before each measured operation (PGlite's one session is shared by every setting). */
  prepare(): Promise<void>
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
    async atEfSearch(efSearch) {
      const prepare = () => sql.exec(`SET hnsw.ef_search = ${Math.trunc(efSearch)}`)
      return { efSearch, sql, prepare, close: () => sql.exec(`RESET hnsw.ef_search; ${sessionSettings()}`) }
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
    schema,
    async close() {
      await sql.close()
      await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await admin.close()
    },
    async atEfSearch(efSearch) {
      const pool = await createPgSql({ url, maxConnections: 2, logger, schema, connectTimeoutMs: 5000, hnswEfSearch: efSearch })
      return { efSearch, sql: pool, prepare: async () => {}, close: () => pool.close() }
    },
  }
}
