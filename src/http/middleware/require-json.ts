import type { MiddlewareHandler } from 'hono'
import { AppError } from '../../errors.js'
import type { AppEnv } from '../env.js'

const json = /^application\/([\w.-]+\+)?json$/i

/**
 * A request that carries a body must say it is JSON. Without this, Hono's validator would quietly
 * treat a form post as an empty object and the caller would get a confusing validation error.
 */
export function requireJsonBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const hasBody = c.req.raw.body !== null && c.req.header('content-length') !== '0'
    if (hasBody && ['POST', 'PUT', 'PATCH'].includes(c.req.method)) {
      const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim()
      if (!json.test(mediaType)) {
        throw new AppError('unsupported_media_type', `Send the body as application/json (got ${mediaType || 'no content type'}).`)
      }
    }
    await next()
  }
}
