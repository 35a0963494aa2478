import type { Machine } from '../kb/report.js'
import type { ModelBenchOptions, Variant } from './args.js'
import type { VariantResult } from './variant.js'

/** The targets of issue 22 for the full-size model, as ratios measured side by side in one run. */
export const targets = {
  triageP50OverSessionRun: { atMost: 1.5 },
  batchedOverUnbatched: { atLeast: 2 },
  importOverRawBatch: { atLeast: 0.8 },
} as const

type Headline = keyof typeof targets

export interface ModelReport {
  triageP50OverSessionRun: number
  batchedOverUnbatched: number
  importOverRawBatch: number
  sessionRunP50Ms: number
  triageP50Ms: number
  /** The variant the figures above come from: int8 when measured (what the service loads by default). */
  headlineVariant: Variant
  /** Which database the triage figures above come from (the first measured). */
  headlineDatabase: string
  met: Record<Headline, boolean>
  date: string
  command: string
  code: { commit: string; changed: string[] }
  machine: Machine
  options: Omit<ModelBenchOptions, 'postgresUrl'> & { postgres: string | null }
  loadAverage: { start: number[]; end: number[] }
  variants: Record<string, VariantResult>
  totalSeconds: number
}

export interface ReportContext {
  date: string
  command: string
  code: ModelReport['code']
  machine: Machine
  options: ModelReport['options']
  loadAverage: ModelReport['loadAverage']
  totalSeconds: number
}

/** The headline ratios from the int8 variant (else the first one measured), with every variant's details. */
export function assembleReport(results: VariantResult[], context: ReportContext): ModelReport {
  const headline = results.find((result) => result.variant === 'int8') ?? results[0]
  if (!headline) throw new Error('no variant was measured')
  const triage = headline.triage[0]!
  const figures = {
    triageP50OverSessionRun: triage.triageP50OverSessionRun,
    batchedOverUnbatched: headline.concurrent.batchedOverUnbatched,
    importOverRawBatch: headline.import.importOverRawBatch,
  }
  return {
    ...figures,
    sessionRunP50Ms: triage.sessionRun.p50,
    triageP50Ms: triage.serial.p50,
    headlineVariant: headline.variant,
    headlineDatabase: triage.database,
    met: {
      triageP50OverSessionRun: figures.triageP50OverSessionRun <= targets.triageP50OverSessionRun.atMost,
      batchedOverUnbatched: figures.batchedOverUnbatched >= targets.batchedOverUnbatched.atLeast,
      importOverRawBatch: figures.importOverRawBatch >= targets.importOverRawBatch.atLeast,
    },
    ...context,
    variants: Object.fromEntries(results.map((result) => [result.variant, result])),
  }
}

const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ')

export function renderMarkdown(report: ModelReport): string {
  const variants = Object.values(report.variants)
  const row = (label: string, cell: (result: VariantResult) => string) => `| ${label} | ${variants.map(cell).join(' | ')} |`
  const mark = (key: Headline) => (report.met[key] ? 'met' : 'missed')
  const lines = [
    '# Embedding model benchmark (`npm run bench:model`)',
    '',
    `${report.date}, commit ${report.code.commit}${report.code.changed.length ? ' + local changes' : ''}, ${report.machine.cpus} × ${report.machine.cpuModel}, Node ${report.machine.node}; load average ${load(report.loadAverage.start)} at the start, ${load(report.loadAverage.end)} at the end; ${report.totalSeconds} s.`,
    `Command: \`${report.command}\``,
    '',
    `## Targets (${report.headlineVariant}, triage on ${report.headlineDatabase})`,
    '',
    '| ratio | measured | target | |',
    '| --- | ---: | ---: | --- |',
    `| triage p50 ÷ session.run p50 (same texts, batch 1) | ${report.triageP50OverSessionRun} | ≤ ${targets.triageP50OverSessionRun.atMost} | ${mark('triageP50OverSessionRun')} |`,
    `| 16 concurrent single-text calls: batched ÷ unbatched texts/s | ${report.batchedOverUnbatched} | ≥ ${targets.batchedOverUnbatched.atLeast} | ${mark('batchedOverUnbatched')} |`,
    `| import chunks/s ÷ raw batch-32 session.run texts/s (same chunks) | ${report.importOverRawBatch} | ≥ ${targets.importOverRawBatch.atLeast} | ${mark('importOverRawBatch')} |`,
    '',
    `For orientation: session.run p50 ${report.sessionRunP50Ms} ms, triage p50 ${report.triageP50Ms} ms.`,
    '',
    '## Per variant',
    '',
    `| | ${variants.map((result) => `${result.variant} (${result.model.name}, ${result.model.fileMiB} MiB)`).join(' | ')} |`,
    `| --- | ${variants.map(() => '---:').join(' | ')} |`,
    row('service embedder', (result) => `\`${result.embedder.via}\``),
    row('load: service embedder / raw session, ms', (result) => `${result.embedder.loadMs} / ${result.rawSessionLoadMs}`),
    ...[0, 1, 2].map((index) =>
      row(`batch ${variants[0]?.batches[index]?.batch}: raw / service texts/s (service ÷ raw)`, (result) => {
        const point = result.batches[index]!
        return `${point.raw.textsPerSecond} / ${point.service.textsPerSecond} (${point.serviceOverRaw})`
      }),
    ),
    row('16 concurrent single texts: batched / unbatched texts/s (ratio)', (result) => {
      const c = result.concurrent
      return `${c.batched.textsPerSecond} / ${c.unbatched.textsPerSecond} (${c.batchedOverUnbatched})`
    }),
    ...variants[0]!.triage.flatMap((_, index) => [
      row(`${variants[0]!.triage[index]!.database}: triage p50 / p99 ms, one at a time`, (result) => {
        const t = result.triage[index]!
        return `${t.serial.p50} / ${t.serial.p99} (embed step p50 ${t.serial.embedStepP50})`
      }),
      row(`${variants[0]!.triage[index]!.database}: session.run p50 / p99 ms, same texts (triage ÷ session.run)`, (result) => {
        const t = result.triage[index]!
        return `${t.sessionRun.p50} / ${t.sessionRun.p99} (${t.triageP50OverSessionRun})`
      }),
      row(`${variants[0]!.triage[index]!.database}: triage p50 / p99 ms at 16 concurrent (req/s)`, (result) => {
        const t = result.triage[index]!
        return `${t.concurrent.p50} / ${t.concurrent.p99} (${t.concurrent.requestsPerSecond})`
      }),
      row(
        `${variants[0]!.triage[index]!.database}: seeding (demo knowledge + examples), ms`,
        (result) => `${result.triage[index]!.seedMs} (${result.triage[index]!.seededWith})`,
      ),
    ]),
    row('import: chunks/s / raw batch-32 texts/s (ratio)', (result) => {
      const i = result.import
      return `${i.chunksPerSecond} / ${i.rawBatch32TextsPerSecond} (${i.importOverRawBatch}), ${i.chunks} chunks`
    }),
    row(
      'peak RSS MiB: after the service loaded the model / end of run',
      (result) => `${result.memoryMiB.afterServiceLoad} / ${result.memoryMiB.end}`,
    ),
    row('load average start → end', (result) => `${load(result.loadAverage.start)} → ${load(result.loadAverage.end)}`),
    '',
    '## How it is measured',
    '',
    '- One child process per variant, so each peak RSS is its own; within a child every ratio compares two things measured call by call in alternating order (so both see the same machine load). Medians throughout.',
    "- Raw floor: an onnxruntime-node `InferenceSession` created directly on the ONNX file with the service's session options (`sessionOptions`: CPU provider, sequential, `EMBEDDINGS_THREADS` intra-op threads, default 1), fed with the library tokenizer's output computed before the clock starts.",
    '- Service: the embedder `selectEmbeddings(parseConfig(env))` builds, with `EMBEDDINGS_CACHE_SIZE=0` (the bench repeats texts; a cache hit would not measure the model); "unbatched" adds `EMBEDDINGS_BATCH_WAIT_MS=0`.',
    '- Texts: test/fixtures/triage-cases.json (subject and body, as the pipeline joins them). Batch 1 embeds as queries, 8 and 32 as passages.',
    "- Triage: POST /v1/triage through the app (bench/triage/setup.ts) on the database in memory or a schema of its own, with this embedder; one at a time, each request beside one session.run of the same text; then 16 in flight. The demo knowledge and the 414 examples are embedded by the model, except with --quick: hashing vectors of the model's width filed under its space (a kNN costs the same over any vectors of one width; the requests themselves are embedded by the model).",
    "- Import: bench/kb's synthetic articles through `upsertArticles` in groups of about 64 chunks, each group beside raw batch-32 session.run over the same chunk texts.",
    '',
  ]
  return `${lines.join('\n')}\n`
}
