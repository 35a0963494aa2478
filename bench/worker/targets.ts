// The two targets of `npm run bench:worker`, started as a developer starts them, on loopback ports, over
// the same schema: the Worker under `wrangler dev --local` and the Node entry (`npm start`'s command).
import { killStartedProcesses, startServer } from '../../test/helpers/process.js'
import { startDevWorker } from '../../test/worker/wrangler-dev.js'

/** One running service the bench sends requests to. */
export interface Target {
  label: 'worker' | 'node'
  url: string
  pid: number
  /** Milliseconds from spawning the process until it said it serves (wrangler: "Ready on"; Node: "ready"). */
  startMs: number
  /** Node only: milliseconds until it listened (start-up goes on behind /readyz after that). */
  listeningMs?: number
  output(): string
  stop(): Promise<void>
}

/** What both targets are given: the database, its schema, and the same keys. */
export interface TargetSettings {
  postgresUrl: string
  schema: string
  adminKey: string
  secretsKey: string
}

/** Hyperdrive's local connection string is the plain URL: wrangler dev connects without pooling. */
export async function startWorkerTarget(settings: TargetSettings): Promise<Target> {
  const started = performance.now()
  const worker = await startDevWorker({
    hyperdrive: settings.postgresUrl,
    vars: { DATABASE_SCHEMA: settings.schema, ADMIN_API_KEY: settings.adminKey, SECRETS_KEY: settings.secretsKey },
  })
  const startMs = performance.now() - started
  return { label: 'worker', url: worker.url, pid: worker.pid, startMs, output: worker.output, stop: worker.stop }
}

/**
 * The Node entry as `npm start` runs it, with the Worker's embedding space (hashing, the wrangler.toml
 * default) so both read the same vectors and models; no background worker, no demo import at start.
 */
export async function startNodeTarget(settings: TargetSettings): Promise<Target> {
  const started = performance.now()
  try {
    const server = await startServer({
      DATABASE_URL: settings.postgresUrl,
      DATABASE_SCHEMA: settings.schema,
      ADMIN_API_KEY: settings.adminKey,
      SECRETS_KEY: settings.secretsKey,
      EMBEDDINGS_PROVIDER: 'hashing',
      WORKER_CONCURRENCY: '0',
      KB_LOAD_DEMO: 'false',
    })
    const listeningMs = performance.now() - started
    await server.waitFor(/"msg":"ready"/, 180_000)
    const startMs = performance.now() - started
    return {
      label: 'node',
      url: server.url,
      pid: server.child.pid!,
      startMs,
      listeningMs,
      output: server.output,
      stop: async () => void (await server.stop()),
    }
  } catch (error) {
    // A start that timed out leaves its child running; only children test/helpers/process.ts started go.
    killStartedProcesses()
    throw error
  }
}
