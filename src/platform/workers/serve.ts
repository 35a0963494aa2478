import { createApp } from '../../app.js'
import { ensureBootstrapAdmin } from '../../auth/api-keys.js'
import { ConfigError } from '../../config.js'
import type { Deps } from '../../deps.js'
import { ensureSpace } from '../../knowledge/spaces.js'
import { readMigrationStatus } from '../../storage/migrate.js'
import { buildWorkerDeps, MissingBindingError, type WorkerEnv } from './worker-deps.js'
import { withRequestClients } from './request-sql.js'

/** The part of Cloudflare's ExecutionContext the entry uses. */
export interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void
}

/** One isolate's dependencies and app, shared by its fetch, queue and scheduled handlers. */
export interface Isolate {
  deps: Deps
  app: { fetch(request: Request, env: unknown): Response | Promise<Response> }
  started?: Promise<void>
}

/** Builds the isolate at its first event (request, queue batch or cron) and again after a failure. */
export function createIsolateHolder() {
  let isolate: Promise<Isolate> | undefined
  return {
    async open(env: WorkerEnv): Promise<{ isolate: Isolate; connectionString: string }> {
      const hyperdrive = env.HYPERDRIVE
      if (!hyperdrive?.connectionString)
        throw new MissingBindingError(
          'The Hyperdrive binding HYPERDRIVE is missing: add a [[hyperdrive]] binding named HYPERDRIVE to wrangler.toml.',
        )
      isolate ??= buildIsolate(env)
      try {
        return { isolate: await isolate, connectionString: hyperdrive.connectionString }
      } catch (error) {
        isolate = undefined
        throw error
      }
    },
  }
}

/**
 * Runs fn with the database clients of one invocation after the isolate's start-up check; the clients
 * close when fn settles (ctx.waitUntil keeps the close alive after a response).
 */
export function runScoped<T>(current: Isolate, connectionString: string, ctx: WaitUntil, fn: () => Promise<T>): Promise<T> {
  const scoped = withRequestClients(connectionString, async () => {
    // A failed check is forgotten, so the next request tries again (after `npm run migrate`, say).
    current.started ??= startIsolate(current.deps).catch(() => {
      current.started = undefined
    })
    await current.started
    return fn()
  })
  ctx.waitUntil(scoped.result.finally(() => scoped.close()))
  return scoped.result
}

/** Serves createApp(deps) on a Worker: deps and app once per isolate, the database clients once per request. */
export function createWorkerHandler(isolates = createIsolateHolder()) {
  return async (request: Request, env: WorkerEnv, ctx: WaitUntil): Promise<Response> => {
    try {
      const { isolate: current, connectionString } = await isolates.open(env)
      return await runScoped(current, connectionString, ctx, async () => current.app.fetch(request, env))
    } catch (error) {
      const message = logCannotServe(error)
      const known = error instanceof MissingBindingError || error instanceof ConfigError
      return problem(503, known ? message : 'The Worker could not start; its log says why.')
    }
  }
}

/** The log line of an isolate that cannot serve (no logger exists before the config is read); returns the message. */
export function logCannotServe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  console.error(JSON.stringify({ level: 'error', msg: 'the Worker cannot serve', err: message }))
  return message
}

async function buildIsolate(env: WorkerEnv): Promise<Isolate> {
  const deps = await buildWorkerDeps(env)
  return { deps, app: createApp(deps) }
}

/**
 * The first request's check of the database: the schema must be the one this bundle knows (the Worker
 * does not migrate; `npm run migrate` does before deploy), ADMIN_API_KEY is stored, the embedding space
 * exists. A failure is kept in deps.startup for /readyz and retried by the next request.
 */
async function startIsolate(deps: Deps): Promise<void> {
  try {
    const status = await readMigrationStatus(deps.sql, deps.migrations)
    if (status.pending.length > 0)
      throw new Error(`the database lacks migrations ${status.pending.join(', ')}: run npm run migrate against it before deploying`)
    await ensureBootstrapAdmin(deps, deps.config.adminApiKey, { generate: false })
    await ensureSpace(deps.sql, deps.embeddings.target.space)
    deps.startup.phase = 'ready'
    delete deps.startup.detail
  } catch (error) {
    deps.startup.phase = 'failed'
    deps.startup.detail = error instanceof Error ? error.message : String(error)
    deps.logger.error({ err: deps.startup.detail }, 'the Worker is not ready')
    throw error
  }
}

function problem(status: number, detail: string): Response {
  const title = status === 503 ? 'Service unavailable' : 'Error'
  const body = { type: 'urn:inquiry-triage:problem:service_unavailable', title, status, detail, code: 'service_unavailable' }
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json', 'retry-after': '5' } })
}
