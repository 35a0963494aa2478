/** The logging surface the core depends on; pino satisfies it on Node, tests pass a recording one. */
export interface Logger {
  debug(fields: Record<string, unknown>, message?: string): void
  info(fields: Record<string, unknown>, message?: string): void
  warn(fields: Record<string, unknown>, message?: string): void
  error(fields: Record<string, unknown>, message?: string): void
  child(bindings: Record<string, unknown>): Logger
}

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error'
  message: string | undefined
  fields: Record<string, unknown>
}

/** A logger that keeps its records in memory, for tests that assert what was (or was not) logged. */
export function createMemoryLogger(records: LogRecord[] = [], bindings: Record<string, unknown> = {}): Logger & { records: LogRecord[] } {
  const write = (level: LogRecord['level']) => (fields: Record<string, unknown>, message?: string) => {
    records.push({ level, message, fields: { ...bindings, ...fields } })
  }
  return {
    records,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => createMemoryLogger(records, { ...bindings, ...more }),
  }
}

/**
 * Fields that hold personal data or credentials wherever they appear in a log record. The Node logger
 * censors them at every depth listed in `redactedLogPaths`; a call that needs one of them logs a hash.
 */
export const personalLogFields = [
  'email',
  'e_mail',
  'mail',
  'name',
  'firstName',
  'first_name',
  'lastName',
  'last_name',
  'phone',
  'mobile',
  'address',
  'iban',
  'bic',
  'body',
  'subject',
  'text',
  'description',
  'comment',
  'content',
  'html',
  'customer',
  'requester',
  'authorization',
  'cookie',
  'token',
  'apiToken',
  'secret',
  'password',
  'apiKey',
  'api_key',
] as const

/** Redaction paths for pino: each personal field at the top level and up to three objects deep. */
export const redactedLogPaths: string[] = personalLogFields.flatMap((field) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`])

const scrubbers: Array<[RegExp, string]> = [
  [/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[email]'],
  [/\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b/g, '[iban]'],
  [/\+?\d[\d ()/-]{6,}\d/g, '[number]'],
  // Parsers and databases quote the offending input ('Unexpected token … "…" is not valid JSON', 'invalid input syntax … : "…"').
  [/"[^"\n]*"(\.\.\.)? is not valid JSON/g, '"[value]" is not valid JSON'],
  [/"[^"\n]{16,}"|'[^'\n]{16,}'/g, '"[value]"'],
]

/** Takes values out of a message that may quote input: e-mail addresses, IBANs, long numbers, long quoted strings. */
export function scrubText(text: string): string {
  return scrubbers.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text)
}

/** The error-ish fields of a record (messages, causes, stacks) with their quoted values scrubbed. */
export function scrubLogFields(fields: Record<string, unknown>): Record<string, unknown> {
  const scrubbed: Record<string, unknown> = { ...fields }
  for (const key of ['err', 'cause', 'stack', 'reason', 'error']) {
    if (typeof scrubbed[key] === 'string') scrubbed[key] = scrubText(scrubbed[key])
  }
  return scrubbed
}
