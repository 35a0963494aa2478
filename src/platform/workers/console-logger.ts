import { personalLogFields, scrubLogFields, scrubText, type Logger } from '../../logger.js'

const levels = ['debug', 'info', 'warn', 'error'] as const
type Level = (typeof levels)[number]
const personal = new Set<string>(personalLogFields)
// LOG_LEVEL's values (pino's names) as the lowest of our four levels that is written.
const floorOf: Record<string, number> = { trace: 0, debug: 0, info: 1, warn: 2, error: 3, fatal: 3, silent: 4 }

/** Personal fields censored at the top level and three objects deep, as the Node logger's redaction paths do. */
function censor(value: unknown, depth: number): unknown {
  if (depth > 3 || value === null || typeof value !== 'object' || Array.isArray(value)) return value
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, personal.has(key) ? '[redacted]' : censor(inner, depth + 1)]))
}

/**
 * JSON lines on the console, which Workers Logs and `wrangler tail` collect; personal fields are censored
 * and quoted values scrubbed from messages, as on Node.
 */
export function createConsoleLogger(minimum: string, bindings: Record<string, unknown> = {}): Logger {
  const floor = floorOf[minimum] ?? 1
  const write = (level: Level) => (fields: Record<string, unknown>, message?: string) => {
    if (levels.indexOf(level) < floor) return
    const record = censor(scrubLogFields({ ...bindings, ...fields }), 0) as Record<string, unknown>
    console.log(JSON.stringify({ level, time: new Date().toISOString(), msg: message && scrubText(message), ...record }))
  }
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => createConsoleLogger(minimum, { ...bindings, ...more }),
  }
}
