import { spaceId, type Embedder, type EmbeddingSpace } from './embedder.js'
import { createHashingEmbedder, hashingModelVersion } from './hashing.js'

/** Which embedder this process writes new vectors with, and which stored spaces it can still query. */
export interface EmbeddingRuntime {
  /** The configured embedder: new vectors go into its space, and a re-index moves everything there. */
  target: Embedder
  /** How the provider was chosen (auto mode falls back to hashing), for /readyz and the start-up log. */
  selection: { requested: string; provider: EmbeddingSpace['provider']; reason: string }
  /** An embedder for a stored space, when this process can produce vectors in it; else undefined. */
  forSpace(space: EmbeddingSpace): Embedder | undefined
}

/** A runtime around one embedder; hashing spaces stay queryable always, since hashing needs no model. */
export function createEmbeddingRuntime(target: Embedder, selection: EmbeddingRuntime['selection']): EmbeddingRuntime {
  const extra = new Map<string, Embedder>()
  return {
    target,
    selection,
    forSpace(space) {
      const id = spaceId(space)
      if (id === target.id) return target
      if (space.provider !== 'hashing' || space.model !== hashingModelVersion) return undefined
      if (!extra.has(id)) extra.set(id, createHashingEmbedder(space.dimensions))
      return extra.get(id)
    },
  }
}
