import type { EmbedOptions, Embedder } from '../../src/providers/embeddings/embedder.js'
import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'

/** One call the inner embedder received; a held call waits for release() or fail(), or its signal's abort. */
export interface RecordedCall {
  texts: string[]
  purpose: string | undefined
  signal: AbortSignal | undefined
  release(): void
  fail(error: Error): void
}

/**
 * The real hashing embedder (256 dimensions) behind a recorder, for the wrappers in front of a model (cache,
 * batching): each call is recorded; with `hold` it waits until the test releases or fails it, and an abort
 * of its signal rejects it as a model run checking its signal would; `fail` fails calls by their texts.
 */
export function recordingEmbedder(options: { hold?: boolean; fail?: (texts: string[]) => Error | undefined } = {}) {
  const hashing = createHashingEmbedder(256)
  const calls: RecordedCall[] = []
  const embedder: Embedder = {
    id: hashing.id,
    space: hashing.space,
    dimensions: hashing.dimensions,
    async embed(texts: string[], embedOptions: EmbedOptions = {}) {
      const { signal } = embedOptions
      let release = () => {}
      let fail = (_error: Error) => {}
      const held = options.hold
        ? new Promise<void>((resolve, reject) => {
            release = resolve
            fail = reject
            signal?.addEventListener('abort', () => reject(signal.reason), { once: true })
          })
        : undefined
      calls.push({ texts, purpose: embedOptions.purpose, signal, release, fail })
      await held
      const failure = options.fail?.(texts)
      if (failure) throw failure
      return hashing.embed(texts, embedOptions)
    },
  }
  return { embedder, calls, hashing }
}
