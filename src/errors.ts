/**
 * One error taxonomy for the whole service. Every failure a caller can see is an AppError with a code
 * from this closed list; the HTTP layer turns it into RFC 9457 problem details.
 */
export const errorStatus = {
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
} as const

export type ErrorCode = keyof typeof errorStatus

/** One field that failed validation, named by its path in the request ("customer.tier"). */
export interface FieldError {
  field: string
  message: string
}

export interface AppErrorOptions {
  cause?: unknown
  errors?: FieldError[]
  headers?: Record<string, string>
}

export class AppError extends Error {
  readonly code: ErrorCode
  readonly errors: FieldError[] | undefined
  readonly headers: Record<string, string>

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.errors = options.errors
    this.headers = options.headers ?? {}
  }

  get status(): number {
    return errorStatus[this.code]
  }
}

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
    status: error.status,
    detail: error.message,
    instance,
    code: error.code,
    requestId,
    ...(error.errors ? { errors: error.errors } : {}),
  }
}

/** Turns zod-style issues into field errors that name the offending field. */
export function fieldErrorsFrom(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code?: string; keys?: readonly string[] }>,
): FieldError[] {
  const fieldOf = (path: ReadonlyArray<PropertyKey>) => (path.length > 0 ? path.map(String).join('.') : '(body)')
  return issues.flatMap((issue) =>
    // An unknown field is named itself, not its parent object, so a form can show the message next to it.
    issue.code === 'unrecognized_keys' && issue.keys?.length
      ? issue.keys.map((key) => ({ field: fieldOf([...issue.path, key]), message: 'is not a known field' }))
      : [{ field: fieldOf(issue.path), message: issue.message }],
  )
}
