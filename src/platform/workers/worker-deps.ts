import { systemClock } from '../../clock.js'
import { parseConfig } from '../../config.js'
import type { Deps } from '../../deps.js'
import { createOutboundGuard } from '../../outbound/guard.js'
import { createHashingEmbedder } from '../../providers/embeddings/hashing.js'
import { createEmbeddingRuntime } from '../../providers/embeddings/runtime.js'
import { selectLlm } from '../../providers/llm/select.js'
import { createSecretBox } from '../../secrets/secret-box.js'
import { createDepartmentClassifier } from '../../triage/classifier-service.js'
import { createEscalationDetector } from '../../triage/escalation/detector-service.js'
import { createConsoleLogger } from './console-logger.js'
import { bundledMigrations } from './migration-list.js'
import { createRequestSql } from './request-sql.js'

/** What wrangler.toml binds: settings and secrets as strings, the database as a Hyperdrive binding. */
export interface WorkerEnv {
  HYPERDRIVE?: { connectionString: string }
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
 * request (request-sql.ts); embeddings are the hashing ones (workers-ai is a later step); the outbound
 * guard has no resolver, since a Worker cannot resolve names and its fetch cannot reach a private network.
 */
export async function buildWorkerDeps(env: WorkerEnv): Promise<Deps> {
  const config = parseConfig(settingsOf(env))
  const logger = createConsoleLogger(config.logLevel)
  if (!config.secrets.key)
    throw new MissingBindingError(
      'The secret SECRETS_KEY is not set: it encrypts stored webhook secrets and helpdesk tokens (wrangler secret put SECRETS_KEY).',
    )
  const embedder = createHashingEmbedder(config.embeddings.hashingDimensions)
  const reason = config.embeddings.provider === 'hashing' ? 'configured' : 'the Worker serves hashing embeddings only so far'
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
    embeddings: createEmbeddingRuntime(embedder, { requested: config.embeddings.provider, provider: 'hashing', reason }),
    // Load-only: an isolate never trains; it loads the models Node (or `npm run models:train`) stored in
    // the database. The escalation corpus stays out of the bundle. Neighbours come from pgvector, so a
    // cold start reads no example rows.
    classifier: createDepartmentClassifier(Date.now, {}, { mode: 'load-only', neighbours: 'database' }),
    escalation: createEscalationDetector({ mode: 'load-only' }),
    llm: selectLlm(config, systemClock, logger),
    outbound: createOutboundGuard({ policy: config.outbound }),
  }
}
