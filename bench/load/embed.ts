import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'
import { createOpenAIEmbedder } from '../../src/providers/embeddings/openai.js'
import { createTransformersEmbedder } from '../../src/platform/node/embeddings/transformers.js'
import type { Embedder } from '../../src/providers/embeddings/embedder.js'
import { modelFolder } from '../model/folder.js'
import { round } from './http.js'

/** Texts per second of one provider, one text per call (as a triage embeds) and 32 per call (as ingest does). */
export interface EmbedThroughput {
  provider: string
  space: string
  loadMs: number | null
  textsPerSecond: { batch1: number; batch32: number } | null
  skipped?: string
}

/**
 * hashing; transformers with the generated tiny model and with the full-size stand-in of multilingual-e5-small
 * (int8, as the service loads by default; generated on first use, about a minute); openai only when
 * OPENAI_BASE_URL is set.
 */
export async function measureEmbedders(
  texts: string[],
  seconds: number,
  env: Record<string, string | undefined>,
): Promise<EmbedThroughput[]> {
  const results = [await measure('hashing', createHashingEmbedder(1024), texts, seconds)]
  for (const [kind, label] of [
    ['tiny', "transformers (generated tiny model: the library's fixed cost)"],
    ['stand-in', 'transformers (full-size stand-in of multilingual-e5-small, int8, random weights)'],
  ] as const) {
    const folder = await modelFolder(kind)
    const model = createTransformersEmbedder({ model: folder.name, modelDir: folder.dir, allowRemote: false, quantized: true })
    const loading = performance.now()
    await model.load()
    results.push(await measure(label, model, texts, seconds, performance.now() - loading))
  }
  if (env.OPENAI_BASE_URL) {
    const openai = createOpenAIEmbedder({
      baseURL: env.OPENAI_BASE_URL,
      apiKey: env.OPENAI_API_KEY ?? 'bench',
      model: env.OPENAI_EMBEDDINGS_MODEL ?? 'text-embedding-3-small',
    })
    results.push(
      await measure(`openai (${env.OPENAI_BASE_URL})`, openai, texts, seconds).catch((error: Error) => ({
        provider: 'openai',
        space: openai.id,
        loadMs: null,
        textsPerSecond: null,
        skipped: `failed: ${error.message}`,
      })),
    )
  } else {
    results.push({ provider: 'openai', space: '–', loadMs: null, textsPerSecond: null, skipped: 'OPENAI_BASE_URL is not set' })
  }
  return results
}

async function measure(
  provider: string,
  embedder: Embedder,
  texts: string[],
  seconds: number,
  loadMs: number | null = null,
): Promise<EmbedThroughput> {
  await embedder.embed(texts.slice(0, 4), { purpose: 'query' }) // warm-up
  const rate = async (batch: number) => {
    const deadline = performance.now() + seconds * 1000
    const started = performance.now()
    let done = 0
    while (performance.now() < deadline) {
      const slice = Array.from({ length: batch }, (_, i) => texts[(done + i) % texts.length]!)
      await embedder.embed(slice, { purpose: batch === 1 ? 'query' : 'passage' })
      done += batch
    }
    return round(done / ((performance.now() - started) / 1000))
  }
  return {
    provider,
    space: embedder.id,
    loadMs: loadMs === null ? null : Math.round(loadMs),
    textsPerSecond: { batch1: await rate(1), batch32: await rate(32) },
  }
}
