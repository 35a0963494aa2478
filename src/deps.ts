import type { Clock } from './clock.js'
import type { Config } from './config.js'
import type { Logger } from './logger.js'
import type { Llm } from './providers/llm/llm.js'
import type { EmbeddingRuntime } from './providers/embeddings/runtime.js'
import type { DepartmentClassifier } from './triage/classifier-service.js'
import type { EscalationDetector } from './triage/escalation/detector-service.js'
import type { SecretBox } from './secrets/secret-box.js'
import type { Migration } from './storage/migrate.js'
import type { OutboundGuard } from './outbound/guard.js'
import type { Sql } from './storage/sql.js'
import type { JobsReady } from './jobs/jobs-ready.js'

/** Where start-up stands; /readyz reports it while the database is still being waited for. */
export interface StartupState {
  phase: 'starting' | 'ready' | 'failed'
  detail?: string
}

/** Everything a route or verb may use, built once by an entry point and passed in explicitly. */
export interface Deps {
  config: Config
  sql: Sql
  logger: Logger
  clock: Clock
  migrations: readonly Migration[]
  /** Encrypts and decrypts the secrets stored in the database (webhook secrets, helpdesk tokens). */
  secrets: SecretBox
  startup: StartupState
  embeddings: EmbeddingRuntime
  classifier: DepartmentClassifier
  /** The escalation policy in force and the learned detector of its text reasons. */
  escalation: EscalationDetector
  /** The chat model for drafted replies and second opinions; undefined means the rules do everything. */
  llm?: Llm | undefined
  /** Calls URLs that came from runtime input (write-back, callbacks) under the outbound policy. */
  outbound: OutboundGuard
  /** The client address of a request from the runtime's bindings (Node: the socket's peer); absent in-process. */
  peerAddress?: ((bindings: unknown) => string | undefined) | undefined
  /** Told which jobs were queued, so they run without waiting for the next poll (Node) or cron (Worker). */
  jobs?: JobsReady | undefined
}
