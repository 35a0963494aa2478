import type { MiddlewareHandler } from 'hono'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import type { AppEnv } from '../env.js'

/** API calls wait for start-up (database, migrations, embedder) to finish; /readyz says how far it is. */
export function requireStarted(deps: Pick<Deps, 'startup'>): MiddlewareHandler<AppEnv> {
  return async (_c, next) => {
    if (deps.startup.phase !== 'ready') {
      throw new AppError(
        'service_unavailable',
        `The service is ${deps.startup.phase === 'failed' ? 'not' : 'still'} starting: ${deps.startup.detail ?? 'see /readyz'}.`,
        {
          headers: { 'Retry-After': '5' },
        },
      )
    }
    await next()
  }
}
