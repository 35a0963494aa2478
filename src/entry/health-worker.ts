// Runs in a worker thread (started by health-port.ts): answers liveness probes on its own port and event
// loop, from the main thread's heartbeat, so a busy main loop cannot delay the answer and a stuck one
// cannot hide. Only node:http and the heartbeat: nothing that could wait on the main thread.
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parentPort, workerData } from 'node:worker_threads'
import { watchHeartbeat } from './heartbeat.js'

/** What health-port.ts hands this thread. */
export interface HealthWorkerData {
  host: string
  port: number
  maxLagMs: number
  heartbeat: SharedArrayBuffer
}

/** Messages to the main thread: where it listens, or why it could not. */
export type HealthWorkerMessage = { listening: number } | { failed: string; code: string | undefined }

const { host, port, maxLagMs, heartbeat } = workerData as HealthWorkerData
const probePaths = new Set(['/healthz', '/livez'])
const mainLoop = watchHeartbeat(heartbeat)

const server = createServer((request, response) => {
  const path = (request.url ?? '/').split('?')[0]!
  if (!probePaths.has(path))
    return answer(
      response,
      404,
      { status: 404, title: 'Not Found', detail: 'This port answers only GET /healthz and /livez.' },
      'application/problem+json',
    )
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return answer(response, 405, { status: 405, title: 'Method Not Allowed' }, 'application/problem+json', { allow: 'GET, HEAD' })
  const eventLoopLagMs = mainLoop.eventLoopLagMs()
  if (eventLoopLagMs < maxLagMs) answer(response, 200, { status: 'ok', eventLoopLagMs })
  else answer(response, 503, { status: 'unresponsive', eventLoopLagMs, maxLagMs })
})
// Probes are tiny: a slow or idle client must not hold a socket for long.
server.headersTimeout = 5_000
server.requestTimeout = 5_000
server.keepAliveTimeout = 5_000
server.maxConnections = 256

function answer(response: ServerResponse, status: number, body: object, type = 'application/json', headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers })
  response.end(response.req.method === 'HEAD' ? undefined : JSON.stringify(body))
}

const post = (message: HealthWorkerMessage) => parentPort!.postMessage(message)
server.once('error', (error: NodeJS.ErrnoException) => post({ failed: error.message, code: error.code }))
server.listen(port, host, () => post({ listening: (server.address() as AddressInfo).port }))
