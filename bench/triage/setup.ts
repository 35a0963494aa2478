import { pino } from 'pino'
import { createApp } from '../../src/app.js'
import { createApiKey } from '../../src/auth/api-keys.js'
import { parseConfig } from '../../src/config.js'
import type { Deps } from '../../src/deps.js'
import { loadDemoKnowledge } from '../../src/knowledge/demo.js'
import { readDefaultExamples, readDemoArticles } from '../../src/platform/node/knowledge-import/read-files.js'
import { ensureSpace } from '../../src/knowledge/spaces.js'
import type { Logger } from '../../src/logger.js'
import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'
import { createEmbeddingRuntime, type EmbeddingRuntime } from '../../src/providers/embeddings/runtime.js'
import { loadMigrationFiles } from '../../src/platform/node/storage/migration-files.js'
import * as knowledgeQueries from '../../src/storage/queries/knowledge.js'
import { createDepartmentClassifier } from '../../src/triage/classifier-service.js'
import { createEscalationDetector } from '../../src/triage/escalation/detector-service.js'
import { readEscalationCorpus } from '../../src/platform/node/knowledge-import/read-files.js'
import { createFileModelStore, modelCacheFolder } from '../../src/platform/node/model-file-store.js'
import { createNodeOutboundGuard } from '../../src/platform/node/node-outbound.js'
import { loadDefaultExamples } from '../../src/triage/examples.js'
import { openPglite, openPostgres, type BenchDatabase } from '../kb/databases.js'
import { instrumentClassifier, instrumentEmbeddings, instrumentSql } from './instrument.js'
import { createEphemeralSecretBox } from '../../src/secrets/secret-box.js'

/** One database with the app built on it as the server builds it, seeded with the demo content. */
export interface BenchApp {
  name: BenchDatabase['name']
  app: ReturnType<typeof createApp>
  key: string
  database: BenchDatabase
}

/** A fresh database migrated with this checkout's migrations (a compared checkout brings its own). */
export function openBenchDatabase(
  name: BenchDatabase['name'],
  options: { postgresUrl?: string | undefined; pgliteInMemory: boolean },
): Promise<BenchDatabase> {
  if (name === 'postgres' && !options.postgresUrl) throw new Error('postgres needs BENCH_DATABASE_URL or TEST_DATABASE_URL')
  return name === 'postgres' ? openPostgres(options.postgresUrl!) : openPglite({ inMemory: options.pgliteInMemory })
}

/**
 * Dependencies as src/platform/node/node-deps.ts builds them (pino at info, the hashing embedder unless
 * `embeddings` brings another, no LLM), with the database, embedder and classifier timed. Log lines go to
 * /dev/null: their cost is part of a request, the terminal is not.
 */
export async function buildBenchApp(
  database: BenchDatabase,
  options: { embeddings?: EmbeddingRuntime; seedEmbeddings?: EmbeddingRuntime } = {},
): Promise<BenchApp> {
  const config = parseConfig({ EMBEDDINGS_PROVIDER: 'hashing' })
  const logger = pino(
    { level: config.logLevel, base: { service: 'inquiry-triage' } },
    pino.destination({ dest: '/dev/null', sync: true }),
  ) as unknown as Logger
  const runtime =
    options.embeddings ??
    createEmbeddingRuntime(createHashingEmbedder(config.embeddings.hashingDimensions), {
      requested: 'hashing',
      provider: 'hashing',
      reason: 'benchmark',
    })
  const embedder = runtime.target
  const deps: Deps = {
    config,
    sql: instrumentSql(database.sql, { serialise: database.name === 'pglite' }),
    logger,
    clock: { now: () => new Date() },
    migrations: await loadMigrationFiles(),
    secrets: await createEphemeralSecretBox(),
    startup: { phase: 'ready' },
    embeddings: instrumentEmbeddings(runtime),
    classifier: instrumentClassifier(createDepartmentClassifier()),
    escalation: createEscalationDetector({
      readCorpus: readEscalationCorpus,
      store: createFileModelStore(modelCacheFolder, { copyCachedToDatabase: false }),
    }),
    llm: undefined,
    outbound: createNodeOutboundGuard(config.outbound),
  }
  // The demo content may be embedded by a cheaper embedder of the same space (seedEmbeddings): what is measured
  // is the requests, and a full-size model would spend a minute on the seed alone.
  const seedDeps = options.seedEmbeddings ? { ...deps, embeddings: options.seedEmbeddings } : deps
  await ensureSpace(deps.sql, embedder.space)
  await loadDemoKnowledge(seedDeps, readDemoArticles)
  await loadDefaultExamples(seedDeps, readDefaultExamples)
  await deps.classifier.refresh(deps, (await knowledgeQueries.findActiveSpace(deps.sql))!)
  const { key } = await createApiKey(deps, { name: 'bench', role: 'integration' })
  return { name: database.name, app: createApp(deps), key, database }
}
