import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import type { Logger } from '../logger.js'

/**
 * On SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish (up to the timeout),
 * then run the cleanups (close the database) and exit 0. A second signal exits at once.
 */
export function installGracefulShutdown(
  server: Server,
  options: { logger: Logger; timeoutMs: number; cleanups: Array<() => Promise<void>> },
) {
  const connections = trackConnections(server)
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) {
      options.logger.warn({ signal }, 'second signal: exiting now')
      process.exit(1)
    }
    stopping = true
    options.logger.info(
      { signal, inFlight: connections.activeRequests() },
      'shutting down: no new connections, finishing in-flight requests',
    )
    const force = setTimeout(() => {
      options.logger.warn({ timeoutMs: options.timeoutMs }, 'shutdown timeout: closing remaining connections')
      server.closeAllConnections()
    }, options.timeoutMs)
    force.unref()
    connections.drain()
    await new Promise<void>((resolve) => server.close(() => resolve()))
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

/**
 * server.close() waits for every open socket, and a keep-alive socket that finishes its response
 * during shutdown would stay open until its keep-alive timeout (5 s). So we count requests per socket:
 * on drain, sockets without a request close now, the others right after their last response.
 */
function trackConnections(server: Server) {
  const active = new Map<Socket, number>()
  let draining = false
  server.on('connection', (socket: Socket) => {
    active.set(socket, 0)
    socket.once('close', () => active.delete(socket))
  })
  server.on('request', (request, response) => {
    const socket = request.socket
    active.set(socket, (active.get(socket) ?? 0) + 1)
    response.once('close', () => {
      const left = (active.get(socket) ?? 1) - 1
      active.set(socket, left)
      if (draining && left === 0) socket.end()
    })
  })
  const closeIdle = () => {
    for (const [socket, requests] of active) if (requests === 0) socket.end()
  }
  return {
    activeRequests: () => [...active.values()].reduce((sum, count) => sum + count, 0),
    drain() {
      draining = true
      closeIdle()
    },
  }
}
