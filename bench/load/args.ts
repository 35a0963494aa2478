import { parseArgs } from 'node:util'

/** Settings of one `npm run bench`, parsed once from the command line and the environment. */
export interface LoadBenchOptions {
  /** Seconds per autocannon run (each connection count, triage and hello-world alike). */
  seconds: number
  connections: number[]
  databases: Array<'pglite' | 'postgres'>
  postgresUrl: string | undefined
  /**
   * Knowledge-base sizes, ascending: chunks of synthetic articles in the PostgreSQL knowledge base
   * (beside the demo one). Each size gets its own load runs and pgbench; a larger one adds to the smaller.
   */
  kbChunks: number[]
  /** Minutes the bulk load of those chunks may take before it stops with fewer. */
  kbMinutes: number
  /** Queries of the hybrid-vs-bare-kNN comparison. */
  retrievalQueries: number
  /** Seconds of pgbench. */
  pgbenchSeconds: number
  /** Seconds per embedding provider and batch size. */
  embedSeconds: number
  outDir: string
  /** A folder for the server's CPU profiles (node --cpu-prof, one file per server start); none when unset. */
  cpuProfileDir: string | undefined
}

export const usage = `npm run bench -- [--seconds 10] [--connections 2,32] [--databases pglite,postgres] [--kb-chunks 2000,10000]
  [--kb-minutes 3] [--retrieval-queries 60] [--pgbench-seconds 10] [--embed-seconds 3] [--quick] [--out bench] [--cpu-prof DIR]
--kb-chunks: PostgreSQL knowledge-base sizes measured one after the other (load runs and pgbench at each).
--cpu-prof: the server runs with node --cpu-prof, a profile per start in DIR (summarise: npm run bench:profile -- FILE).
--quick: 3 s per load run, 20 retrieval queries, 3 s of pgbench, 1 s per embedder (both sizes still).
PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://triage_test:...@127.0.0.1:5432/triage_test
(a schema of its own, dropped at the end). OpenAI embeddings only when OPENAI_BASE_URL is set.`

const defaultPostgres = 'postgres://triage_test:triage_test@127.0.0.1:5432/triage_test'

/** The options, or null when --help asked for the usage text. */
export function parseLoadArgs(argv: string[], env: Record<string, string | undefined>): LoadBenchOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string' },
      connections: { type: 'string', default: '2,32' },
      databases: { type: 'string', default: 'pglite,postgres' },
      'kb-chunks': { type: 'string' },
      'kb-minutes': { type: 'string', default: '3' },
      'retrieval-queries': { type: 'string' },
      'pgbench-seconds': { type: 'string' },
      'embed-seconds': { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench' },
      'cpu-prof': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) return null
  const quick = values.quick
  const number = (value: string | undefined, fallback: number) => {
    const parsed = Number(value ?? fallback)
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`not a positive number: ${value}`)
    return parsed
  }
  const databases = values.databases.split(',').map((name) => name.trim())
  for (const name of databases) if (name !== 'pglite' && name !== 'postgres') throw new Error(`unknown database: ${name}`)
  return {
    seconds: number(values.seconds, quick ? 3 : 10),
    connections: values.connections.split(',').map((value) => number(value, 2)),
    databases: databases as LoadBenchOptions['databases'],
    postgresUrl: env.BENCH_DATABASE_URL ?? env.TEST_DATABASE_URL ?? defaultPostgres,
    kbChunks: [...new Set((values['kb-chunks'] ?? '2000,10000').split(',').map((value) => number(value, 2000)))].sort((a, b) => a - b),
    kbMinutes: number(values['kb-minutes'], 3),
    retrievalQueries: number(values['retrieval-queries'], quick ? 20 : 60),
    pgbenchSeconds: number(values['pgbench-seconds'], quick ? 3 : 10),
    embedSeconds: number(values['embed-seconds'], quick ? 1 : 3),
    outDir: values.out,
    cpuProfileDir: values['cpu-prof'],
  }
}
