import type { MiddlewareHandler } from 'hono'
import type { Logger } from '../../logger.js'
import type { AppEnv } from '../env.js'

const quietPaths = new Set(['/healthz', '/readyz'])

/** One structured line per request, after it is answered; probes log at debug so they do not drown the rest. */
export function accessLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now()
    await next()
    const fields = {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      role: c.get('principal')?.role,
    }
    if (quietPaths.has(c.req.path)) logger.debug(fields, 'request')
    else if (c.res.status >= 500) logger.warn(fields, 'request')
    else logger.info(fields, 'request')
  }
}
