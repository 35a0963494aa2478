import type { Logger } from '../logger.js'
import { sessionSettingsAsOptions, type SessionOptions } from './session.js'
import { transactionScope, type Row, type Sql } from './sql.js'
import { translateDatabaseError } from './unavailable.js'

export interface PgOptions extends SessionOptions {
  url: string
  maxConnections: number
  logger: Logger
  /** Puts every connection's search_path on this schema first (tests isolate themselves this way). */
  schema?: string
  connectTimeoutMs?: number
}

/** The PostgreSQL adapter: a pg Pool behind the Sql interface. Reconnects by itself after an outage. */
export async function createPgSql(options: PgOptions): Promise<Sql> {
  const { default: pg } = await import('pg')
  // pg lets an `options` parameter in the URL replace the options given here; merge them instead.
  const url = new URL(options.url)
  const urlOptions = url.searchParams.get('options')
  url.searchParams.delete('options')
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: options.maxConnections,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    // Session settings travel in the startup packet: no extra round trip, and no query racing the
    // caller's first one on a new connection.
    options: [...sessionSettingsAsOptions(options), ...(urlOptions ? [urlOptions] : []), ...(options.schema ? [`-c search_path=${options.schema},public`] : [])].join(' '),
  })
  // An idle client whose server went away emits here; without a listener the process would crash.
  pool.on('error', (error) => options.logger.warn({ err: error.message }, 'idle database connection lost'))

  const run = async (target: { query: InstanceType<typeof pg.Pool>['query'] }, text: string, params?: readonly unknown[]) => {
    try {
      const result = await target.query(text, params as unknown[] | undefined)
      return result.rows as Row[]
    } catch (error) {
      throw translateDatabaseError(error)
    }
  }

  return {
    dialect: 'postgres',
    query: async <T = Row>(text: string, params?: readonly unknown[]) => (await run(pool, text, params)) as T[],
    exec: async (text) => {
      await run(pool, text)
    },
    async transaction(fn) {
      let client
      try {
        client = await pool.connect()
      } catch (error) {
        throw translateDatabaseError(error)
      }
      let broken = false
      try {
        await run(client, 'BEGIN')
        const scope = transactionScope('postgres', {
          query: (text, params) => run(client, text, params),
          exec: async (text) => void (await run(client, text)),
        })
        const result = await fn(scope)
        await run(client, 'COMMIT')
        return result
      } catch (error) {
        await run(client, 'ROLLBACK').catch(() => (broken = true))
        throw error
      } finally {
        // A client that could not even roll back is unusable; destroy it instead of returning it.
        client.release(broken)
      }
    },
    close: () => pool.end(),
  }
}
