import { generateArticles } from '../kb/corpus.js'
import { openPglite, openPostgres } from '../kb/databases.js'
import { upsertArticles } from '../../src/knowledge/ingest.js'
import { ensureSpace } from '../../src/knowledge/spaces.js'
import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'
import { createEmbeddingRuntime } from '../../src/providers/embeddings/runtime.js'
import { createMemoryLogger } from '../../src/logger.js'
const kind = process.argv[2]
const db = kind === 'pg' ? await openPostgres('postgres://triage_test:triage_test@127.0.0.1:5432/triage_test') : await openPglite({ inMemory: kind === 'mem' })
const embedder = createHashingEmbedder(1024)
const embeddings = createEmbeddingRuntime(embedder, { requested: 'hashing', provider: 'hashing', reason: 'bench' })
await ensureSpace(db.sql, embedder.space)
const { articles, chunks } = generateArticles(42, 4000)
let t = performance.now()
const texts = articles.slice(0, 100).flatMap(a => [a.body])
await embedder.embed(articles.map(a => a.body))
console.log('embed whole bodies', performance.now() - t)
const deps = { sql: db.sql, embeddings, logger: createMemoryLogger() }
for (let i = 0; i < articles.length; i += 100) {
  t = performance.now()
  const r = await upsertArticles(deps, articles.slice(i, i + 100))
  console.log(i, r.created, r.failed.length, Math.round(performance.now() - t))
}
await db.close()
