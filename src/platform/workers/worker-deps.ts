import { systemClock } from '../../clock.js'
import { parseConfig } from '../../config.js'
import type { Deps } from '../../deps.js'
import { createOutboundGuard } from '../../outbound/guard.js'
import type { WorkersAiBinding } from '../../providers/embeddings/workers-ai.js'
import { selectLlm } from '../../providers/llm/select.js'
import { createSecretBox } from '../../secrets/secret-box.js'
import { createDepartmentClassifier } from '../../triage/classifier-service.js'
import { createEscalationDetector } from '../../triage/escalation/detector-service.js'
import { createConsoleLogger } from './console-logger.js'
import { bundledMigrations } from './migration-list.js'
import { createRequestSql } from './request-sql.js'
import { selectWorkerEmbeddings } from './worker-embeddings.js'
import { createQueueAnnouncer, type JobsQueue } from './jobs-queue.js'

/** What wrangler.toml binds: settings and secrets as strings, the database as a Hyperdrive binding, the job queue. */
export interface WorkerEnv {
  HYPERDRIVE?: { connectionString: string }
  /** Workers AI ([ai] in wrangler.toml), read when EMBEDDINGS_PROVIDER=workers-ai. */
  AI?: WorkersAiBinding
  JOBS?: JobsQueue
  [setting: string]: unknown
}

/** A binding or secret the Worker cannot serve without; every request answers 503 naming it. */
export class MissingBindingError extends Error {}

/** The settings of the one config schema, from the string-valued entries of `env` (bindings are objects). */
export function settingsOf(env: WorkerEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
}

/**
 * The dependency bundle of a Worker isolate, built once at its first request. The database is reached per
 * request (request-sql.ts); embeddings as EMBEDDINGS_PROVIDER says (worker-embeddings.ts); the outbound
 * guard has no resolver, since a Worker cannot resolve names and its fetch cannot reach a private network.
 */
export async function buildWorkerDeps(env: WorkerEnv): Promise<Deps> {
  const config = parseConfig(settingsOf(env))
  const logger = createConsoleLogger(config.logLevel)
  if (!config.secrets.key)
    throw new MissingBindingError(
      'The secret SECRETS_KEY is not set: it encrypts stored webhook secrets and helpdesk tokens (wrangler secret put SECRETS_KEY).',
    )
  if (config.embeddings.provider === 'workers-ai' && typeof env.AI?.run !== 'function')
    throw new MissingBindingError(
      'The Workers AI binding AI is missing, and EMBEDDINGS_PROVIDER=workers-ai needs it: add `[ai]` with `binding = "AI"` to wrangler.toml, or choose another EMBEDDINGS_PROVIDER.',
    )
  if (typeof env.JOBS?.sendBatch !== 'function')
    throw new MissingBindingError(
      'The queue binding JOBS is missing: add a [[queues.producers]] binding named JOBS for the queue inquiry-triage-jobs to wrangler.toml.',
    )
  return {
    config,
    sql: createRequestSql({ logger, schema: config.databaseSchema, hnswEfSearch: config.knowledge.hnswEfSearch }),
    logger,
    clock: systemClock,
    migrations: bundledMigrations,
    secrets: await createSecretBox({
      current: config.secrets.key,
      previous: config.secrets.previousKey ? [config.secrets.previousKey] : [],
    }),
    startup: { phase: 'starting', detail: 'the first request checks the database' },
    embeddings: await selectWorkerEmbeddings(config, env.AI),
    // Load-only: an isolate never trains; it loads the models Node (or `npm run models:train`) stored in
    // the database. The escalation corpus stays out of the bundle. Neighbours come from pgvector, so a
    // cold start reads no example rows.
    classifier: createDepartmentClassifier(Date.now, {}, { mode: 'load-only', neighbours: 'database' }),
    escalation: createEscalationDetector({ mode: 'load-only' }),
    llm: selectLlm(config, systemClock, logger),
    outbound: createOutboundGuard({ policy: config.outbound }),
    jobs: createQueueAnnouncer(env.JOBS, logger),
  }
}
