import { ensureBootstrapAdmin, type AdminAccess } from '../auth/api-keys.js'
import type { Deps } from '../deps.js'
import { sealStoredSecrets } from '../secrets/stored-secrets.js'
import { migrate } from './migrate.js'
import { isConnectionError } from './unavailable.js'

const firstDelayMs = 250
const maxDelayMs = 5000

/**
 * Brings the database to a usable state at start: waits for it (exponential backoff up to the
 * configured window), applies pending migrations, encrypts secrets still stored in plain text, and
 * stores ADMIN_API_KEY. Only a caller that prints it (`generateAdminKey`: the server) has an admin key
 * generated when there is none.
 */
export async function prepareDatabase(
  deps: Deps,
  options: { markReady?: boolean; generateAdminKey?: boolean } = {},
): Promise<{ generatedAdminKey?: string; adminAccess: AdminAccess }> {
  try {
    await waitForDatabase(deps, deps.config.databaseStartupTimeoutMs)
    const applied = await migrate(deps.sql, deps.migrations)
    if (applied.length > 0) deps.logger.info({ applied }, 'migrations applied')
    await sealStoredSecrets(deps)
    const { generatedKey, access } = await ensureBootstrapAdmin(deps, deps.config.adminApiKey, {
      generate: options.generateAdminKey ?? false,
    })
    if (options.markReady ?? true) {
      deps.startup.phase = 'ready'
      delete deps.startup.detail
    }
    return { ...(generatedKey ? { generatedAdminKey: generatedKey } : {}), adminAccess: access }
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
      const reason = driverMessage(error)
      deps.startup.detail = `waiting for the database (attempt ${attempt}): ${reason}`
      const remaining = deadline - Date.now()
      if (remaining <= 0) {
        throw new Error(`The database was not reachable within ${Math.round(timeoutMs / 1000)} s: ${reason}`, { cause: error })
      }
      deps.logger.warn({ attempt, retryInMs: delay, reason }, 'database not reachable yet')
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, remaining)))
      delay = Math.min(delay * 2, maxDelayMs)
    }
  }
}

/** The driver's own words (ECONNREFUSED 127.0.0.1:5432) say more to an operator than our 503 text. */
function driverMessage(error: unknown): string {
  const inner = error instanceof Error && error.cause instanceof Error ? error.cause : error
  if (inner instanceof AggregateError && inner.errors[0] instanceof Error) return inner.errors[0].message
  return inner instanceof Error ? inner.message || String((inner as { code?: unknown }).code ?? inner) : String(inner)
}
