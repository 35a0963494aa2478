import { createApp } from '../../src/app.js'
import { createApiKey } from '../../src/auth/api-keys.js'
import type { Role } from '../../src/auth/roles.js'
import type { Clock } from '../../src/clock.js'
import { parseConfig } from '../../src/config.js'
import type { Deps } from '../../src/deps.js'
import { createMemoryLogger } from '../../src/logger.js'
import type { Sql } from '../../src/storage/sql.js'
import { migrations } from './databases.js'
import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'
import { createEmbeddingRuntime, type EmbeddingRuntime } from '../../src/providers/embeddings/runtime.js'
import { ensureSpace } from '../../src/knowledge/spaces.js'
import { createDepartmentClassifier } from '../../src/triage/classifier-service.js'
import { createEscalationDetector } from '../../src/triage/escalation/detector-service.js'
import { readEscalationCorpus } from '../../src/platform/node/knowledge-import/read-files.js'
import { createFileModelStore, modelCacheFolder } from '../../src/platform/node/model-file-store.js'
import type { Llm } from '../../src/providers/llm/llm.js'
import { createNodeOutboundGuard } from '../../src/platform/node/node-outbound.js'
import type { ResolveHost } from '../../src/outbound/guard.js'
import { loopbackOutboundEnv } from './fake-helpdesk.js'
import { createSecretBox } from '../../src/secrets/secret-box.js'

const testFileSecretsKey = crypto.getRandomValues(new Uint8Array(32))

export interface TestApp {
  app: ReturnType<typeof createApp>
  deps: Deps
  logger: ReturnType<typeof createMemoryLogger>
  keyFor(role: Role): Promise<string>
  call(
    method: string,
    path: string,
    options?: { key?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> },
  ): Promise<Response>
}

/**
 * The real app on a real database, called in-process; only the clock and DNS (`resolveHost`) may be
 * faked. The fake servers on 127.0.0.1 over http are allowed unless `env` says otherwise.
 */
export async function createTestApp(
  sql: Sql,
  options: { env?: Record<string, string>; clock?: Clock; embeddings?: EmbeddingRuntime; llm?: Llm; resolveHost?: ResolveHost } = {},
): Promise<TestApp> {
  const logger = createMemoryLogger()
  const config = parseConfig({ ...loopbackOutboundEnv, ...options.env })
  const deps: Deps = {
    config,
    sql,
    logger,
    clock: options.clock ?? { now: () => new Date() },
    migrations: await migrations(),
    // SECRETS_KEY when the test gives one, else one key for the whole test file: several apps over one
    // database (an API app and a worker app, say) must read what the other sealed, as servers sharing a key do.
    secrets: await createSecretBox({ current: config.secrets.key ?? testFileSecretsKey }),
    startup: { phase: 'ready' },
    embeddings: options.embeddings ?? hashingRuntime(),
    classifier: createDepartmentClassifier(),
    escalation: createEscalationDetector({
      readCorpus: readEscalationCorpus,
      store: createFileModelStore(modelCacheFolder, { copyCachedToDatabase: false }),
    }),
    llm: options.llm,
    outbound: createNodeOutboundGuard(config.outbound, options.resolveHost),
  }
  await ensureSpace(sql, deps.embeddings.target.space)
  const app = createApp(deps)
  const keys = new Map<Role, string>()
  return {
    app,
    deps,
    logger,
    async keyFor(role) {
      if (!keys.has(role)) keys.set(role, (await createApiKey(deps, { name: `test ${role}`, role })).key)
      return keys.get(role)!
    },
    async call(method, path, { key, json, body, headers = {} } = {}) {
      const allHeaders: Record<string, string> = { ...headers }
      if (key) allHeaders.authorization = `Bearer ${key}`
      if (json !== undefined) allHeaders['content-type'] ??= 'application/json'
      return app.request(path, { method, headers: allHeaders, body: json !== undefined ? JSON.stringify(json) : body })
    },
  }
}

export function hashingRuntime(dimensions = 1024): EmbeddingRuntime {
  return createEmbeddingRuntime(createHashingEmbedder(dimensions), { requested: 'hashing', provider: 'hashing', reason: 'configured' })
}
