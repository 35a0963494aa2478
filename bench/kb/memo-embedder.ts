import type { Embedder } from '../../src/providers/embeddings/embedder.js'

/**
 * Remembers every vector it computed, so the bulk path embeds each text once across all databases
 * and sizes. Only the untimed bulk path uses it; upsertArticles always embeds for real.
 */
export function memoizeEmbedder(embedder: Embedder): Embedder {
  const cache = new Map<string, Float32Array>()
  return {
    id: embedder.id,
    space: embedder.space,
    dimensions: embedder.dimensions,
    async embed(texts, options) {
      const missing = [...new Set(texts.filter((text) => !cache.has(text)))]
      const vectors = missing.length ? await embedder.embed(missing, options) : []
      missing.forEach((text, index) => cache.set(text, vectors[index]!))
      return texts.map((text) => cache.get(text)!)
    },
  }
}
