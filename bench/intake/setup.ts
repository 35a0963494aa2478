// The app as src/platform/node/node-deps.ts builds it (pino at info, the hashing embedder, no LLM, the pool
// size of the defaults), on a fresh database: a new PostgreSQL schema, or PGlite in a temporary folder.
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { createApp } from '../../src/app.js'
import { parseConfig } from '../../src/config.js'
import type { Deps } from '../../src/deps.js'
import { createIntegration } from '../../src/integrations/integrations.js'
import { loadDemoKnowledge } from '../../src/knowledge/demo.js'
import { readDefaultExamples, readDemoArticles } from '../../src/platform/node/knowledge-import/read-files.js'
import { ensureSpace } from '../../src/knowledge/spaces.js'
import type { Logger } from '../../src/logger.js'
import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'
import { createEmbeddingRuntime } from '../../src/providers/embeddings/runtime.js'
import { migrate } from '../../src/storage/migrate.js'
import { loadMigrationFiles } from '../../src/platform/node/storage/migration-files.js'
import { createPgSql } from '../../src/platform/node/storage/pg.js'
import { createPgliteSql } from '../../src/platform/node/storage/pglite.js'
import * as knowledgeQueries from '../../src/storage/queries/knowledge.js'
import type { Sql } from '../../src/storage/sql.js'
import { createDepartmentClassifier } from '../../src/triage/classifier-service.js'
import { createEscalationDetector } from '../../src/triage/escalation/detector-service.js'
import { readEscalationCorpus } from '../../src/platform/node/knowledge-import/read-files.js'
import { createFileModelStore, modelCacheFolder } from '../../src/platform/node/model-file-store.js'
import { loadDefaultExamples } from '../../src/triage/examples.js'
import type { WebhookType } from '../../src/webhooks/types.js'
import { loopbackOutboundEnv, type FakeHelpdesk } from '../../test/helpers/fake-helpdesk.js'
import { createNodeOutboundGuard } from '../../src/platform/node/node-outbound.js'
import { secretFor } from '../../test/helpers/webhooks.js'
import { createEphemeralSecretBox } from '../../src/secrets/secret-box.js'

export type DatabaseName = 'postgres' | 'pglite'

/** A migrated database of its own; close() drops it. */
export interface BenchDatabase {
  name: DatabaseName
  sql: Sql
  close(): Promise<void>
}

export async function openDatabase(name: DatabaseName, postgresUrl: string | undefined): Promise<BenchDatabase> {
  const migrations = await loadMigrationFiles()
  if (name === 'pglite') {
    const dataDir = await mkdtemp(join(tmpdir(), 'bench-intake-'))
    const sql = await createPgliteSql({ dataDir })
    await migrate(sql, migrations)
    return {
      name,
      sql,
      close: async () => {
        await sql.close()
        await rm(dataDir, { recursive: true, force: true })
      },
    }
  }
  if (!postgresUrl) throw new Error('postgres needs BENCH_DATABASE_URL or TEST_DATABASE_URL')
  const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`
  const logger = pino({ level: 'silent' }) as unknown as Logger
  const admin = await createPgSql({ url: postgresUrl, maxConnections: 1, logger })
  await admin.exec(`CREATE SCHEMA ${schema}`)
  const sql = await createPgSql({ url: postgresUrl, maxConnections: parseConfig({}).databasePoolMax, logger, schema })
  await migrate(sql, migrations)
  return {
    name,
    sql,
    close: async () => {
      await sql.close()
      await admin.exec(`DROP SCHEMA ${schema} CASCADE`)
      await admin.close()
    },
  }
}

/** Dependencies as the server builds them; log lines go to /dev/null (their cost counts, the terminal does not). */
export async function buildDeps(sql: Sql): Promise<Deps> {
  const config = parseConfig({ EMBEDDINGS_PROVIDER: 'hashing', ...loopbackOutboundEnv })
  const logger = pino(
    { level: config.logLevel, base: { service: 'inquiry-triage' } },
    pino.destination({ dest: '/dev/null', sync: true }),
  ) as unknown as Logger
  const embedder = createHashingEmbedder(config.embeddings.hashingDimensions)
  const deps: Deps = {
    config,
    sql,
    logger,
    clock: { now: () => new Date() },
    migrations: await loadMigrationFiles(),
    secrets: await createEphemeralSecretBox(),
    startup: { phase: 'ready' },
    embeddings: createEmbeddingRuntime(embedder, { requested: 'hashing', provider: 'hashing', reason: 'benchmark' }),
    classifier: createDepartmentClassifier(),
    escalation: createEscalationDetector({
      readCorpus: readEscalationCorpus,
      store: createFileModelStore(modelCacheFolder, { copyCachedToDatabase: false }),
    }),
    llm: undefined,
    outbound: createNodeOutboundGuard(config.outbound),
  }
  await ensureSpace(sql, embedder.space)
  return deps
}

/** The demo knowledge base and training examples, so triage retrieves and classifies as it does in production. */
export async function seedContent(deps: Deps): Promise<void> {
  await loadDemoKnowledge(deps, readDemoArticles)
  await loadDefaultExamples(deps, readDefaultExamples)
  await deps.classifier.refresh(deps, (await knowledgeQueries.findActiveSpace(deps.sql))!)
}

/** One integration per type, writing back to the fake helpdesk when one is given. */
export async function createIntegrations(deps: Deps, types: readonly WebhookType[], helpdesk?: FakeHelpdesk) {
  const integrations = new Map<WebhookType, { name: string; secret: string }>()
  for (const type of types) {
    const integration = { name: `bench-${type}`, secret: secretFor(type) }
    const writeBack = !helpdesk
      ? {}
      : type === 'generic'
        ? { callbackUrl: helpdesk.callbackUrl }
        : { apiBaseUrl: helpdesk.apiBaseUrl(type), apiToken: helpdesk.tokens[type] }
    await createIntegration(deps, { ...integration, type, ...writeBack })
    integrations.set(type, integration)
  }
  return integrations
}

export const appFor = (deps: Deps) => createApp(deps)
