import type { Context, ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { AppError, type ErrorCode, type FieldError } from '../errors.js'
import type { Logger } from '../logger.js'
import type { AppEnv } from './env.js'

const statusOf = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  internal: 500,
  service_unavailable: 503,
} as const satisfies Record<ErrorCode, number>

const titles: Record<ErrorCode, string> = {
  bad_request: 'Bad request',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  validation_failed: 'Validation failed',
  rate_limited: 'Too many requests',
  internal: 'Internal server error',
  service_unavailable: 'Service unavailable',
}

/** The HTTP status an error's code answers with. */
export function httpStatusOf(error: AppError): (typeof statusOf)[ErrorCode] {
  return statusOf[error.code]
}

/** RFC 9457 problem details, with our code and the request id so support can find the log line. */
export interface ProblemDetails {
  type: string
  title: string
  status: number
  detail: string
  instance: string
  code: ErrorCode
  requestId: string
  errors?: FieldError[]
}

export function toProblem(error: AppError, instance: string, requestId: string): ProblemDetails {
  return {
    type: `urn:inquiry-triage:problem:${error.code}`,
    title: titles[error.code],
    status: httpStatusOf(error),
    detail: error.message,
    instance,
    code: error.code,
    requestId,
    ...(error.errors ? { errors: error.errors } : {}),
  }
}

/** Answers with RFC 9457 problem details; the only way an error leaves this service. */
export function problemResponse(c: Context<AppEnv>, error: AppError): Response {
  const body = toProblem(error, c.req.path, c.get('requestId') ?? 'unknown')
  // c.body keeps headers set earlier on the context (X-Request-Id among them).
  return c.body(JSON.stringify(body), httpStatusOf(error), { 'content-type': 'application/problem+json', ...error.headers })
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
      if (httpStatusOf(error) >= 500)
        logger.warn({ requestId: c.get('requestId'), code: error.code, cause: describe(error.cause) }, error.message)
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
