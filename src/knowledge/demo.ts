import type { Deps } from '../deps.js'
import * as queries from '../storage/queries/knowledge.js'
import { readSetting, writeSetting } from '../storage/queries/settings.js'
import { refreshTextStatistics, upsertArticles } from './ingest.js'

const demoLoadedKey = 'demo_kb_loaded'

/**
 * Loads the demo knowledge base into an empty installation, once. The flag keeps a team that deleted
 * the demo articles from getting them back at the next start.
 */
export async function loadDemoKnowledge(deps: Pick<Deps, 'sql' | 'embeddings' | 'logger'>, readArticles: () => Promise<unknown[]>): Promise<number> {
  if (await readSetting(deps.sql, demoLoadedKey)) return 0
  if ((await queries.countArticles(deps.sql)) > 0) return 0
  const result = await upsertArticles(deps, await readArticles())
  for (const failure of result.failed) deps.logger.warn({ ...failure }, 'demo article rejected')
  await refreshTextStatistics(deps.sql)
  await writeSetting(deps.sql, demoLoadedKey, { at: new Date().toISOString(), articles: result.created })
  deps.logger.info({ articles: result.created }, 'demo knowledge base loaded')
  return result.created
}
