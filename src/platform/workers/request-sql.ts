// PostgreSQL on Workers through Hyperdrive: a pg client per request, as Cloudflare recommends. A Worker
// may not use one request's socket in another request, so nothing is pooled in the isolate (Hyperdrive
// pools at the edge); the request's clients are found through AsyncLocalStorage (nodejs_compat) and
// closed when the response has been sent.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Client } from 'pg'
import type { Logger } from '../../logger.js'
import { sessionSettingsAsOptions, type SessionOptions } from '../../storage/session.js'
import { transactionScope, type Row, type Sql } from '../../storage/sql.js'
import { mapVectorParams, vectorBinary } from '../../storage/vector-param.js'
import { translateDatabaseError } from '../../storage/unavailable.js'

export interface RequestSqlOptions extends SessionOptions {
  logger: Logger
  /** Puts this schema first on the search_path (DATABASE_SCHEMA; tests isolate themselves this way). */
  schema?: string | undefined
}

/** The clients one request opened: one for plain queries, one more per transaction. */
export interface RequestClients {
  connectionString: string
  shared?: Promise<Client>
  opened: Client[]
}

const current = new AsyncLocalStorage<RequestClients>()

/** Runs fn with its own clients on the connection string; they are closed when `done` settles. */
export function withRequestClients<T>(connectionString: string, fn: () => Promise<T>): { result: Promise<T>; close(): Promise<void> } {
  const clients: RequestClients = { connectionString, opened: [] }
  return {
    result: current.run(clients, fn),
    close: async () => {
      await Promise.allSettled(clients.opened.map((client) => client.end()))
    },
  }
}

/** The Sql of the Worker: every call uses the clients of the request it runs in. */
export function createRequestSql(options: RequestSqlOptions): Sql {
  const startupOptions = [
    ...sessionSettingsAsOptions(options),
    ...(options.schema ? [`-c search_path=${options.schema},public`] : []),
  ].join(' ')

  const open = async (clients: RequestClients): Promise<Client> => {
    const { default: pg } = await import('pg')
    const client = new pg.Client({ connectionString: clients.connectionString, options: startupOptions })
    client.on('error', (error) => options.logger.warn({ err: error.message }, 'database connection lost'))
    clients.opened.push(client)
    try {
      await client.connect()
    } catch (error) {
      throw translateDatabaseError(error)
    }
    return client
  }
  const clientsNow = (): RequestClients => {
    const clients = current.getStore()
    if (!clients) throw new Error('The Worker used the database outside a request')
    return clients
  }
  const run = async (client: Client, text: string, params?: readonly unknown[]): Promise<Row[]> => {
    try {
      return (await client.query(text, mapVectorParams(params, vectorBinary))).rows as Row[]
    } catch (error) {
      throw translateDatabaseError(error)
    }
  }
  const shared = () => {
    const clients = clientsNow()
    clients.shared ??= open(clients)
    return clients.shared
  }

  return {
    dialect: 'postgres',
    query: async <T = Row>(text: string, params?: readonly unknown[]) => (await run(await shared(), text, params)) as T[],
    exec: async (text) => void (await run(await shared(), text)),
    async transaction(fn) {
      // Its own client, so a query the request runs beside the transaction does not land inside it.
      const client = await open(clientsNow())
      await run(client, 'BEGIN')
      try {
        const result = await fn(
          transactionScope('postgres', {
            query: (text, params) => run(client, text, params),
            exec: async (text) => void (await run(client, text)),
          }),
        )
        await run(client, 'COMMIT')
        return result
      } catch (error) {
        await run(client, 'ROLLBACK').catch(() => undefined)
        throw error
      }
    },
    close: async () => undefined,
  }
}
