import type { Logger } from '../../logger.js'
import { createBatchingEmbedder, type BatchingOptions } from './batching.js'
import { createCachingEmbedder } from './cache.js'
import type { Embedder } from './embedder.js'

/** The EMBEDDINGS_BATCH_* and EMBEDDINGS_CACHE_SIZE settings (config.embeddings). */
export interface TuningSettings {
  batching: BatchingOptions | undefined
  cacheSize: number
}

/**
 * A model's embedder as the service uses it: the cache outside, so a repeated text never waits for a batch,
 * and micro-batching inside, so what does reach the model arrives in as few runs as possible.
 * `maxConcurrent`: joined batches in flight, 1 for a local model (it shares the CPU with everything else),
 * more for a remote API, where a batch spends its time waiting on the network.
 */
export function tuneEmbedder(embedder: Embedder, settings: TuningSettings, maxConcurrent: number): Embedder {
  const batched = settings.batching ? createBatchingEmbedder(embedder, { ...settings.batching, maxConcurrent }) : embedder
  // Bulk calls pass by the cache: see CachingOptions.maxTextsPerCall.
  const bulk = settings.batching?.maxBatch ?? 32
  return settings.cacheSize > 0 ? createCachingEmbedder(batched, { maxEntries: settings.cacheSize, maxTextsPerCall: bulk - 1 }) : batched
}

/**
 * Runs the model once per purpose before the service reports ready, so the first request does not pay for
 * ONNX Runtime's first run (memory planning, allocations, lazily initialised kernels). Texts of two lengths,
 * because buffers are sized by the longest input seen. Returns the time it took, which is logged.
 */
export async function warmUpEmbedder(embedder: Embedder, logger: Logger): Promise<number> {
  const started = Date.now()
  const short = 'Rechnung doppelt bezahlt'
  const long = 'Meine Waschmaschine zeigt seit gestern den Fehlercode E18 und pumpt das Wasser nicht mehr ab. '.repeat(4)
  await embedder.embed([short, long], { purpose: 'query' })
  await embedder.embed([short, long], { purpose: 'passage' })
  const ms = Date.now() - started
  logger.info({ embeddings: embedder.id, ms }, 'embedding model warmed up')
  return ms
}
