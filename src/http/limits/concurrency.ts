import type { MiddlewareHandler } from 'hono'
import type { Config } from '../../config.js'
import { AppError } from '../../errors.js'
import type { AppEnv } from '../env.js'

/**
 * At most `maxConcurrent` holders at once and `maxQueue` waiting; anyone beyond that is refused at once
 * with 503, so an overload answers quickly instead of piling work up behind the event loop (where the
 * liveness probe would wait too).
 */
export function createConcurrencyLimit(options: { maxConcurrent: number; maxQueue: number }) {
  let running = 0
  const waiting: Array<() => void> = []

  const release = () => {
    const next = waiting.shift()
    if (next) next()
    else running -= 1
  }

  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (running >= options.maxConcurrent) {
        if (waiting.length >= options.maxQueue) {
          throw new AppError('service_unavailable', 'Too many triage requests at once; try again shortly.', {
            headers: { 'Retry-After': '1' },
          })
        }
        await new Promise<void>((resolve) => waiting.push(resolve))
      } else {
        running += 1
      }
      try {
        // Triage on the embedded database runs start to finish without giving I/O a turn; starting each one
        // in its own macrotask lets the event loop accept a health probe (or refuse an overload) in between.
        await yieldToEventLoop()
        return await work()
      } finally {
        release()
      }
    },
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/** Synchronous triage (POST /v1/triage) through one limit, before its body is read. */
export function limitTriageConcurrency(options: Config['triageLimit']): MiddlewareHandler<AppEnv> {
  const limit = createConcurrencyLimit(options)
  return (c, next) => (c.req.method === 'POST' ? limit.run(next) : next())
}
