import { parseConfig } from '../../src/config.js'
import { createMemoryLogger } from '../../src/logger.js'
import { selectEmbeddings } from '../../src/platform/node/embeddings/select.js'
import { createTransformersEmbedder } from '../../src/platform/node/embeddings/transformers.js'
import type { Embedder } from '../../src/providers/embeddings/embedder.js'
import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'
import { createEmbeddingRuntime, type EmbeddingRuntime } from '../../src/providers/embeddings/runtime.js'
import type { Variant } from './args.js'
import type { ModelFolder } from './folder.js'

/** The service's embedding runtime on this folder and variant, and how it was built (for the report). */
export interface ServiceEmbeddings {
  runtime: EmbeddingRuntime
  via: string
  loadMs: number
}

/**
 * Built as the server builds it, through selectEmbeddings(parseConfig(env)), with the caller's environment
 * under the bench's settings. The embedding cache is off (EMBEDDINGS_CACHE_SIZE=0): the benchmark repeats its
 * texts, and a cache hit would measure a map look-up instead of the model. `batching: false` sets
 * EMBEDDINGS_BATCH_WAIT_MS=0, which turns micro-batching off.
 */
export async function openServiceEmbeddings(
  folder: ModelFolder,
  variant: Variant,
  options: { batching: boolean; env: Record<string, string | undefined> },
): Promise<ServiceEmbeddings> {
  const env: Record<string, string | undefined> = {
    ...options.env,
    EMBEDDINGS_PROVIDER: 'transformers',
    EMBEDDINGS_MODEL: folder.name,
    EMBEDDINGS_MODEL_DIR: folder.dir,
    EMBEDDINGS_QUANTIZED: String(variant === 'int8'),
    EMBEDDINGS_CACHE_SIZE: '0',
    ...(options.batching ? {} : { EMBEDDINGS_BATCH_WAIT_MS: '0' }),
  }
  const config = parseConfig(env)
  const started = performance.now()
  // Until EMBEDDINGS_QUANTIZED exists, selectEmbeddings always loads the int8 file; fp32 is then built directly.
  if (variant === 'fp32' && !('quantized' in config.embeddings)) {
    const embedder = createTransformersEmbedder({ model: folder.name, modelDir: folder.dir, quantized: false })
    await embedder.load()
    const runtime = createEmbeddingRuntime(embedder, { requested: 'transformers', provider: 'transformers', reason: 'benchmark' })
    return { runtime, via: 'createTransformersEmbedder (config has no EMBEDDINGS_QUANTIZED yet)', loadMs: performance.now() - started }
  }
  const runtime = await selectEmbeddings(config, createMemoryLogger())
  if (runtime.selection.provider !== 'transformers') throw new Error(`the model did not load: ${runtime.selection.reason}`)
  const settings = Object.entries(env)
    .filter(([key]) => /^EMBEDDINGS_(BATCH|CACHE_SIZE|THREADS|QUANTIZED)/.test(key))
    .map(([key, value]) => `${key}=${value}`)
  return { runtime, via: `selectEmbeddings(${settings.join(' ')})`, loadMs: performance.now() - started }
}

/**
 * Hashing vectors of the model's width, filed under the model's space: for seeding a bench database quickly
 * (--quick). A kNN statement costs the same over any vectors of one width; the model's own cost is measured on
 * the requests, which the real embedder serves.
 */
export function seedingStandIn(runtime: EmbeddingRuntime): EmbeddingRuntime {
  const target = runtime.target
  const hashing = createHashingEmbedder(target.dimensions)
  const standIn: Embedder = {
    id: target.id,
    space: target.space,
    dimensions: target.dimensions,
    embed: (texts, options) => hashing.embed(texts, options),
  }
  return createEmbeddingRuntime(standIn, { requested: 'hashing', provider: 'hashing', reason: 'seeding the bench database' })
}
