import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Config } from '../config.js'
import type { Logger } from '../logger.js'
import { startHeartbeat } from './heartbeat.js'
import type { HealthWorkerData, HealthWorkerMessage } from './health-worker.js'

/** The separate liveness port: where it listens, and how to stop it (thread and heartbeat). */
export interface HealthPort {
  url: string
  stop(): Promise<void>
}

/**
 * Starts the health-port worker thread and the main thread's heartbeat. Resolves once the port listens;
 * rejects when it cannot (port in use). A worker that dies later is logged: its probes then fail, which
 * is what a liveness probe should see.
 */
export async function startHealthPort(settings: Config['health'] & { port: number }, logger: Logger): Promise<HealthPort> {
  const heartbeat = startHeartbeat()
  const workerData: HealthWorkerData = {
    host: settings.host,
    port: settings.port,
    maxLagMs: settings.maxLagMs,
    heartbeat: heartbeat.buffer,
  }
  const worker = new Worker(workerBootstrap(), { eval: true, workerData, resourceLimits: { maxOldGenerationSizeMb: 32 } })
  const stop = async () => {
    heartbeat.stop()
    await worker.terminate()
  }
  try {
    const port = await listeningPort(worker, `${settings.host}:${settings.port}`)
    worker.on('error', (error) => logger.error({ err: error.message }, 'health port worker failed; liveness probes will fail'))
    worker.unref() // the main server decides when the process ends
    return { url: `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

function listeningPort(worker: Worker, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`the health port worker exited (code ${code}) before listening`)))
    worker.once('message', (message: HealthWorkerMessage) => {
      if ('listening' in message) resolve(message.listening)
      else
        reject(
          new Error(
            message.code === 'EADDRINUSE'
              ? `${address} is already in use; set HEALTH_PORT to a free port.`
              : `health port: ${message.failed}`,
          ),
        )
    })
  })
}

/**
 * The worker's entry as eval'd code. Under tsx (npm start) a worker thread does not inherit tsx's module
 * hooks (privatenumber/tsx#354), so the bootstrap registers them before importing the .ts worker file.
 */
function workerBootstrap(): string {
  const extension = extname(fileURLToPath(import.meta.url))
  const workerFile = JSON.stringify(new URL(`./health-worker${extension}`, import.meta.url).href)
  if (extension !== '.ts') return `import(${workerFile})`
  return `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${workerFile}) })`
}
