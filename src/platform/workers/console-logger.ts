import { scrubLogFields, type Logger } from '../../logger.js'

const levels = ['debug', 'info', 'warn', 'error'] as const
type Level = (typeof levels)[number]

/** JSON lines on the console, which Workers Logs and `wrangler tail` collect; personal fields are scrubbed. */
export function createConsoleLogger(minimum: string, bindings: Record<string, unknown> = {}): Logger {
  const floor = levels.indexOf(minimum as Level)
  const write = (level: Level) => (fields: Record<string, unknown>, message?: string) => {
    if (minimum === 'silent' || levels.indexOf(level) < Math.max(floor, 0)) return
    console.log(JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...scrubLogFields({ ...bindings, ...fields }) }))
  }
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => createConsoleLogger(minimum, { ...bindings, ...more }),
  }
}
