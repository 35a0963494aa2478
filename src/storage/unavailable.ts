import { AppError } from '../errors.js'

// Socket-level failures and the SQLSTATE classes that mean "the server is gone or not accepting work":
// 08 connection exception, 57P01-57P03 admin/crash shutdown and cannot-connect-now.
const connectionErrnos = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN'])
const connectionMessages = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /Client has encountered a connection error/i, /Connection ended unexpectedly/i]

/** True when the error says the database cannot be reached, as opposed to a bad statement. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') {
    if (connectionErrnos.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code)) return true
  }
  if (error instanceof AggregateError) return error.errors.some(isConnectionError)
  if (connectionMessages.some((pattern) => pattern.test(error.message))) return true
  // Adapters wrap driver errors (as a 503 AppError); the driver's error stays the cause.
  return error.cause !== undefined && isConnectionError(error.cause)
}

/** Connection failures become 503 problem details; everything else is left for the caller to judge. */
export function translateDatabaseError(error: unknown): unknown {
  if (isConnectionError(error)) {
    return new AppError('service_unavailable', 'The database is not reachable; retry shortly.', { cause: error })
  }
  return error
}
