import { parseArgs } from 'node:util'

export type Variant = 'int8' | 'fp32'
export type ModelKind = 'stand-in' | 'tiny'
export type DatabaseName = 'pglite' | 'postgres'

/** Settings of one `npm run bench:model`, parsed once from the command line and the environment. */
export interface ModelBenchOptions {
  quick: boolean
  variants: Variant[]
  /** Which model folder: the full-size stand-in (default) or the generated tiny model (tests, quick checks). */
  model: ModelKind
  databases: DatabaseName[]
  postgresUrl: string | undefined
  /** Seconds per side-by-side throughput point (raw session.run and the service's embedder, one batch size). */
  pointSeconds: number
  /** Triage requests one at a time, and at 16 concurrent. */
  triageRequests: number
  concurrentRequests: number
  /** Chunks of synthetic articles imported through upsertArticles. */
  importChunks: number
  /** JSON report; the markdown goes beside it with the extension .md. */
  out: string
}

export const usage = `npm run bench:model -- [--quick] [--variant fp32|int8|both] [--out bench/model-report.json]
  [--model stand-in|tiny] [--databases pglite,postgres] [--seconds 4] [--triage-requests 160] [--import-chunks 320]
One child process per variant (so each peak memory is its own): raw onnxruntime session.run beside the service's
embedder at batch 1, 8 and 32; 16 concurrent single-text calls batched vs unbatched (EMBEDDINGS_BATCH_WAIT_MS=0);
POST /v1/triage one at a time (beside session.run of the same text) and at 16 concurrent; knowledge-base import
through upsertArticles beside raw batch-32 session.run of the same chunks; peak RSS.
--quick: 1.5 s per point, 48 + 64 triage requests, 32 chunks (a batch-32 pass of full-size chunks takes 10-20 s on 2 cores),
  PGlite seeded with hashing vectors in the model's space, PGlite only (about 3-4 minutes for both variants, at load 5-9).
PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL (when set; a schema of its own, dropped afterwards).`

const variantsOf: Record<string, Variant[]> = { both: ['int8', 'fp32'], int8: ['int8'], fp32: ['fp32'] }

/** The options, or null when --help asked for the usage text. Throws on a bad argument, naming it. */
export function parseModelArgs(argv: string[], env: Record<string, string | undefined>): ModelBenchOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      variant: { type: 'string', default: 'both' },
      model: { type: 'string', default: 'stand-in' },
      databases: { type: 'string' },
      seconds: { type: 'string' },
      'triage-requests': { type: 'string' },
      'concurrent-requests': { type: 'string' },
      'import-chunks': { type: 'string' },
      out: { type: 'string', default: 'bench/model-report.json' },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) return null
  const quick = values.quick
  const number = (name: string, value: string | undefined, fallback: number) => {
    const parsed = Number(value ?? fallback)
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${name}: not a positive number: ${value}`)
    return parsed
  }
  const variants = variantsOf[values.variant]
  if (!variants) throw new Error(`--variant: expected fp32, int8 or both, not ${values.variant}`)
  if (values.model !== 'stand-in' && values.model !== 'tiny') throw new Error(`--model: expected stand-in or tiny, not ${values.model}`)
  const postgresUrl = env.BENCH_DATABASE_URL ?? env.TEST_DATABASE_URL
  const databases = (values.databases ?? (postgresUrl && !quick ? 'pglite,postgres' : 'pglite')).split(',').map((name) => name.trim())
  for (const name of databases) if (name !== 'pglite' && name !== 'postgres') throw new Error(`--databases: unknown database ${name}`)
  if (databases.includes('postgres') && !postgresUrl) throw new Error('--databases postgres needs BENCH_DATABASE_URL or TEST_DATABASE_URL')
  return {
    quick,
    variants,
    model: values.model,
    databases: databases as DatabaseName[],
    postgresUrl,
    pointSeconds: number('seconds', values.seconds, quick ? 1.5 : 4),
    triageRequests: Math.round(number('triage-requests', values['triage-requests'], quick ? 48 : 160)),
    concurrentRequests: Math.round(number('concurrent-requests', values['concurrent-requests'], quick ? 64 : 320)),
    importChunks: Math.round(number('import-chunks', values['import-chunks'], quick ? 32 : 320)),
    out: values.out,
  }
}
