// Timed HTTP requests against the targets, and the rounds that alternate between them.
import type { BenchInquiry } from './inquiries.js'
import type { Target } from './targets.js'

/** One answered request: wall time from sending to the last byte of the body, as the client sees it. */
export interface Timed {
  ms: number
  status: number
  body: string
}

export interface Stats {
  count: number
  median: number
  p90: number
  min: number
  max: number
}

const requestTimeoutMs = 60_000

/** Sends one request and reads the whole body; a non-2xx answer stops the bench with what it said. */
export async function timedRequest(target: Target, path: string, init: RequestInit = {}): Promise<Timed> {
  const started = performance.now()
  const response = await fetch(`${target.url}${path}`, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) })
  const body = await response.text()
  const ms = performance.now() - started
  if (!response.ok) throw new Error(`${target.label}: ${init.method ?? 'GET'} ${path} answered ${response.status}: ${body.slice(0, 500)}`)
  return { ms, status: response.status, body }
}

export function summarise(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
  return { count: sorted.length, median: at(0.5), p90: at(0.9), min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN }
}

/** POST /v1/triage with the admin key; each target and round gets its own customer, so none is a repeat contact of another. */
export function triageRequest(target: Target, adminKey: string, inquiry: BenchInquiry, round: number, index: number) {
  const customer = { id: `${target.label}-r${round}-${index}`, email: `c${index}.r${round}.${target.label}@example.com` }
  return timedRequest(target, '/v1/triage', {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...inquiry, customer }),
  })
}

/** What one warm triage answered, beside its wall time: the department, and the pipeline's own total. */
export interface TriageSample {
  ms: number
  department: string
  pipelineMs: number
}

export function triageSample(timed: Timed): TriageSample {
  const result = JSON.parse(timed.body) as { department: string; timings: { totalMs: number } }
  return { ms: timed.ms, department: result.department, pipelineMs: result.timings.totalMs }
}

/**
 * Calls `send` for every item on both targets, item by item, alternating which target goes first so
 * neither always follows the other's work. Round 0 warms up and is not kept; stops starting rounds
 * once `deadline` (a performance.now() value) has passed. Returns the kept samples per target.
 */
export async function alternate<Item, Sample>(options: {
  targets: Target[]
  items: Item[]
  rounds: number
  deadline: number
  send(target: Target, item: Item, round: number, index: number): Promise<Sample>
}): Promise<{ samples: Map<Target['label'], Sample[]>; rounds: number }> {
  const samples = new Map(options.targets.map((target) => [target.label, [] as Sample[]]))
  let round = 0
  for (; round <= options.rounds && performance.now() < options.deadline; round++) {
    for (const [index, item] of options.items.entries()) {
      const order = (index + round) % 2 === 0 ? options.targets : [...options.targets].reverse()
      for (const target of order) {
        const sample = await options.send(target, item, round, index)
        if (round > 0) samples.get(target.label)!.push(sample)
      }
    }
  }
  return { samples, rounds: Math.max(0, round - 1) }
}

/** A GET with the admin key, or without one (`/readyz`). */
export function getRequest(target: Target, path: string, adminKey?: string) {
  return timedRequest(target, path, adminKey ? { headers: { authorization: `Bearer ${adminKey}` } } : {})
}
