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
  /**
   * The active space, remembered for a second: every search and triage needs it, and a switch (by a
   * re-index, maybe in another process) may take that long to be noticed.
   */
  activeSpace<T>(load: () => Promise<T | undefined>): Promise<T | undefined>
  /** Forgets the remembered active space; this process just switched it. */
  forgetActiveSpace(): void
}

const activeSpaceTtlMs = 1000

/** A runtime around one embedder; hashing spaces stay queryable always, since hashing needs no model. */
export function createEmbeddingRuntime(target: Embedder, selection: EmbeddingRuntime['selection']): EmbeddingRuntime {
  const extra = new Map<string, Embedder>()
  let cached: { value: unknown; at: number } | undefined
  return {
    target,
    selection,
    async activeSpace<T>(load: () => Promise<T | undefined>) {
      if (cached && Date.now() - cached.at < activeSpaceTtlMs) return cached.value as T | undefined
      const value = await load()
      // Only a found space is remembered, so a new installation sees its first space at once.
      if (value) cached = { value, at: Date.now() }
      return value
    },
    forgetActiveSpace() {
      cached = undefined
    },
    forSpace(space) {
      const id = spaceId(space)
      if (id === target.id) return target
      if (space.provider !== 'hashing' || space.model !== hashingModelVersion) return undefined
      if (!extra.has(id)) extra.set(id, createHashingEmbedder(space.dimensions))
      return extra.get(id)
    },
  }
}
