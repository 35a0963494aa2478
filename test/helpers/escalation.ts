import { parseConfig } from '../../src/config.js'
import { createFileModelStore, modelCacheFolder } from '../../src/platform/node/model-file-store.js'
import { readEscalationCorpus } from '../../src/platform/node/knowledge-import/read-files.js'
import { createMemoryLogger } from '../../src/logger.js'
import { createEscalationDetector, type DetectorState } from '../../src/triage/escalation/detector-service.js'
import { testDatabases } from './databases.js'

/**
 * The detector as the service ships it (the corpus, the default policy), read from the model cache or
 * trained once: the first test file that needs it pays the training, the others load the file.
 */
export async function shippedDetector(): Promise<DetectorState> {
  const sql = await testDatabases.find((database) => database.name === 'pglite')!.open()
  try {
    const detector = createEscalationDetector({
      readCorpus: readEscalationCorpus,
      store: createFileModelStore(modelCacheFolder, { copyCachedToDatabase: false }),
    })
    return await detector.current({ sql, config: parseConfig({}), logger: createMemoryLogger() })
  } finally {
    await sql.close()
  }
}
