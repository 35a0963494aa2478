import type { Deps } from '../deps.js'
import type { Embedder } from '../providers/embeddings/embedder.js'
import * as queries from '../storage/queries/knowledge.js'
import { toSpace } from './spaces.js'

/**
 * The spaces a write must fill: the target space always, and while a re-index is under way also the
 * active one (when this process can embed in it), so the old space stays complete until the switch.
 */
export async function writableEmbedders(deps: Pick<Deps, 'sql' | 'embeddings'>): Promise<Embedder[]> {
  const target = deps.embeddings.target
  const active = await queries.findActiveSpace(deps.sql)
  if (!active || active.id === target.id) return [target]
  const activeEmbedder = deps.embeddings.forSpace(toSpace(active))
  return activeEmbedder ? [target, activeEmbedder] : [target]
}
