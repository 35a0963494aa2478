import type { Server } from 'node:http'
import type { Logger } from '../logger.js'

/**
 * On SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish (up to the timeout),
 * then run the cleanups (close the database) and exit 0. A second signal exits at once.
 */
export function installGracefulShutdown(server: Server, options: { logger: Logger; timeoutMs: number; cleanups: Array<() => Promise<void>> }) {
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) {
      options.logger.warn({ signal }, 'second signal: exiting now')
      process.exit(1)
    }
    stopping = true
    options.logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests')
    const force = setTimeout(() => {
      options.logger.warn({ timeoutMs: options.timeoutMs }, 'shutdown timeout: closing remaining connections')
      server.closeAllConnections()
    }, options.timeoutMs)
    force.unref()
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeIdleConnections()
    })
    clearTimeout(force)
    for (const cleanup of options.cleanups) {
      await cleanup().catch((error: unknown) => options.logger.error({ err: String(error) }, 'cleanup failed'))
    }
    options.logger.info({}, 'stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}
