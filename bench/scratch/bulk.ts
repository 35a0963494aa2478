import { generateArticles } from '../kb/corpus.js'
import { openPglite, openPostgres } from '../kb/databases.js'
import { bulkLoadArticles } from '../kb/bulk-load.js'
import { ensureSpace } from '../../src/knowledge/spaces.js'
import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'
const kind = process.argv[2]
const n = Number(process.argv[3] ?? 10000)
const db = kind === 'pg' ? await openPostgres('postgres://triage_test:triage_test@127.0.0.1:5432/triage_test') : await openPglite({ inMemory: kind === 'mem' })
const embedder = createHashingEmbedder(1024)
const space = await ensureSpace(db.sql, embedder.space)
await db.sql.exec(`DROP INDEX ${space.index_name}`)
if (process.argv[4]) await db.sql.exec(process.argv[4])
const { articles } = generateArticles(42, n)
let t0 = performance.now()
let done = 0
for (let i = 0; i < articles.length; i += 200) {
  const t = performance.now()
  done += await bulkLoadArticles(db.sql, embedder, articles.slice(i, i + 200))
  if (i % 1000 === 0) console.log(i, done, Math.round(performance.now() - t))
}
console.log('bulk total', done, Math.round(performance.now() - t0))
t0 = performance.now()
await db.sql.transaction(async (tx) => {
  await tx.exec(`SET LOCAL maintenance_work_mem = '1GB'`)
  await tx.exec(`CREATE INDEX ${space.index_name} ON kb_chunk_embeddings USING hnsw ((embedding::vector(1024)) vector_cosine_ops) WHERE space_id = '${space.id}'`)
})
console.log('index', Math.round(performance.now() - t0))
console.log(await db.sql.query(`select pg_size_pretty(pg_total_relation_size('kb_chunk_embeddings')) e, pg_size_pretty(pg_relation_size('${space.index_name}')) i, pg_size_pretty(pg_total_relation_size('kb_chunks')) c`))
await db.close()
