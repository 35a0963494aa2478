import type { Sql } from './sql.js'

/** One plain-SQL migration file: `0001_init.sql` has id `0001` and name `init`. */
export interface Migration {
  id: string
  name: string
  sql: string
}

export interface MigrationStatus {
  applied: string[]
  pending: string[]
}

/** A database that cannot be migrated, with a message that tells the operator what to do about it. */
export class MigrationError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options)
    this.name = 'MigrationError'
  }
}

const createTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
  id text PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`

/**
 * Applies the pending migrations in id order, all in one transaction. The transaction-scoped advisory
 * lock makes a second process that starts at the same time wait, then find nothing left to do. The lock
 * key includes the schema, so separate schemas (test isolation) do not wait on each other.
 */
export async function migrate(sql: Sql, migrations: readonly Migration[]): Promise<string[]> {
  const ordered = [...migrations].sort((a, b) => a.id.localeCompare(b.id))
  try {
    return await sql.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('inquiry-triage:migrate:' || current_schema()))`)
      await tx.exec(createTable)
      const done = new Set((await tx.query<{ id: string }>('SELECT id FROM schema_migrations')).map((row) => row.id))
      const applied: string[] = []
      for (const migration of ordered) {
        if (done.has(migration.id)) continue
        await tx.exec(migration.sql)
        await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [migration.id, migration.name])
        applied.push(migration.id)
      }
      return applied
    })
  } catch (error) {
    throw explainMigrationFailure(error)
  }
}

/** Which known migrations the database has and lacks; an absent table means none applied. */
export async function readMigrationStatus(sql: Sql, migrations: readonly Migration[]): Promise<MigrationStatus> {
  const [exists] = await sql.query<{ present: boolean }>(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`)
  const done = exists?.present
    ? new Set((await sql.query<{ id: string }>('SELECT id FROM schema_migrations')).map((row) => row.id))
    : new Set<string>()
  const ids = migrations.map((migration) => migration.id).sort()
  return { applied: ids.filter((id) => done.has(id)), pending: ids.filter((id) => !done.has(id)) }
}

/** Turns the server's terse extension errors into instructions. */
export function explainMigrationFailure(error: unknown): unknown {
  const code = (error as { code?: unknown })?.code
  const message = error instanceof Error ? error.message : String(error)
  const missing = /extension "([^"]+)" is not available|could not open extension control file ".*\/([^/]+)\.control"/.exec(message)
  if (missing || code === '58P01') {
    const name = missing?.[1] ?? missing?.[2] ?? 'vector'
    return new MigrationError(
      `The PostgreSQL server has no "${name}" extension installed. ` +
        (name === 'vector'
          ? "Install pgvector on the database server (Debian/Ubuntu with the PostgreSQL project's apt repository: " +
            '`apt install postgresql-<major>-pgvector`; Docker: the `pgvector/pgvector:pg<major>` image; ' +
            'managed services: enable the "vector" extension), then start again.'
          : 'Install it on the database server, then start again.'),
      { cause: error },
    )
  }
  if (code === '42501' && /extension/.test(message)) {
    return new MigrationError(
      `${message}. Creating an extension needs a superuser once: run \`CREATE EXTENSION vector;\` as a superuser in this database, then start again.`,
      { cause: error },
    )
  }
  return error
}
