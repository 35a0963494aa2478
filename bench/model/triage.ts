import { summarise } from '../triage/report.js'
import { requestBody, sendCase, type TriageCase } from '../triage/run.js'
import type { BenchApp } from '../triage/setup.js'
import type { RawModel } from './floor.js'
import { timed } from './measure.js'

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits
const percentiles = (values: number[]) => {
  const { median, p99 } = summarise(values)
  return { p50: round(median), p99: round(p99) }
}

export interface TriageLatency {
  database: string
  /** One request at a time, each beside one session.run of the text the pipeline embeds. */
  serial: { requests: number; p50: number; p99: number; embedStepP50: number }
  sessionRun: { p50: number; p99: number }
  concurrent: { concurrency: number; requests: number; p50: number; p99: number; requestsPerSecond: number }
  triageP50OverSessionRun: number
}

/** The text analyzeInquiry embeds for a case (subject and body, trimmed, a blank line between). */
export const triageText = (entry: TriageCase) => [entry.subject?.trim(), entry.body.trim()].filter(Boolean).join('\n\n')

/**
 * POST /v1/triage through the real app: first one request at a time, alternating with a raw session.run of the
 * same text at batch 1 (inputs tokenised beforehand), then `concurrency` requests in flight at once. Every
 * request has a customer id of its own pass, so repeats never turn into repeat contacts.
 */
export async function measureTriage(
  bench: BenchApp,
  raw: RawModel,
  cases: TriageCase[],
  options: { requests: number; concurrentRequests: number; concurrency: number },
): Promise<TriageLatency> {
  const feeds = cases.map((entry) => raw.tokenize([triageText(entry)], 'query'))
  const body = (index: number, offset: number) => requestBody(cases[index % cases.length]!, offset + Math.floor(index / cases.length))
  for (let index = 0; index < Math.min(8, cases.length); index++) await sendCase(bench, body(index, 1000)) // warm-up
  const totals: number[] = []
  const embeds: number[] = []
  const runs: number[] = []
  for (let index = 0; index < options.requests; index++) {
    const triage = async () => {
      const sample = await sendCase(bench, body(index, 1))
      totals.push(sample.steps.total!)
      embeds.push(sample.steps.embed ?? 0)
    }
    const floor = async () => runs.push(await timed(() => raw.run(feeds[index % cases.length]!)))
    if (index % 2 === 0) await triage().then(floor)
    else await floor().then(triage)
  }
  const concurrent = await measureConcurrent(bench, body, options)
  const serial = percentiles(totals)
  const sessionRun = percentiles(runs)
  return {
    database: bench.name,
    serial: { requests: totals.length, ...serial, embedStepP50: percentiles(embeds).p50 },
    sessionRun,
    concurrent,
    triageP50OverSessionRun: round(serial.p50 / sessionRun.p50, 3),
  }
}

async function measureConcurrent(
  bench: BenchApp,
  body: (index: number, offset: number) => Record<string, unknown>,
  options: { concurrentRequests: number; concurrency: number },
): Promise<TriageLatency['concurrent']> {
  const latencies: number[] = []
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.concurrentRequests) {
        const init = {
          method: 'POST',
          headers: { authorization: `Bearer ${bench.key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body(next++, 2000)),
        }
        const began = performance.now()
        const response = await bench.app.request('/v1/triage', init)
        const text = await response.text()
        latencies.push(performance.now() - began)
        if (response.status !== 200) throw new Error(`POST /v1/triage answered ${response.status}: ${text}`)
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  return {
    concurrency: options.concurrency,
    requests: latencies.length,
    ...percentiles(latencies),
    requestsPerSecond: round(latencies.length / elapsed, 1),
  }
}
