import { basename, dirname, join } from 'node:path'
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node'
import { parseConfig } from '../../src/config.js'
import { sessionOptions } from '../../src/platform/node/embeddings/session.js'
import { withE5Prefix } from '../../src/platform/node/embeddings/transformers.js'
import type { EmbedPurpose } from '../../src/providers/embeddings/embedder.js'
import type { Variant } from './args.js'
import type { ModelFolder } from './folder.js'

/** The inputs of one model run, tokenised before any timing starts. */
export type Feeds = Record<string, OrtTensor>

/**
 * The floor under the service's embedder: an onnxruntime-node InferenceSession created directly on the folder's
 * ONNX file with the service's session options (sessionOptions, EMBEDDINGS_THREADS), fed with the library's own tokenizer output, so what the service adds on top (tokenising, the library's
 * model call, pooling, batching) is the difference.
 */
export interface RawModel {
  session: InferenceSession
  /** Tokenises as the service does (e5 prefix, padding to the longest, truncation) into session feeds. */
  tokenize(texts: string[], purpose: EmbedPurpose): Feeds
  run(feeds: Feeds): Promise<void>
}

interface LibraryTensor {
  dims: number[]
  data: BigInt64Array
}
type Tokenizer = (
  texts: string[],
  options: { padding: boolean; truncation: boolean },
) => Record<string, LibraryTensor> & { input_ids: LibraryTensor }

export async function openRawModel(folder: ModelFolder, variant: Variant, env: Record<string, string | undefined>): Promise<RawModel> {
  const ort = await import('onnxruntime-node')
  // The service's session options and thread setting (EMBEDDINGS_THREADS, default 1): a floor on more threads
  // than the service runs would measure the setting, not what the service adds.
  const { threads } = parseConfig(env).embeddings
  const session = await ort.InferenceSession.create(
    join(folder.dir, 'onnx', variant === 'int8' ? 'model_quantized.onnx' : 'model.onnx'),
    sessionOptions({ intraOpThreads: threads }),
  )
  const tokenizer = await loadTokenizer(folder.dir)
  const { outputNames } = session
  return {
    session,
    tokenize(texts, purpose) {
      const tokens = tokenizer(withE5Prefix(folder.name, texts, purpose), { padding: true, truncation: true })
      const ids = tokens.input_ids
      const feeds: Feeds = {}
      for (const name of session.inputNames) {
        // The library adds all-zero token types when the tokenizer gives none and the graph wants them; so does this.
        const data = tokens[name]?.data ?? new BigInt64Array(ids.data.length)
        feeds[name] = new ort.Tensor('int64', data, ids.dims)
      }
      return feeds
    },
    async run(feeds) {
      await session.run(feeds, outputNames)
    },
  }
}

async function loadTokenizer(dir: string): Promise<Tokenizer> {
  const { AutoTokenizer, env } = await import('@xenova/transformers')
  const previous = { localModelPath: env.localModelPath, allowLocalModels: env.allowLocalModels }
  Object.assign(env, { localModelPath: dirname(dir), allowLocalModels: true })
  try {
    const tokenizer = (await AutoTokenizer.from_pretrained(basename(dir), { local_files_only: true })) as unknown as Tokenizer & {
      model_max_length?: number
    }
    if (typeof tokenizer.model_max_length !== 'number') tokenizer.model_max_length = 512 // as the service's loader does
    return tokenizer
  } finally {
    Object.assign(env, previous)
  }
}
