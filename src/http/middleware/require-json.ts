import type { MiddlewareHandler } from 'hono'
import { AppError } from '../../errors.js'
import type { AppEnv } from '../env.js'

const json = /^application\/([\w.-]+\+)?json$/i

/** Whether the route a request is for declares a request body; routes without one ignore what is sent. */
export type TakesBody = (method: string, path: string) => boolean

/**
 * A request that carries a body must say it is JSON. Without this, Hono's validator would quietly
 * treat a form post as an empty object and the caller would get a confusing validation error.
 * Routes that take no body (claim, release, publish, retry) are left alone: `curl -X POST` sends
 * neither a body nor a Content-Type there, and that is a correct call.
 */
export function requireJsonBody(takesBody: TakesBody = () => true): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const hasBody = c.req.raw.body !== null && c.req.header('content-length') !== '0'
    if (hasBody && ['POST', 'PUT', 'PATCH'].includes(c.req.method) && takesBody(c.req.method, c.req.path)) {
      const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim()
      if (!json.test(mediaType)) {
        throw new AppError('unsupported_media_type', `Send the body as application/json (got ${mediaType || 'no content type'}).`)
      }
    }
    await next()
  }
}

interface RouteDefinition {
  type: string
  route?: { method: string; path: string; request?: { body?: unknown } }
}

/**
 * Reads from the OpenAPI registry which routes declare a request body, once, at the first request
 * (when every route is registered). Paths not in the document count as taking one, the safe default.
 */
export function bodyRoutesOf(registry: { definitions: readonly unknown[] }): TakesBody {
  let bodyless: Array<{ method: string; pattern: RegExp }> | undefined
  return (method, path) => {
    bodyless ??= (registry.definitions as RouteDefinition[])
      .flatMap((definition) =>
        definition.type === 'route' && definition.route && !definition.route.request?.body ? [definition.route] : [],
      )
      .map((route) => ({
        method: route.method.toUpperCase(),
        pattern: new RegExp(`^${route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/}]+\}/g, '[^/]+')}$`),
      }))
    return !bodyless.some((route) => route.method === method && route.pattern.test(path))
  }
}
