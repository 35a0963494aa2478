import { pino } from 'pino'
import { createApp } from '../../src/app.js'
import { parseConfig } from '../../src/config.js'
import type { Deps } from '../../src/deps.js'
import type { Logger } from '../../src/logger.js'
import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'
import { createEmbeddingRuntime } from '../../src/providers/embeddings/runtime.js'
import { loadMigrationFiles } from '../../src/platform/node/storage/migration-files.js'
import * as knowledgeQueries from '../../src/storage/queries/knowledge.js'
import type { Sql } from '../../src/storage/sql.js'
import { createDepartmentClassifier } from '../../src/triage/classifier-service.js'
import { createEscalationDetector } from '../../src/triage/escalation/detector-service.js'
import { readEscalationCorpus } from '../../src/platform/node/knowledge-import/read-files.js'
import { createFileModelStore, modelCacheFolder } from '../../src/platform/node/model-file-store.js'
import { createNodeOutboundGuard } from '../../src/platform/node/node-outbound.js'
import { createEphemeralSecretBox } from '../../src/secrets/secret-box.js'

/** One statement as the service sent it: text and parameter values (BEGIN/COMMIT of a transaction included). */
export interface Statement {
  text: string
  params: unknown[]
}

/** What one POST /v1/triage executed: first on a fresh app (caches cold), then a request with warm caches. */
export interface CapturedTriage {
  cold: Statement[]
  warm: Statement[]
}

/** Requests sent after the cold one; the one with the fewest statements is the steady state (see below). */
const warmRequests = 3

/** The same Sql, writing every statement to `log` while `log.on` is set (transactions included). */
function recordSql(sql: Sql, log: { on: boolean; statements: Statement[] }): Sql {
  const note = (text: string, params: readonly unknown[] = []) => {
    if (log.on) log.statements.push({ text, params: [...params] })
  }
  const wrap = (inner: Sql): Sql => ({
    ...inner,
    query: (text, params) => (note(text, params), inner.query(text, params)),
    exec: (text) => (note(text), inner.exec(text)),
    transaction: (fn) => {
      note('BEGIN')
      return inner.transaction((tx) => fn(wrap(tx))).then((value) => (note('COMMIT'), value))
    },
  })
  return wrap(sql)
}

/**
 * Builds the app as src/platform/node/node-deps.ts does (hashing embedder, no LLM, the classifier trained
 * from the database), on the server's own data, with the database recorded; sends an inquiry, then a few
 * more, and keeps the statements of the first and of the steady state, including any sent within 300 ms
 * after the response.
 */
export async function captureTriageStatements(sql: Sql, key: string, bodies: [string, string]): Promise<CapturedTriage> {
  const config = parseConfig({ EMBEDDINGS_PROVIDER: 'hashing', LLM_ENABLED: 'false' })
  const logger = pino({ level: 'silent' }) as unknown as Logger
  const log = { on: false, statements: [] as Statement[] }
  const embedder = createHashingEmbedder(config.embeddings.hashingDimensions)
  const deps: Deps = {
    config,
    logger,
    sql: recordSql(sql, log),
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
  await deps.classifier.refresh(deps, (await knowledgeQueries.findActiveSpace(sql))!)
  const app = createApp(deps)
  const send = async (body: string) => {
    log.statements = []
    log.on = true
    const response = await app.request('/v1/triage', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
    })
    const text = await response.text()
    await new Promise((resolve) => setTimeout(resolve, 300))
    log.on = false
    if (response.status !== 200) throw new Error(`capture: POST /v1/triage answered ${response.status}: ${text}`)
    return log.statements
  }
  const cold = await send(bodies[0]!)
  // Caches that expire after a second (the active space) or on a schedule (the classifier's stamp)
  // reload in whichever request comes first; under load that is one request in dozens, so the request
  // that ran the fewest statements (of the same inquiry sent again) is the one pgbench repeats.
  let warm: Statement[] | undefined
  for (let index = 0; index < warmRequests; index++) {
    const statements = await send(bodies[1]!)
    if (!warm || statements.length < warm.length) warm = statements
  }
  return { cold, warm: warm! }
}
