/** A row as both drivers return it: column name to parsed value. */
export type Row = Record<string, unknown>

/**
 * The only database surface the rest of the service sees. Written once for PostgreSQL (pg Pool) and
 * PGlite, so every query module runs unchanged on both.
 */
export interface Sql {
  readonly dialect: 'postgres' | 'pglite'
  /** One parameterised statement ($1, $2, ...); returns its rows. */
  query<T = Row>(text: string, params?: readonly unknown[]): Promise<T[]>
  /** Runs fn on one connection inside BEGIN/COMMIT; rolls back when fn throws. Nested calls use savepoints. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>
  /** Several statements without parameters, as a migration file holds them. */
  exec(text: string): Promise<void>
  close(): Promise<void>
}

/** What an adapter provides for one connection that is already inside a transaction. */
export interface Connection {
  query(text: string, params?: readonly unknown[]): Promise<Row[]>
  exec(text: string): Promise<void>
}

/**
 * Wraps a connection inside a transaction as an Sql, so code handed a `tx` cannot tell it apart from
 * the pool. Nested transactions become savepoints on the same connection.
 */
export function transactionScope(dialect: Sql['dialect'], connection: Connection, depth = 1): Sql {
  return {
    dialect,
    query: async <T = Row>(text: string, params?: readonly unknown[]) => (await connection.query(text, params)) as T[],
    exec: (text) => connection.exec(text),
    async transaction(fn) {
      const savepoint = `sp_${depth}`
      await connection.exec(`SAVEPOINT ${savepoint}`)
      try {
        const result = await fn(transactionScope(dialect, connection, depth + 1))
        await connection.exec(`RELEASE SAVEPOINT ${savepoint}`)
        return result
      } catch (error) {
        await connection.exec(`ROLLBACK TO SAVEPOINT ${savepoint}`)
        throw error
      }
    },
    close: () => Promise.reject(new Error('close() is not available inside a transaction')),
  }
}
