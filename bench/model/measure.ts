import type { EmbedPurpose, Embedder } from '../../src/providers/embeddings/embedder.js'
import { summarise } from '../triage/report.js'
import type { Feeds, RawModel } from './floor.js'

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits

/** Median ms per call and the texts per second that makes at this batch size. */
export interface CallRate {
  medianMs: number
  textsPerSecond: number
}

export interface BatchPoint {
  batch: number
  calls: number
  raw: CallRate
  service: CallRate
  /** service texts/s ÷ raw texts/s: 1 means the service adds nothing to session.run. */
  serviceOverRaw: number
}

const rate = (batch: number, samples: number[]): CallRate => {
  const median = summarise(samples).median
  return { medianMs: round(median, 3), textsPerSecond: round((batch * 1000) / median, 1) }
}

/** `batch` texts starting at `start`, wrapping around the list. */
export const sliceOf = (texts: string[], start: number, batch: number) =>
  Array.from({ length: batch }, (_, i) => texts[(start + i) % texts.length]!)

/**
 * Raw session.run and the service's embedder on the same slices of texts, call by call in alternating order
 * (so both see the same machine load), for `seconds` per batch size. The raw side's inputs are tokenised
 * before the clock starts; the service's embed call does all of its own work inside it.
 */
export async function compareBatches(
  raw: RawModel,
  embedder: Embedder,
  texts: string[],
  options: { batches: number[]; seconds: number; purposeOf?: (batch: number) => EmbedPurpose },
): Promise<BatchPoint[]> {
  const points: BatchPoint[] = []
  for (const batch of options.batches) {
    const purpose = options.purposeOf?.(batch) ?? (batch === 1 ? 'query' : 'passage')
    const slices = Array.from({ length: Math.max(1, Math.ceil(texts.length / batch)) }, (_, i) => sliceOf(texts, i * batch, batch))
    const feeds: Feeds[] = slices.map((slice) => raw.tokenize(slice, purpose))
    await raw.run(feeds[0]!)
    await embedder.embed(slices[0]!, { purpose })
    const rawMs: number[] = []
    const serviceMs: number[] = []
    const deadline = performance.now() + options.seconds * 1000
    for (let call = 0; call < 2 || performance.now() < deadline; call++) {
      const index = call % slices.length
      const runRaw = async () => rawMs.push(await timed(() => raw.run(feeds[index]!)))
      const runService = async () => serviceMs.push(await timed(() => embedder.embed(slices[index]!, { purpose })))
      if (call % 2 === 0) await runRaw().then(runService)
      else await runService().then(runRaw)
    }
    const point = { batch, calls: rawMs.length, raw: rate(batch, rawMs), service: rate(batch, serviceMs) }
    points.push({ ...point, serviceOverRaw: round(point.service.textsPerSecond / point.raw.textsPerSecond, 3) })
  }
  return points
}

export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await work()
  return performance.now() - started
}

export interface ConcurrentRate {
  concurrency: number
  batched: { textsPerSecond: number; rounds: number[] }
  unbatched: { textsPerSecond: number; rounds: number[] }
  batchedOverUnbatched: number
}

/**
 * `concurrency` callers each embedding one text at a time (as concurrent triage requests do), through the
 * batched and the unbatched embedder in alternating rounds; texts/s is the median over the rounds.
 */
export async function compareConcurrent(
  batched: Embedder,
  unbatched: Embedder,
  texts: string[],
  options: { concurrency: number; seconds: number; rounds?: number },
): Promise<ConcurrentRate> {
  const rounds = options.rounds ?? 3
  const roundSeconds = Math.max(0.5, options.seconds / rounds)
  const rates = { batched: [] as number[], unbatched: [] as number[] }
  let next = 0
  for (let index = 0; index < rounds; index++) {
    const order = index % 2 === 0 ? (['batched', 'unbatched'] as const) : (['unbatched', 'batched'] as const)
    for (const name of order) {
      const embedder = name === 'batched' ? batched : unbatched
      const deadline = performance.now() + roundSeconds * 1000
      const started = performance.now()
      let done = 0
      await Promise.all(
        Array.from({ length: options.concurrency }, async () => {
          while (performance.now() < deadline) {
            await embedder.embed([texts[next++ % texts.length]!], { purpose: 'query' })
            done++
          }
        }),
      )
      rates[name].push(round(done / ((performance.now() - started) / 1000), 1))
    }
  }
  const batchedRate = summarise(rates.batched).median
  const unbatchedRate = summarise(rates.unbatched).median
  return {
    concurrency: options.concurrency,
    batched: { textsPerSecond: batchedRate, rounds: rates.batched },
    unbatched: { textsPerSecond: unbatchedRate, rounds: rates.unbatched },
    batchedOverUnbatched: round(batchedRate / unbatchedRate, 3),
  }
}
