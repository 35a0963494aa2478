import type { Context, ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { AppError, toProblem, type ErrorCode } from '../errors.js'
import type { Logger } from '../logger.js'
import type { AppEnv } from './env.js'

/** Answers with RFC 9457 problem details; the only way an error leaves this service. */
export function problemResponse(c: Context<AppEnv>, error: AppError): Response {
  const body = toProblem(error, c.req.path, c.get('requestId') ?? 'unknown')
  // c.body keeps headers set earlier on the context (X-Request-Id among them).
  return c.body(JSON.stringify(body), error.status as 400, { 'content-type': 'application/problem+json', ...error.headers })
}

const httpExceptionCodes: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  429: 'rate_limited',
  503: 'service_unavailable',
}

/** Maps anything thrown to an AppError; unknown errors are logged with their stack and become a 500. */
export function handleError(logger: Logger): ErrorHandler<AppEnv> {
  return (error, c) => {
    if (error instanceof AppError) {
      if (error.status >= 500) logger.warn({ requestId: c.get('requestId'), code: error.code, cause: describe(error.cause) }, error.message)
      return problemResponse(c, error)
    }
    if (error instanceof HTTPException) {
      const code = httpExceptionCodes[error.status] ?? (error.status >= 500 ? 'internal' : 'bad_request')
      return problemResponse(c, new AppError(code, error.message || 'Request rejected'))
    }
    logger.error({ requestId: c.get('requestId'), err: describe(error), stack: (error as Error)?.stack }, 'unhandled error')
    return problemResponse(
      c,
      new AppError('internal', `Something went wrong on our side. Quote request id ${c.get('requestId')} when reporting it.`),
    )
  }
}

function describe(error: unknown): string | undefined {
  if (error === undefined) return undefined
  return error instanceof Error ? error.message : String(error)
}
