import { serve } from '@hono/node-server'
import type { Server } from 'node:http'
import { createApp } from '../app.js'
import { describeDatabase } from '../platform/node/storage/open.js'
import { readDefaultExamples, readDemoArticles } from '../platform/node/knowledge-import/read-files.js'
import { selectEmbeddings } from '../platform/node/embeddings/select.js'
import { prepareService } from '../startup.js'
import { createIntakeWorker } from '../jobs/handlers.js'
import type { Worker } from '../jobs/worker.js'
import { buildNodeDeps, runMain } from '../platform/node/node-deps.js'
import { installGracefulShutdown } from './shutdown.js'
import { startHealthPort, type HealthPort } from './health-port.js'

// The server listens at once, so /readyz can say what start-up is waiting for; the database is
// prepared (waited for, migrated, admin key ensured) in the meantime.
await runMain(async () => {
  const deps = await buildNodeDeps()
  const { config, logger } = deps
  const server = serve({ fetch: createApp(deps).fetch, port: config.port, hostname: config.host }) as Server
  const background = new AbortController()
  let worker: Worker | undefined
  let healthPort: HealthPort | undefined
  // Enqueuers in this process wake the worker instead of waiting for its next poll.
  deps.jobs = { wake: () => worker?.wake() }
  try {
    await listening(server, `${config.host}:${config.port}`)
    // Liveness on its own port and thread (HEALTH_PORT), so probes never queue behind triage work.
    if (config.health.port !== undefined) healthPort = await startHealthPort({ ...config.health, port: config.health.port }, logger)
    installGracefulShutdown(server, {
      logger,
      timeoutMs: config.shutdownTimeoutMs,
      // Jobs in hand finish (or go back to the queue) before the database closes under them.
      cleanups: [
        async () => background.abort(),
        () => healthPort?.stop() ?? Promise.resolve(),
        () => worker?.stop({ timeoutMs: config.shutdownTimeoutMs }) ?? Promise.resolve(),
        () => deps.sql.close(),
      ],
    })
    const { port } = server.address() as { port: number }
    logger.info({ url: `http://${config.host}:${port}`, database: describeDatabase(config) }, 'listening')
    if (healthPort) logger.info({ healthUrl: healthPort.url, maxLagSeconds: config.health.maxLagMs / 1000 }, 'health port listening')
    const { generatedAdminKey, adminAccess } = await prepareService(deps, {
      selectEmbeddings: () => selectEmbeddings(config, logger),
      readDemoArticles,
      readDefaultExamples,
      signal: background.signal,
    })
    if (generatedAdminKey) printGeneratedKey(generatedAdminKey)
    else if (adminAccess === 'generated-earlier') printRecoveryHint(config.databaseUrl ? 'DATABASE_URL' : `DATA_DIR=${config.dataDir}`)
    if (config.jobs.workerConcurrency > 0) {
      worker = createIntakeWorker(deps)
      worker.start()
    }
    logger.info({ embeddings: deps.embeddings.target.id, selection: deps.embeddings.selection.reason }, 'ready')
  } catch (error) {
    background.abort()
    logger.error({ err: error instanceof Error ? error.message : String(error) }, 'start-up failed')
    server.close()
    await healthPort?.stop().catch(() => {})
    await deps.sql.close().catch(() => {})
    throw error
  }
  return new Promise<never>(() => {}) // serve until a signal arrives
})

function listening(server: Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`${address} is already in use; set PORT to a free port.`) : error),
    )
  })
}

function printGeneratedKey(key: string) {
  process.stdout.write(
    '\n' +
      '  No admin API key existed, so one was generated. It is shown only now and stored only as a hash:\n\n' +
      `    ADMIN KEY: ${key}\n\n` +
      '  Use it as "Authorization: Bearer <key>", or set ADMIN_API_KEY (32+ characters) to choose your own.\n\n',
  )
}

// The generated key was shown once; an operator who missed it must not be locked out without a word.
function printRecoveryHint(database: string) {
  process.stdout.write(
    '\n  Admin access rests on the key generated and shown at the first start. If it is lost, stop the server\n' +
      `  and create another with the same ${database}: npm run keys -- create --role admin --name "<your name>"\n` +
      '  (or set ADMIN_API_KEY, 32+ characters). This note stops once another admin key exists.\n\n',
  )
}
