import autocannon from 'autocannon'
import { loadavg } from 'node:os'
import { requestBody, type TriageCase } from '../triage/run.js'

/** One autocannon run: what it sent, how fast, and what went wrong. */
export interface LoadResult {
  target: 'triage' | 'hello'
  connections: number
  seconds: number
  requests: number
  requestsPerSecond: number
  latencyMs: { median: number; p99: number; mean: number; max: number }
  non2xx: number
  errors: number
  timeouts: number
  loadAverage: number
}

/**
 * The bodies of POST /v1/triage in turn: the 80 written cases, each cycle with its own prefix on the
 * customer's id and e-mail, so repeating the set does not make every customer a repeat contact (the
 * stored rows grow, the escalation inputs do not).
 */
export function createBodyRotation(cases: TriageCase[], label: string): () => string {
  let next = 0
  return () => {
    const index = next++
    const body = requestBody(cases[index % cases.length]!, 1 + Math.floor(index / cases.length))
    const customer = body.customer as Record<string, string> | undefined
    // requestBody prefixes with p<cycle>.; the label keeps runs of one database apart too.
    if (customer?.id) customer.id = `${label}.${customer.id}`
    if (customer?.email) customer.email = `${label}.${customer.email}`
    return JSON.stringify(body)
  }
}

/** autocannon against the triage route (bodies from `nextBody`) or the hello-world server's GET /. */
export async function runLoad(
  target: LoadResult['target'],
  url: string,
  options: { connections: number; seconds: number; key?: string; nextBody?: () => string },
): Promise<LoadResult> {
  const triage = target === 'triage'
  const result = await autocannon({
    url: triage ? `${url}/v1/triage` : `${url}/`,
    connections: options.connections,
    duration: options.seconds,
    timeout: 30,
    ...(triage
      ? {
          method: 'POST' as const,
          headers: { authorization: `Bearer ${options.key}`, 'content-type': 'application/json' },
          requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, body: options.nextBody!() }) }],
        }
      : {}),
  })
  return {
    target,
    connections: options.connections,
    seconds: result.duration,
    requests: result.requests.total,
    requestsPerSecond: round(result.requests.total / result.duration),
    latencyMs: { median: result.latency.p50, p99: result.latency.p99, mean: round(result.latency.mean), max: result.latency.max },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    loadAverage: loadavg()[0]!,
  }
}

/** A short unmeasured run, so the JIT and the connection pool are warm before the figures count. */
export async function warmUp(url: string, options: { seconds: number; key: string; nextBody: () => string }): Promise<void> {
  const result = await runLoad('triage', url, { connections: 2, ...options })
  if (result.requests === 0 || result.non2xx > 0)
    throw new Error(`warm-up failed: ${result.requests} requests, ${result.non2xx} non-2xx, ${result.errors} errors`)
}

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits
