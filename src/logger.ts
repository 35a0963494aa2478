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
