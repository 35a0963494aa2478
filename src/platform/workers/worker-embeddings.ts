import type { Config } from '../../config.js'
import { createHashingEmbedder } from '../../providers/embeddings/hashing.js'
import { openAIEmbeddingRuntime } from '../../providers/embeddings/openai.js'
import { createEmbeddingRuntime, type EmbeddingRuntime } from '../../providers/embeddings/runtime.js'
import { createWorkersAiEmbedder, type WorkersAiBinding } from '../../providers/embeddings/workers-ai.js'

/**
 * The Worker's embedder, from EMBEDDINGS_PROVIDER: workers-ai through the AI binding, openai, or hashing.
 * transformers.js is not in the bundle, so `auto` and `transformers` serve hashing and say why.
 */
export async function selectWorkerEmbeddings(config: Config, ai: WorkersAiBinding | undefined): Promise<EmbeddingRuntime> {
  const requested = config.embeddings.provider
  if (requested === 'workers-ai') {
    // worker-deps.ts refuses a missing binding first, naming it; this is the type's last word.
    if (!ai) throw new TypeError('the AI binding is required for workers-ai embeddings')
    const { model, dimensions } = config.embeddings.workersAi
    // parseConfig refuses workers-ai with a model of unknown size, so dimensions is set here.
    const embedder = createWorkersAiEmbedder({ ai, model, dimensions: dimensions! })
    return createEmbeddingRuntime(embedder, { requested, provider: 'workers-ai', reason: 'configured' })
  }
  if (requested === 'openai') return openAIEmbeddingRuntime(config)
  const reason =
    requested === 'hashing' ? 'configured' : 'transformers.js is not part of the Worker bundle; using the built-in hashing embedder'
  return createEmbeddingRuntime(createHashingEmbedder(config.embeddings.hashingDimensions), { requested, provider: 'hashing', reason })
}
