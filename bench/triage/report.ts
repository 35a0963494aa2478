import type { Sample } from './run.js'

/** The steps of a request, in the order the table lists them, with what each one measures. */
export const steps: Array<[key: string, label: string]> = [
  ['total', '**whole request** (app.request → body read)'],
  ['cpu', 'CPU time of this process during the request (PGlite: includes the database)'],
  ['http', 'HTTP overhead = total − pipeline (middleware, auth, zod, access log, JSON)'],
  ['pipeline', '**pipeline** = analyze (timings.totalMs) + store'],
  ['pipeline.languageMs', 'language (eld; timings.languageMs)'],
  ['embed', 'embed (the configured embedder: hashing unless --embeddings)'],
  ['classify', 'classify (kNN statement + model)'],
  ['sql.knnExamples', '· kNN over the examples (SQL)'],
  ['classify.cpu', '· model (CPU) = classify − kNN'],
  ['pipeline.retrieveMs', 'retrieve (timings.retrieveMs, from the end of embedding)'],
  ['sql.knnChunks', '· kNN over the chunks (SQL)'],
  ['sql.fullText', '· full text (SQL)'],
  ['pipeline.escalateMs', 'escalation (timings.escalateMs)'],
  ['sql.repeatCount', '· repeat-contact count (SQL)'],
  ['sql.store', 'store: inquiry + escalation (SQL)'],
  ['sql.activeSpace', 'active space look-up (SQL, cached 1 s)'],
  ['sql.examplesStamp', 'training-set stamp (SQL, every 2 s)'],
  ['sql.auth', 'API key look-up (SQL, cached 5 s)'],
  ['sql.other', 'other SQL'],
]

export interface Summary {
  median: number
  p99: number
  mean: number
}

export function summarise(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0
  return { median: at(0.5), p99: at(0.99), mean: sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1) }
}

/** Per database and step: median, p99 and mean over the samples (a step a request skipped counts 0). */
export function summariseSteps(samples: Sample[]): Record<string, Summary> {
  const summary: Record<string, Summary> = {}
  for (const [key] of steps) summary[key] = summarise(samples.map((sample) => sample.steps[key] ?? 0))
  return summary
}

const fixed = (value: number) => (value >= 10 ? value.toFixed(1) : value.toFixed(2))

/** A markdown table: one row per step, median / p99 / mean per database. */
export function renderTable(summaries: Record<string, Record<string, Summary>>): string {
  const names = Object.keys(summaries)
  const header = `| step | ${names.map((name) => `${name} median | p99 | mean`).join(' | ')} |`
  const rule = `| --- | ${names.map(() => '---: | ---: | ---:').join(' | ')} |`
  const rows = steps
    .filter(([key]) => names.some((name) => summaries[name]![key]!.mean > 0))
    .map(
      ([key, label]) =>
        `| ${label} | ${names
          .map((name) => {
            const s = summaries[name]![key]!
            return `${fixed(s.median)} | ${fixed(s.p99)} | ${fixed(s.mean)}`
          })
          .join(' | ')} |`,
    )
  return [header, rule, ...rows].join('\n')
}
