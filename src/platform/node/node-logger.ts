import { pino } from 'pino'
import type { Config } from '../../config.js'
import { redactedLogPaths, scrubLogFields, scrubText, type Logger } from '../../logger.js'

/**
 * The Node logger: JSON lines on stdout, personal fields censored at any listed depth, and values that
 * error messages quote (an e-mail in a parser's complaint, say) scrubbed from messages and errors.
 */
export function createNodeLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service: 'inquiry-triage' },
    redact: { paths: redactedLogPaths, censor: '[redacted]' },
    formatters: { log: scrubLogFields },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg)) as Parameters<typeof method>)
      },
    },
  }
  return (destination ? pino(options, destination) : pino(options)) as unknown as Logger
}
