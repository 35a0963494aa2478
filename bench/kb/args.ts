import { parseArgs } from 'node:util'

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
  seed: number
  maxMinutes: number
  maintenanceWorkMem: string
  pgliteInMemory: boolean
  outDir: string
}

export const usage = `npm run bench:kb -- [--quick] [--sizes 10000,100000] [--databases pglite,postgres] [--queries 200]
  [--recall-queries N] [--ingest-chunks 10000] [--extra-chunks 1000] [--dims 1024] [--seed N]
  [--max-minutes 8 (per phase)] [--maintenance-work-mem 1GB] [--pglite-memory] [--out bench]
PostgreSQL runs only when BENCH_DATABASE_URL or TEST_DATABASE_URL is set.`

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
      seed: { type: 'string', default: '20240611' },
      'max-minutes': { type: 'string', default: '8' },
      'maintenance-work-mem': { type: 'string', default: '1GB' },
      'pglite-memory': { type: 'boolean', default: false },
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
  const sizes = values.quick && !values.sizes ? [2000] : (values.sizes ?? '10000,100000').split(',').map((size) => int('sizes', size.trim()))
  const postgresUrl = env.BENCH_DATABASE_URL || env.TEST_DATABASE_URL || undefined
  const databases = values.databases.split(',').map((name) => name.trim())
  for (const name of databases) if (name !== 'pglite' && name !== 'postgres') throw new Error(`unknown database "${name}"\n${usage}`)
  const queries = int('queries', values.queries)
  if (!/^\d+\s*(kB|MB|GB)$/.test(values['maintenance-work-mem'])) throw new Error(`--maintenance-work-mem must look like 1GB or 512MB\n${usage}`)
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
    seed: int('seed', values.seed),
    maxMinutes: Number(values['max-minutes']) > 0 ? Number(values['max-minutes']) : 8,
    maintenanceWorkMem: values['maintenance-work-mem'],
    pgliteInMemory: values['pglite-memory'],
    outDir: values.out,
  }
}
