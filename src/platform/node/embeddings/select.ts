import type { Config } from '../../../config.js'
import type { Logger } from '../../../logger.js'
import { createHashingEmbedder } from '../../../providers/embeddings/hashing.js'
import { createEmbeddingRuntime, type EmbeddingRuntime } from '../../../providers/embeddings/runtime.js'
import { tuneEmbedder, warmUpEmbedder } from '../../../providers/embeddings/tuned.js'

/** Joined batches in flight against a remote embeddings API (a local model runs one at a time). */
const remoteConcurrency = 4

/**
 * Builds the configured embedder. `auto` tries the local transformers model and falls back to the
 * built-in hashing embedder with one warning, so a machine without the model still serves. A local model
 * is warmed up before it is handed out, and model embedders get the cache and micro-batching (tuned.ts);
 * the hashing embedder needs neither, it costs microseconds.
 */
export async function selectEmbeddings(config: Config, logger: Logger): Promise<EmbeddingRuntime> {
  const requested = config.embeddings.provider
  if (requested === 'hashing') {
    return createEmbeddingRuntime(createHashingEmbedder(config.embeddings.hashingDimensions), {
      requested,
      provider: 'hashing',
      reason: 'configured',
    })
  }
  if (requested === 'openai') {
    const { openAIEmbeddingRuntime } = await import('../../../providers/embeddings/openai.js')
    const runtime = await openAIEmbeddingRuntime(config)
    return createEmbeddingRuntime(tuneEmbedder(runtime.target, config.embeddings, remoteConcurrency), runtime.selection)
  }
  try {
    const model = await loadTransformers(config, logger)
    await warmUpEmbedder(model, logger)
    const embedder = tuneEmbedder(model, config.embeddings, 1)
    return createEmbeddingRuntime(embedder, {
      requested,
      provider: 'transformers',
      reason: requested === 'auto' ? 'model loaded' : 'configured',
    })
  } catch (error) {
    if (requested === 'transformers') throw error
    const reason = `transformers model unavailable (${(error as Error).message}); using the built-in hashing embedder`
    logger.warn({ model: config.embeddings.modelDir ?? config.embeddings.model }, reason)
    return createEmbeddingRuntime(createHashingEmbedder(config.embeddings.hashingDimensions), { requested, provider: 'hashing', reason })
  }
}

async function loadTransformers(config: Config, logger: Logger) {
  const { createTransformersEmbedder } = await import('./transformers.js')
  const embedder = createTransformersEmbedder({
    model: config.embeddings.model,
    quantized: config.embeddings.quantized,
    threads: config.embeddings.threads,
    logger,
    ...(config.embeddings.modelDir ? { modelDir: config.embeddings.modelDir } : {}),
    ...(config.embeddings.cacheDir ? { cacheDir: config.embeddings.cacheDir } : {}),
  })
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`loading took longer than ${config.embeddings.loadTimeoutMs / 1000} s`)),
      config.embeddings.loadTimeoutMs,
    )
  })
  try {
    await Promise.race([embedder.load(), timeout])
  } finally {
    clearTimeout(timer)
  }
  return embedder
}
