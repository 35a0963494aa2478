import { pino } from 'pino'
import { systemClock } from '../clock.js'
import { ConfigError, parseConfig } from '../config.js'
import type { Deps } from '../deps.js'
import type { Logger } from '../logger.js'
import { loadMigrationFiles } from '../storage/migration-files.js'
import { openDatabase } from '../storage/open.js'
import { createHashingEmbedder } from '../providers/embeddings/hashing.js'
import { createEmbeddingRuntime } from '../providers/embeddings/runtime.js'
import { createDepartmentClassifier } from '../triage/classifier-service.js'
import { selectLlm } from '../providers/llm/select.js'

/** Builds the dependency bundle for any Node entry point (server, CLIs) from process.env. */
export async function buildNodeDeps(env: NodeJS.ProcessEnv = process.env): Promise<Deps> {
  const config = parseConfig(env)
  const logger = pino({ level: config.logLevel, base: { service: 'inquiry-triage' } }) as unknown as Logger
  const migrations = await loadMigrationFiles()
  const sql = await openDatabase(config, logger)
  // Until start-up has chosen the embedder, /v1 answers 503; this placeholder is never used for writes.
  const embeddings = createEmbeddingRuntime(createHashingEmbedder(config.embeddings.hashingDimensions), { requested: config.embeddings.provider, provider: 'hashing', reason: 'starting' })
  return { config, sql, logger, clock: systemClock, migrations, startup: { phase: 'starting' }, embeddings, classifier: createDepartmentClassifier(), llm: selectLlm(config, systemClock, logger) }
}

/** Runs a command-line main: known failures print their message, and every failure exits non-zero. */
export async function runMain(main: () => Promise<number | void>): Promise<never> {
  try {
    process.exit((await main()) ?? 0)
  } catch (error) {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`)
    else process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  }
}
