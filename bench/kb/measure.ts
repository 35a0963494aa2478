/** Timing, percentiles, phase budgets and progress lines: the small tools every benchmark phase uses. */

export interface Stats {
  n: number
  p50: number
  p99: number
  mean: number
  min: number
  max: number
}

/** Nearest-rank percentiles in milliseconds, rounded to 0.01 ms. */
export function summarize(samples: number[]): Stats | null {
  if (samples.length === 0) return null
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
  const round = (value: number) => Math.round(value * 100) / 100
  return {
    n: sorted.length,
    p50: round(at(0.5)),
    p99: round(at(0.99)),
    mean: round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length),
    min: round(sorted[0]!),
    max: round(sorted[sorted.length - 1]!),
  }
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now()
  const value = await fn()
  return { ms: performance.now() - start, value }
}

/** A phase's time allowance: loops check `expired` between units of work and stop early. */
export class Budget {
  private readonly deadline: number
  constructor(readonly minutes: number) {
    this.deadline = Date.now() + minutes * 60_000
  }
  get expired(): boolean {
    return Date.now() >= this.deadline
  }
  get remainingMs(): number {
    return Math.max(0, this.deadline - Date.now())
  }
}

/** Progress lines on stderr, at most one every few seconds per phase unless `force`d. */
export function createProgress(label: string, everyMs = 5000) {
  let last = 0
  const started = Date.now()
  return (message: string, force = false) => {
    const now = Date.now()
    if (!force && now - last < everyMs) return
    last = now
    process.stderr.write(`[${((now - started) / 1000).toFixed(0).padStart(4)}s] ${label} ${message}\n`)
  }
}

export const perSecond = (count: number, ms: number) => (ms > 0 ? Math.round((count / ms) * 1000 * 10) / 10 : null)
export const roundMs = (ms: number) => Math.round(ms)
