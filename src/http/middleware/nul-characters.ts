import type { MiddlewareHandler } from 'hono'
import { AppError } from '../../errors.js'
import { withoutNulDeep } from '../../storage/nul.js'
import type { AppEnv } from '../env.js'

// NUL characters (U+0000) cannot be stored; see storage/nul.ts.

/** A URL never needs a NUL, so `%00` anywhere in it is refused with 400 before any lookup runs. */
export function refuseNulInUrl(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (/%00/.test(c.req.url)) throw new AppError('bad_request', 'The URL must not contain NUL characters (%00).')
    await next()
  }
}

/**
 * A JSON body is customer text relayed by a helpdesk or a script: its NULs are dropped and the rest is
 * kept. Malformed JSON is left alone for the route's validator to refuse with 400.
 */
export function dropNulFromJsonBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.raw.body !== null && /json/i.test(c.req.header('content-type') ?? '')) {
      // Read once: Hono keeps the text, and the route's validator parses that instead of reading again.
      const text = await c.req.text()
      // Inside JSON a NUL can only be written as the escape \u0000; most bodies have none.
      const cleaned = /\\u0000/.test(text) ? cleanedJson(text) : undefined
      if (cleaned !== undefined) {
        const headers = new Headers(c.req.raw.headers)
        headers.delete('content-length')
        // As Hono's bodyLimit does, the route reads a replaced request; the kept text is dropped with it.
        c.req.raw = new Request(c.req.raw.url, { method: c.req.method, body: cleaned, headers })
        c.req.bodyCache = {}
      }
    }
    await next()
  }
}

function cleanedJson(text: string): string | undefined {
  try {
    return JSON.stringify(withoutNulDeep(JSON.parse(text) as unknown))
  } catch {
    return undefined
  }
}
