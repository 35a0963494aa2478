import type { Deps } from '../deps.js'
import * as queries from '../storage/queries/knowledge.js'
import { seedOnce } from '../storage/queries/settings.js'
import { upsertArticles } from './ingest.js'

const demoLoadedKey = 'demo_kb_loaded'

/**
 * Loads the demo knowledge base into an empty installation, once. The flag keeps a team that deleted
 * the demo articles from getting them back at the next start.
 */
export async function loadDemoKnowledge(
  deps: Pick<Deps, 'sql' | 'embeddings' | 'logger'>,
  readArticles: () => Promise<unknown[]>,
): Promise<number> {
  const loaded = await seedOnce(deps.sql, demoLoadedKey, {
    isEmpty: async () => (await queries.countArticles(deps.sql)) === 0,
    async load() {
      // upsertArticles refreshes the full-text statistics itself after a batch this size.
      const result = await upsertArticles(deps, await readArticles())
      for (const failure of result.failed) deps.logger.warn({ ...failure }, 'demo article rejected')
      return { articles: result.created }
    },
  })
  if (loaded) deps.logger.info(loaded, 'demo knowledge base loaded')
  return loaded?.articles ?? 0
}
