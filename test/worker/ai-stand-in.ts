// The test's stand-in for Workers AI, run by wrangler dev next to the triage Worker (test/worker/workers-ai.test.ts).
// `StandInAi` is bound as the triage Worker's `AI` (a service binding to this entrypoint): `run(model, { text })`
// answers like @cf/baai/bge-m3, with deterministic vectors from the hashing embedder. The default export routes
// the test's requests: `/without-ai/...` to a triage Worker without the binding, everything else to the one with it.
import { WorkerEntrypoint } from 'cloudflare:workers'
import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'

const model = '@cf/baai/bge-m3'
const hashing = createHashingEmbedder(1024)

export class StandInAi extends WorkerEntrypoint {
  async run(asked: string, input: { text: string[] }) {
    if (asked !== model) throw new Error(`5007: No such model ${asked} or task`)
    const vectors = await hashing.embed(input.text)
    console.log(`stand-in AI embedded ${vectors.length} texts with ${asked}`)
    // Scaled, since the real model's vectors are not unit length either: the provider must normalise.
    return { shape: [vectors.length, 1024], data: vectors.map((vector) => Array.from(vector, (value) => value * 2)), pooling: 'cls' }
  }
}

interface Service {
  fetch(request: Request): Promise<Response>
}

export default {
  fetch(request: Request, env: { WITH_AI: Service; WITHOUT_AI: Service }): Promise<Response> {
    const url = new URL(request.url)
    if (!url.pathname.startsWith('/without-ai/')) return env.WITH_AI.fetch(request)
    url.pathname = url.pathname.slice('/without-ai'.length)
    return env.WITHOUT_AI.fetch(new Request(url, request))
  },
}
