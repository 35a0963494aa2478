import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node'

/**
 * Our own ONNX Runtime session for the embedding model. transformers.js 2.17 creates its sessions without
 * session options, so its thread pool is whatever ONNX Runtime picks; here the thread counts, execution
 * mode and graph optimisation are ours to set, and a run is one `session.run` with the tokenizer's tensors,
 * without the library's model-call glue in between. The runtime is the one transformers.js depends on
 * (onnxruntime-node 1.14), so both agree on what a model file can hold.
 */
export interface SessionSettings {
  /** Threads one run may use (ONNX Runtime's intra-op pool, the calling thread included); 0 = one per core. */
  intraOpThreads: number
}

/** A tensor as the tokenizer gives it. */
export interface TokenTensor {
  dims: number[]
  data: ArrayLike<number | bigint>
}

export interface ModelSession {
  inputNames: readonly string[]
  /** last_hidden_state for the tokenizer's tensors: [batch, tokens, width] floats. */
  run(inputs: Record<string, TokenTensor>): Promise<{ dims: number[]; data: Float32Array }>
}

type Ort = typeof import('onnxruntime-node')

export function sessionOptions(settings: SessionSettings): InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    // One model run at a time per call, and nothing in an encoder's graph runs in parallel branches worth a
    // second pool: sequential mode with one inter-op thread keeps the thread count to what intra-op asks for.
    executionMode: 'sequential',
    interOpNumThreads: 1,
    ...(settings.intraOpThreads > 0 ? { intraOpNumThreads: settings.intraOpThreads } : {}),
    graphOptimizationLevel: 'all',
  }
}

/**
 * `modelFile` is a path on purpose: onnxruntime-node 1.14 drops the session options of a session created
 * from bytes (its buffer overload ignores them: an invalid intraOpNumThreads passes unnoticed, and the
 * thread count stays at the default), while the path overload checks and applies them.
 */
export async function createModelSession(modelFile: string, settings: SessionSettings): Promise<ModelSession> {
  const imported = (await import('onnxruntime-node')) as Ort & { default?: Ort }
  const ort = imported.default ?? imported
  const session = await ort.InferenceSession.create(modelFile, sessionOptions(settings))
  if (!session.outputNames.includes('last_hidden_state'))
    throw new Error(
      `The model has no last_hidden_state output (it has ${session.outputNames.join(', ')}); it is not a feature-extraction model.`,
    )
  const inputNames = session.inputNames
  return {
    inputNames,
    async run(inputs) {
      const feeds: Record<string, OrtTensor> = {}
      for (const name of inputNames) feeds[name] = toOrtTensor(ort, name, inputs)
      const output = (await session.run(feeds, ['last_hidden_state'])).last_hidden_state!
      return { dims: [...output.dims], data: output.data as Float32Array }
    },
  }
}

function toOrtTensor(ort: Ort, name: string, inputs: Record<string, TokenTensor>): OrtTensor {
  const given = inputs[name]
  if (given) return new ort.Tensor('int64', toBigInt64(given.data), given.dims)
  // BERT-style models take token types; a tokenizer that makes none means one segment, all zeros.
  const ids = inputs.input_ids
  if (name === 'token_type_ids' && ids) return new ort.Tensor('int64', new BigInt64Array(ids.data.length), ids.dims)
  throw new Error(`The model needs an input "${name}" the tokenizer does not make.`)
}

function toBigInt64(data: ArrayLike<number | bigint>): BigInt64Array {
  if (data instanceof BigInt64Array) return data
  return BigInt64Array.from(Array.from(data, (value) => BigInt(value)))
}
