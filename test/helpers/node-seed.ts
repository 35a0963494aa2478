import { loadDemoKnowledge } from '../../src/knowledge/demo.js'
import { readDefaultExamples, readDemoArticles, readEscalationCorpus } from '../../src/platform/node/knowledge-import/read-files.js'
import { createFileModelStore, modelCacheFolder } from '../../src/platform/node/model-file-store.js'
import type { Sql } from '../../src/storage/sql.js'
import { createEscalationDetector } from '../../src/triage/escalation/detector-service.js'
import { loadDefaultExamples } from '../../src/triage/examples.js'
import { trainModels } from '../../src/triage/train-models.js'
import { createTestApp } from './app.js'

/**
 * Seeds a migrated database as a Node start (or `npm run models:train`) leaves it for a Worker: the demo
 * knowledge base, the default examples and both models in the hashing space. The escalation model is
 * copied from the shared model cache, not trained, so this stays cheap. Returns the stored models.
 */
export async function seedLikeNodeStart(sql: Sql): Promise<Awaited<ReturnType<typeof trainModels>>> {
  const node = await createTestApp(sql)
  node.deps.escalation = createEscalationDetector({ readCorpus: readEscalationCorpus, store: createFileModelStore(modelCacheFolder) })
  await loadDemoKnowledge(node.deps, readDemoArticles)
  await loadDefaultExamples(node.deps, readDefaultExamples)
  return trainModels(node.deps)
}
