/**
 * One error taxonomy for the whole service. Every failure a caller can see is an AppError with a code
 * from this closed list; each transport maps the code (HTTP: `src/http/problem.ts`).
 */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'validation_failed'
  | 'rate_limited'
  | 'internal'
  | 'service_unavailable'

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
