import type { Pool, PoolClient } from 'pg'
import type { Logger } from '../../../logger.js'
import { sessionSettingsAsOptions, type SessionOptions } from '../../../storage/session.js'
import { transactionScope, type Row, type Sql } from '../../../storage/sql.js'
import { mapVectorParams, vectorBinary } from '../../../storage/vector-param.js'
import { databaseUnavailable, isConnectionError, translateDatabaseError } from '../../../storage/unavailable.js'

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
    options: [
      ...sessionSettingsAsOptions(options),
      ...(urlOptions ? [urlOptions] : []),
      ...(options.schema ? [`-c search_path=${options.schema},public`] : []),
    ].join(' '),
  })
  // An idle client whose server went away emits here; without a listener the process would crash.
  pool.on('error', (error) => options.logger.warn({ err: error.message }, 'idle database connection lost'))

  const run = async (target: { query: InstanceType<typeof pg.Pool>['query'] }, text: string, params?: readonly unknown[]) => {
    try {
      const result = await target.query(text, mapVectorParams(params, vectorBinary))
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
      const held = await checkOut(pool, options.logger)
      try {
        await run(held.client, 'BEGIN')
        const scope = transactionScope('postgres', {
          query: (text, params) => run(held.client, text, params),
          exec: async (text) => void (await run(held.client, text)),
        })
        const result = await fn(scope)
        await run(held.client, 'COMMIT')
        return result
      } catch (error) {
        if (isConnectionError(error)) held.markBroken(error)
        if (!held.lost) await run(held.client, 'ROLLBACK').catch((rollbackError) => held.markBroken(rollbackError))
        // Whatever fn made of the driver's error, a transaction whose connection died failed because of it.
        throw held.lost ? databaseUnavailable(held.lost) : error
      } finally {
        held.release()
      }
    },
    close: () => pool.end(),
  }
}

/**
 * A pool client held for one transaction. pg-pool drops its own 'error' listener while a client is
 * checked out, so a connection cut mid-transaction would crash the process with an unhandled 'error'
 * event; this listener records the loss instead, and a lost client is destroyed on release, not reused.
 */
async function checkOut(pool: Pool, logger: Logger) {
  let client: PoolClient
  try {
    client = await pool.connect()
  } catch (error) {
    throw translateDatabaseError(error)
  }
  let lost: unknown
  // Whichever comes first, the client's 'error' event or a failed statement, says so once.
  const markLost = (error: unknown) => {
    if (lost === undefined)
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'database connection lost inside a transaction')
    lost ??= error
  }
  const onError = (error: Error) => markLost(error)
  client.on('error', onError)
  return {
    client,
    /** The error that broke the connection, once one did. */
    get lost() {
      return lost
    },
    markBroken(error: unknown) {
      markLost(error)
    },
    release() {
      client.removeListener('error', onError)
      // A truthy argument makes pg-pool destroy the client; pg-pool's idle listener is back from here on.
      client.release(lost === undefined ? undefined : lost instanceof Error ? lost : true)
    },
  }
}
