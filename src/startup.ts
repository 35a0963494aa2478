import type { AdminAccess } from './auth/api-keys.js'
import type { Deps } from './deps.js'
import { loadDemoKnowledge } from './knowledge/demo.js'
import { reindexKnowledge } from './knowledge/reindex.js'
import { ensureSpace } from './knowledge/spaces.js'
import type { EmbeddingRuntime } from './providers/embeddings/runtime.js'
import * as knowledgeQueries from './storage/queries/knowledge.js'
import { prepareDatabase } from './storage/prepare.js'
import { loadDefaultExamples } from './triage/examples.js'
import { scheduleRetention } from './privacy/retention.js'
import { scheduleDigest } from './reports/digest-job.js'

/** The runtime-specific pieces start-up needs; Node passes file- and model-loading versions. */
export interface StartupHooks {
  selectEmbeddings(): Promise<EmbeddingRuntime>
  readDemoArticles(): Promise<unknown[]>
  readDefaultExamples(): Promise<unknown[]>
  signal?: AbortSignal
}

/**
 * Everything between "listening" and "ready": database, embedder, embedding space, demo knowledge
 * base. A re-index into a new space runs in the background afterwards; the old space serves meanwhile.
 */
export async function prepareService(
  deps: Deps,
  hooks: StartupHooks,
): Promise<{ generatedAdminKey?: string; adminAccess: AdminAccess; reindex?: Promise<void> }> {
  // The server prints a generated admin key, so it is the one place that may generate it.
  const database = await prepareDatabase(deps, { markReady: false, generateAdminKey: true })
  try {
    deps.embeddings = await hooks.selectEmbeddings()
    await ensureSpace(deps.sql, deps.embeddings.target.space)
    if (deps.config.knowledge.loadDemo) await loadDemoKnowledge(deps, hooks.readDemoArticles)
    if (deps.config.triage.loadDefaultExamples) await loadDefaultExamples(deps, hooks.readDefaultExamples)
    await trainClassifier(deps)
    // The escalation detector is loaded from the database, or trained once per corpus version (tens of seconds).
    deps.startup.detail = 'loading the escalation detector'
    await deps.escalation.refresh(deps, { wait: true })
    await scheduleRetention(deps)
    await scheduleDigest(deps)
  } catch (error) {
    deps.startup.phase = 'failed'
    deps.startup.detail = (error as Error).message
    throw error
  }
  deps.startup.phase = 'ready'
  delete deps.startup.detail
  const reindex = deps.config.knowledge.reindexOnStart ? startBackgroundReindex(deps, hooks.signal) : undefined
  return { ...database, ...(reindex ? { reindex } : {}) }
}

/** Trains the department model before the first request, in the space searches use. */
async function trainClassifier(deps: Deps): Promise<void> {
  const active = await knowledgeQueries.findActiveSpace(deps.sql)
  if (active) await deps.classifier.refresh(deps, active)
}

async function startBackgroundReindex(deps: Deps, signal: AbortSignal | undefined): Promise<void> {
  const active = await knowledgeQueries.findActiveSpace(deps.sql)
  if (active?.id === deps.embeddings.target.id) return
  deps.logger.info({ space: deps.embeddings.target.id, active: active?.id ?? null }, 're-indexing the knowledge base in the background')
  try {
    await reindexKnowledge(deps, signal ? { signal } : {})
  } catch (error) {
    if (!signal?.aborted)
      deps.logger.error({ err: (error as Error).message }, 'background re-index failed; the previous space keeps serving')
  }
}

/** What a command-line tool needs before it touches the knowledge base: database, embedder, space. */
export async function prepareForCommand(deps: Deps, selectEmbeddings: () => Promise<EmbeddingRuntime>): Promise<void> {
  await prepareDatabase(deps)
  deps.embeddings = await selectEmbeddings()
  await ensureSpace(deps.sql, deps.embeddings.target.space)
}
