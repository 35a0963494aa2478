import { AppError } from '../errors.js'

// Socket-level failures, and the SQLSTATEs that mean "the server is gone or takes no work right now":
// class 08 connection exception, 53300 too many connections, 57P01 admin shutdown, 57P02 crash
// shutdown, 57P03 cannot connect now (starting or stopping), 57P05 idle session timeout, and 25P03
// idle-in-transaction timeout (the server ended the session).
const connectionErrnos = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
])
const unavailableSqlStates = new Set(['53300', '57P01', '57P02', '57P03', '57P05', '25P03'])
const connectionMessages = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Connection ended unexpectedly/i,
]

/** Seconds a caller is asked to wait before retrying while the database is unavailable. */
export const databaseRetryAfterSeconds = 5

/** True when the error says the database cannot be reached or takes no work, as opposed to a bad statement. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && (connectionErrnos.has(code) || code.startsWith('08') || unavailableSqlStates.has(code))) return true
  if (error instanceof AggregateError) return error.errors.some(isConnectionError)
  if (connectionMessages.some((pattern) => pattern.test(error.message))) return true
  // Adapters wrap driver errors (as a 503 AppError); the driver's error stays the cause.
  return error.cause !== undefined && isConnectionError(error.cause)
}

/** The 503 problem every database outage becomes, with Retry-After; the driver's error stays the cause. */
export function databaseUnavailable(cause: unknown): AppError {
  if (cause instanceof AppError && cause.code === 'service_unavailable') return cause
  return new AppError('service_unavailable', 'The database is not reachable; retry shortly.', {
    cause,
    headers: { 'Retry-After': String(databaseRetryAfterSeconds) },
  })
}

/** Connection failures become 503 problem details; everything else is left for the caller to judge. */
export function translateDatabaseError(error: unknown): unknown {
  return isConnectionError(error) ? databaseUnavailable(error) : error
}
