import type { MiddlewareHandler } from 'hono'
import { authenticateApiKey } from '../../auth/api-keys.js'
import type { KeyCache } from '../../auth/key-cache.js'
import type { Role } from '../../auth/roles.js'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import type { AppEnv } from '../env.js'

const challenge = { 'WWW-Authenticate': 'Bearer realm="inquiry-triage"' }

/** Every /v1 request names its caller with `Authorization: Bearer <api key>`; unknown or revoked keys get 401. */
export function authenticate(deps: Pick<Deps, 'sql' | 'clock'>, cache: KeyCache): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!match) {
      throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>".', { headers: challenge })
    }
    const token = match[1]!
    const principal = cache.get(token) ?? (await authenticateApiKey(deps, token))
    if (principal) cache.set(token, principal)
    if (!principal) throw new AppError('unauthorized', 'The API key is unknown or has been revoked.', { headers: challenge })
    c.set('principal', principal)
    await next()
  }
}

/** Lets through only callers whose key has one of these roles; others get 403. */
export function requireRole(...allowed: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { role } = c.get('principal')
    if (!allowed.includes(role)) {
      throw new AppError('forbidden', `This action needs one of the roles ${allowed.join(', ')}; the key has role ${role}.`)
    }
    await next()
  }
}
