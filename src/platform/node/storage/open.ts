import type { Config } from '../../../config.js'
import type { Logger } from '../../../logger.js'
import type { Sql } from '../../../storage/sql.js'

/** PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite database under DATA_DIR. */
export async function openDatabase(config: Config, logger: Logger): Promise<Sql> {
  if (config.databaseUrl) {
    const { createPgSql } = await import('./pg.js')
    return createPgSql({
      url: config.databaseUrl,
      maxConnections: config.databasePoolMax,
      logger,
      hnswEfSearch: config.knowledge.hnswEfSearch,
      schema: config.databaseSchema,
    })
  }
  const { createPgliteSql } = await import('./pglite.js')
  return createPgliteSql({ dataDir: `${config.dataDir.replace(/\/+$/, '')}/pglite`, hnswEfSearch: config.knowledge.hnswEfSearch })
}

/** Where the data lives, for log lines: the URL without its password, or the PGlite folder. */
export function describeDatabase(config: Config): string {
  if (!config.databaseUrl) return `PGlite in ${config.dataDir}/pglite`
  const url = new URL(config.databaseUrl)
  if (url.password) url.password = '***'
  return `PostgreSQL at ${url.toString()}`
}
