import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createHashingEmbedder } from '../src/providers/embeddings/hashing.js'
import { createEmbeddingRuntime } from '../src/providers/embeddings/runtime.js'
import { parseBenchArgs, usage, type BenchOptions } from './kb/args.js'
import { chunkArticle } from '../src/knowledge/chunk.js'
import { embeddingText } from '../src/knowledge/ingest.js'
import { generateArticles, generateQueries, takeChunks, type SyntheticArticle } from './kb/corpus.js'
import { openPglite, openPostgres, type BenchDatabase } from './kb/databases.js'
import { memoizeEmbedder } from './kb/memo-embedder.js'
import { describeCode, describeDatabase, describeMachine, redactUrl, renderMarkdown, type Report } from './kb/report.js'
import { runBenchmark } from './kb/run.js'
import { prepareQueries } from './kb/search.js'

/** `npm run bench:kb`: ingest, search latency and HNSW recall of the knowledge base on PGlite and PostgreSQL. */
async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2), process.env)
  if (!options) return void process.stdout.write(`${usage}\n`)
  const started = Date.now()
  const report: Report = {
    date: new Date().toISOString(),
    command: ['node', ...process.execArgv, 'bench/kb.ts', ...process.argv.slice(2)].join(' '),
    code: await describeCode(),
    machine: describeMachine(),
    options: { ...withoutUrl(options), postgres: redactUrl(options.postgresUrl) },
    runs: [],
    totalSeconds: 0,
  }
  const largest = Math.max(...options.sizes)
  // About six chunks per article: enough articles beyond the largest knowledge base for the held-out queries.
  const generated = largest + options.extraChunks + options.recallQueries * 6
  process.stderr.write(`generating ${generated} chunks of articles (seed ${options.seed})\n`)
  const { articles, counts } = generateArticles(options.seed, generated)
  const embedder = createHashingEmbedder(options.dimensions)
  const queries = await prepareQueries(embedder, generateQueries(options.seed + 1, options.queries))
  const heldOut = await prepareQueries(
    embedder,
    heldOutChunks(articles.slice(takeChunks(articles, counts, largest + options.extraChunks).length), options.recallQueries),
    'passage',
  )
  const warmup = await prepareQueries(embedder, generateQueries(options.seed + 2, options.warmup))
  const bulkEmbedder = memoizeEmbedder(embedder)
  for (const size of options.sizes) {
    const sized = takeChunks(articles, counts, size)
    const extraArticles = takeChunks(articles, counts, options.extraChunks, sized.length)
    for (const name of options.databases) {
      if (name === 'pglite' && size > largestDefaultPgliteSize && !options.pgliteLarge) {
        process.stderr.write(`skipping pglite at ${size} chunks (add --pglite-100k to run it)\n`)
        continue
      }
      const database = await open(name, options)
      report.machine.databases[name] ??= await describeDatabase(database.sql)
      const runtime = createEmbeddingRuntime(createHashingEmbedder(options.dimensions), {
        requested: 'hashing',
        provider: 'hashing',
        reason: 'benchmark',
      })
      // Ingest with the previous statistics rule alongside, where the whole size goes through upsertArticles.
      const openBaseline = options.ingestBaseline.includes(name) && size <= options.ingestChunks ? () => open(name, options) : undefined
      const result = await runBenchmark({
        database,
        size,
        options,
        runtime,
        bulkEmbedder,
        articles: sized,
        counts,
        extraArticles,
        queries,
        heldOut,
        warmup,
        ...(openBaseline ? { openBaseline } : {}),
      })
      await database.close()
      report.runs.push(result)
      report.totalSeconds = Math.round((Date.now() - started) / 1000)
      await writeReports(report, options.outDir) // after every run, so an interrupted run keeps what it measured
    }
  }
  process.stdout.write(renderMarkdown(report))
}

/** One chunk of each article (its first), as the service would embed it: the held-out queries. */
function heldOutChunks(articles: SyntheticArticle[], count: number): string[] {
  return articles.slice(0, count).map((article) => embeddingText(article.title, chunkArticle(article.body)[0]!))
}

/** PGlite builds a 100k HNSW index in about 8 min and ingests slowly: larger sizes are opt-in. */
const largestDefaultPgliteSize = 20_000

function open(name: BenchOptions['databases'][number], options: BenchOptions): Promise<BenchDatabase> {
  return name === 'postgres' ? openPostgres(options.postgresUrl!) : openPglite({ inMemory: options.pgliteInMemory })
}

async function writeReports(report: Report, outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true })
  await writeFile(join(outDir, 'kb-report.json'), `${JSON.stringify(report, null, 2)}\n`)
  await writeFile(join(outDir, 'kb-report.md'), renderMarkdown(report))
}

function withoutUrl({ postgresUrl: _, ...rest }: BenchOptions) {
  return rest
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`)
  process.exitCode = 1
})
