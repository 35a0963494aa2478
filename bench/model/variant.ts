import { stat } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import type { TriageCase } from '../triage/run.js'
import { buildBenchApp, openBenchDatabase } from '../triage/setup.js'
import type { ModelBenchOptions, Variant } from './args.js'
import { openServiceEmbeddings, seedingStandIn } from './embedders.js'
import { openRawModel } from './floor.js'
import type { ModelFolder } from './folder.js'
import { measureImport, type ImportRate } from './import.js'
import { compareBatches, compareConcurrent, type BatchPoint, type ConcurrentRate } from './measure.js'
import { measureTriage, triageText, type TriageLatency } from './triage.js'

/** Everything measured for one variant of the model, in one process. */
export interface VariantResult {
  variant: Variant
  model: { kind: string; name: string; file: string; fileMiB: number }
  embedder: { via: string; loadMs: number; unbatchedVia: string }
  rawSessionLoadMs: number
  batches: BatchPoint[]
  concurrent: ConcurrentRate
  triage: Array<TriageLatency & { seedMs: number; seededWith: 'model' | 'hashing vectors in the model space' }>
  import: ImportRate
  /** process.resourceUsage().maxRSS: at the start, after the service's embedder loaded the model, at the end. */
  memoryMiB: { start: number; afterServiceLoad: number; end: number }
  loadAverage: { start: number[]; end: number[] }
  seconds: number
}

const peakMiB = () => Math.round(process.resourceUsage().maxRSS / 1024)
const ms = (since: number) => Math.round(performance.now() - since)

export async function runVariant(
  options: ModelBenchOptions,
  variant: Variant,
  folder: ModelFolder,
  cases: TriageCase[],
  log: (message: string) => void = () => undefined,
): Promise<VariantResult> {
  const started = performance.now()
  const loadAverageStart = loadavg()
  const memoryStart = peakMiB()
  const env = process.env
  const batched = await openServiceEmbeddings(folder, variant, { batching: true, env })
  const memoryAfterLoad = peakMiB()
  log(`${variant}: service embedder loaded in ${Math.round(batched.loadMs)} ms, peak RSS ${memoryAfterLoad} MiB`)
  const rawStarted = performance.now()
  const raw = await openRawModel(folder, variant, env)
  const rawSessionLoadMs = ms(rawStarted)
  const unbatched = await openServiceEmbeddings(folder, variant, { batching: false, env })
  const texts = cases.map(triageText)

  log(`${variant}: session.run beside the service's embedder at batch 1, 8, 32`)
  const batches = await compareBatches(raw, batched.runtime.target, texts, { batches: [1, 8, 32], seconds: options.pointSeconds })
  log(`${variant}: 16 concurrent single-text calls, batched vs unbatched`)
  const concurrent = await compareConcurrent(batched.runtime.target, unbatched.runtime.target, texts, {
    concurrency: 16,
    seconds: options.pointSeconds * 2,
  })

  const triage: VariantResult['triage'] = []
  let imported: ImportRate | undefined
  for (const name of options.databases) {
    const database = await openBenchDatabase(name, { postgresUrl: options.postgresUrl, pgliteInMemory: true })
    try {
      const seeding = performance.now()
      const bench = await buildBenchApp(database, {
        embeddings: batched.runtime,
        ...(options.quick ? { seedEmbeddings: seedingStandIn(batched.runtime) } : {}),
      })
      const seedMs = ms(seeding)
      log(`${variant} ${name}: seeded in ${seedMs} ms; triage one at a time and at 16 concurrent`)
      const latency = await measureTriage(bench, raw, cases, {
        requests: options.triageRequests,
        concurrentRequests: options.concurrentRequests,
        concurrency: 16,
      })
      triage.push({ ...latency, seedMs, seededWith: options.quick ? 'hashing vectors in the model space' : 'model' })
      if (!imported) {
        log(`${variant} ${name}: importing ${options.importChunks} chunks`)
        imported = await measureImport(database.sql, batched.runtime, raw, { chunks: options.importChunks })
      }
    } finally {
      await database.close()
    }
  }
  const file = join(folder.dir, 'onnx', variant === 'int8' ? 'model_quantized.onnx' : 'model.onnx')
  return {
    variant,
    model: { kind: folder.kind, name: folder.name, file, fileMiB: Math.round(((await stat(file)).size / 2 ** 20) * 10) / 10 },
    embedder: { via: batched.via, loadMs: Math.round(batched.loadMs), unbatchedVia: unbatched.via },
    rawSessionLoadMs,
    batches,
    concurrent,
    triage,
    import: imported!,
    memoryMiB: { start: memoryStart, afterServiceLoad: memoryAfterLoad, end: peakMiB() },
    loadAverage: { start: loadAverageStart, end: loadavg() },
    seconds: Math.round((performance.now() - started) / 1000),
  }
}
