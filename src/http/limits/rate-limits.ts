import type { Context, MiddlewareHandler } from 'hono'
import type { Config } from '../../config.js'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import type { AppEnv } from '../env.js'
import { createAuthFailures } from './auth-failures.js'
import { createTokenBuckets, type Verdict } from './token-buckets.js'

const probes = new Set(['/healthz', '/readyz'])

/** The limits of one process: requests per client address and per API key, and failed authentications. */
export function createRateLimits(deps: Pick<Deps, 'config' | 'peerAddress' | 'clock'>) {
  const config = deps.config.rateLimit
  const now = () => deps.clock.now().getTime()
  return {
    enabled: config.enabled,
    perAddress: createTokenBuckets({ perMinute: config.perAddressPerMinute, now }),
    perKey: createTokenBuckets({ perMinute: config.perKeyPerMinute, now }),
    authFailures: createAuthFailures({ allowed: config.authFailures, now }),
    /** The client's address: the socket's peer, or behind a trusted proxy the one it appended last. */
    addressOf(c: Context): string | undefined {
      return clientAddress(c, config, deps.peerAddress)
    },
  }
}

export type RateLimits = ReturnType<typeof createRateLimits>

function clientAddress(c: Context, config: Config['rateLimit'], peerAddress: Deps['peerAddress']): string | undefined {
  if (config.trustProxy) {
    const forwarded = c.req
      .header('x-forwarded-for')
      ?.split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .at(-1)
    if (forwarded) return forwarded
  }
  return peerAddress?.(c.env)
}

/** 429 problem details; the caller is told when to come back. */
export function refuse(verdict: Verdict & { allowed: false }, what: string): never {
  throw new AppError('rate_limited', `Too many ${what}; try again in ${verdict.retryAfterSeconds} s.`, {
    headers: { 'Retry-After': String(verdict.retryAfterSeconds) },
  })
}

/** Every request but the health probes counts against its client address, before anything is read. */
export function limitPerAddress(limits: RateLimits): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const address = limits.enabled && !probes.has(c.req.path) ? limits.addressOf(c) : undefined
    if (address) {
      const verdict = limits.perAddress.take(address)
      if (!verdict.allowed) refuse(verdict, 'requests from this address')
    }
    await next()
  }
}

/**
 * An address that keeps failing authentication is locked out with a growing backoff, checked before
 * the key is even looked at; every 401 below this middleware counts as a failure.
 */
export function limitFailedAuthentication(limits: RateLimits): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const address = limits.enabled ? limits.addressOf(c) : undefined
    const verdict = address ? limits.authFailures.check(address) : { allowed: true as const }
    if (!verdict.allowed) refuse(verdict, 'failed authentications from this address')
    await next()
    if (c.res.status !== 401) return
    if (address) limits.authFailures.recordFailure(address)
    // An unread upload is not drained into memory: the connection closes after the answer.
    if (c.req.raw.body && !c.req.raw.bodyUsed) c.header('Connection', 'close')
  }
}

/** After authentication: each API key has its own budget, whatever address it comes from. */
export function limitPerKey(limits: RateLimits): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = limits.enabled ? c.get('principal') : undefined
    if (principal) {
      const verdict = limits.perKey.take(principal.keyId)
      if (!verdict.allowed) refuse(verdict, 'requests with this API key')
    }
    await next()
  }
}
