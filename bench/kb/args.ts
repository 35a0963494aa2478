import { parseArgs } from 'node:util'
import { defaultHnswEfSearch } from '../../src/storage/session.js'

/** The benchmark's settings, parsed once from the command line and the environment. */
export interface BenchOptions {
  sizes: number[]
  databases: Array<'pglite' | 'postgres'>
  postgresUrl: string | undefined
  queries: number
  warmup: number
  recallQueries: number
  /** Chunks that go through upsertArticles (timed); the rest of a larger size is bulk-loaded. */
  ingestChunks: number
  /** Chunks ingested through upsertArticles after the searches, into the full knowledge base. */
  extraChunks: number
  dimensions: number
  /** hnsw.ef_search values the hybrid search and the bare kNN run at, side by side (the default among them). */
  efSearch: number[]
  seed: number
  maxMinutes: number
  maintenanceWorkMem: string
  pgliteInMemory: boolean
  /** PGlite at sizes above 20 000 chunks: off by default, as it alone takes about 30 min at 100k. */
  pgliteLarge: boolean
  /** Databases that ingest a second database side by side with the statistics refreshed after every batch (the rule before). */
  ingestBaseline: Array<'pglite' | 'postgres'>
  outDir: string
}

export const usage = `npm run bench:kb -- [--quick] [--sizes 10000,100000] [--databases pglite,postgres] [--queries 200]
  [--recall-queries N] [--ingest-chunks 10000] [--extra-chunks 1000] [--dims 1024] [--ef-search 100,200,300,400] [--seed N]
  [--max-minutes 8 (per phase)] [--maintenance-work-mem 1GB] [--pglite-memory] [--pglite-100k] [--ingest-baseline postgres (or pglite,postgres or none)] [--out bench]
PostgreSQL runs only when BENCH_DATABASE_URL or TEST_DATABASE_URL is set. PGlite runs sizes above
20 000 chunks only with --pglite-100k (slow).`

/** The options, or null when --help asked for the usage text. */
export function parseBenchArgs(argv: string[], env: Record<string, string | undefined>): BenchOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      databases: { type: 'string', default: 'pglite,postgres' },
      queries: { type: 'string', default: '200' },
      'recall-queries': { type: 'string' },
      'ingest-chunks': { type: 'string', default: '10000' },
      'extra-chunks': { type: 'string' },
      dims: { type: 'string', default: '1024' },
      'ef-search': { type: 'string', default: '100,200,300,400' },
      seed: { type: 'string', default: '20240611' },
      'max-minutes': { type: 'string', default: '8' },
      'maintenance-work-mem': { type: 'string', default: '1GB' },
      'pglite-memory': { type: 'boolean', default: false },
      'pglite-100k': { type: 'boolean', default: false },
      'ingest-baseline': { type: 'string', default: 'postgres' },
      out: { type: 'string', default: 'bench' },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) return null
  const int = (name: string, text: string) => {
    const value = Number(text)
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, got "${text}"\n${usage}`)
    return value
  }
  const sizes =
    values.quick && !values.sizes ? [2000] : (values.sizes ?? '10000,100000').split(',').map((size) => int('sizes', size.trim()))
  const postgresUrl = env.BENCH_DATABASE_URL || env.TEST_DATABASE_URL || undefined
  const databases = values.databases.split(',').map((name) => name.trim())
  for (const name of databases) if (name !== 'pglite' && name !== 'postgres') throw new Error(`unknown database "${name}"\n${usage}`)
  const queries = int('queries', values.queries)
  if (!/^\d+\s*(kB|MB|GB)$/.test(values['maintenance-work-mem']))
    throw new Error(`--maintenance-work-mem must look like 1GB or 512MB\n${usage}`)
  return {
    sizes,
    databases: (databases as BenchOptions['databases']).filter((name) => name === 'pglite' || postgresUrl),
    postgresUrl,
    queries,
    warmup: Math.min(20, Math.max(5, Math.round(queries / 10))),
    recallQueries: int('recall-queries', values['recall-queries'] ?? String(queries)),
    ingestChunks: int('ingest-chunks', values['ingest-chunks']),
    extraChunks: int('extra-chunks', values['extra-chunks'] ?? (values.quick ? '200' : '1000')),
    dimensions: int('dims', values.dims),
    efSearch: [...new Set([defaultHnswEfSearch, ...values['ef-search'].split(',').map((ef) => int('ef-search', ef.trim()))])].sort(
      (a, b) => a - b,
    ),
    seed: int('seed', values.seed),
    maxMinutes: Number(values['max-minutes']) > 0 ? Number(values['max-minutes']) : 8,
    maintenanceWorkMem: values['maintenance-work-mem'],
    pgliteInMemory: values['pglite-memory'],
    pgliteLarge: values['pglite-100k'],
    ingestBaseline: values['ingest-baseline']
      .split(',')
      .map((name) => name.trim())
      .filter((name): name is 'pglite' | 'postgres' => name === 'pglite' || name === 'postgres'),
    outDir: values.out,
  }
}
