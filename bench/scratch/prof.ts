import { generateArticles } from '../kb/corpus.js'
import { chunkArticle } from '../../src/knowledge/chunk.js'
import { embeddingText } from '../../src/knowledge/ingest.js'
import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'
import { vectorLiteral } from '../../src/storage/queries/knowledge.js'
const embedder = createHashingEmbedder(1024)
const { articles } = generateArticles(42, 5000)
let t = performance.now()
const texts = articles.flatMap(a => chunkArticle(a.body).map(c => embeddingText(a.title, c)))
console.log('chunk', texts.length, Math.round(performance.now() - t)); t = performance.now()
const v = await embedder.embed(texts)
console.log('embed', Math.round(performance.now() - t)); t = performance.now()
const lits = v.map(vectorLiteral)
console.log('literal', Math.round(performance.now() - t), lits[0]!.length, lits[0]!.slice(0, 200)); t = performance.now()
const nz = v.map(x => x.filter(y => y !== 0).length)
console.log('nonzero avg', nz.reduce((a, b) => a + b) / nz.length)
