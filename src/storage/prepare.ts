import { ensureBootstrapAdmin } from '../auth/api-keys.js'
import type { Deps } from '../deps.js'
import { migrate } from './migrate.js'
import { isConnectionError } from './unavailable.js'

const firstDelayMs = 250
const maxDelayMs = 5000

/**
 * Brings the database to a usable state at start: waits for it (exponential backoff up to the
 * configured window), applies pending migrations, and makes sure an admin key exists.
 */
export async function prepareDatabase(deps: Deps): Promise<{ generatedAdminKey?: string }> {
  try {
    await waitForDatabase(deps, deps.config.databaseStartupTimeoutMs)
    const applied = await migrate(deps.sql, deps.migrations)
    if (applied.length > 0) deps.logger.info({ applied }, 'migrations applied')
    const { generatedKey } = await ensureBootstrapAdmin(deps, deps.config.adminApiKey)
    deps.startup.phase = 'ready'
    delete deps.startup.detail
    return generatedKey ? { generatedAdminKey: generatedKey } : {}
  } catch (error) {
    deps.startup.phase = 'failed'
    deps.startup.detail = error instanceof Error ? error.message : String(error)
    throw error
  }
}

async function waitForDatabase(deps: Deps, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let delay = firstDelayMs
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.sql.query('SELECT 1')
      return
    } catch (error) {
      // Wrong password or database name will not fix itself: report it at once.
      if (!isConnectionError(error)) throw error
      const reason = error instanceof Error ? error.message : String(error)
      deps.startup.detail = `waiting for the database (attempt ${attempt}): ${reason}`
      if (Date.now() + delay > deadline) {
        throw new Error(`The database was not reachable within ${Math.round(timeoutMs / 1000)} s: ${reason}`, { cause: error })
      }
      deps.logger.warn({ attempt, retryInMs: delay, reason }, 'database not reachable yet')
      await new Promise((resolve) => setTimeout(resolve, delay))
      delay = Math.min(delay * 2, maxDelayMs)
    }
  }
}
