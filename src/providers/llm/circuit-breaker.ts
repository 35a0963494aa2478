import type { Clock } from '../../clock.js'
import { LlmError, type Llm, type LlmRequest } from './llm.js'

export type BreakerState = 'closed' | 'open' | 'half-open'

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number
  /** Those failures must all fall within this window; older ones are forgotten. */
  windowMs: number
  /** How long the circuit stays open before one probe call may try again. */
  coolDownMs: number
  clock: Clock
  /** Which errors mean the provider is unwell. Default: LlmError timeout, rate_limited or unavailable. */
  isFailure?: (error: unknown) => boolean
  /** Told of every change of state, e.g. to log it. */
  onStateChange?: (state: BreakerState) => void
}

/** An Llm that fails fast with circuit_open while its provider is down, and tells its state. */
export interface CircuitBreakerLlm extends Llm {
  readonly state: BreakerState
}

// An invalid answer proves the server is up; counting it would also let crafted inquiries switch the LLM off for everyone.
const providerFailures = new Set(['timeout', 'rate_limited', 'unavailable'])
const defaultIsFailure = (error: unknown) => error instanceof LlmError && providerFailures.has(error.kind)

/**
 * closed → open after `failureThreshold` consecutive failures within `windowMs` → half-open once
 * `coolDownMs` has passed, where exactly one probe goes through (others still fail fast) → closed if
 * it succeeds, open again if it fails. A caller's abort counts neither way. Time comes only from
 * `clock`, so tests move it instead of sleeping.
 */
export function createCircuitBreaker(llm: Llm, options: CircuitBreakerOptions): CircuitBreakerLlm {
  const { failureThreshold, windowMs, coolDownMs, clock } = options
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1) throw new RangeError('failureThreshold must be a positive integer')
  const isFailure = options.isFailure ?? defaultIsFailure
  let failures: number[] = [] // times of the current run of consecutive failures
  let openedAt: number | undefined
  let probing = false
  let reported: BreakerState = 'closed'

  const now = () => clock.now().getTime()
  const state = (): BreakerState => {
    if (openedAt === undefined) return 'closed'
    return now() - openedAt >= coolDownMs ? 'half-open' : 'open'
  }
  const report = () => {
    const current = state()
    if (current !== reported) options.onStateChange?.((reported = current))
  }
  const succeed = () => {
    failures = []
    openedAt = undefined
  }
  const fail = () => {
    const at = now()
    failures = [...failures.filter((time) => at - time < windowMs), at]
    // A failed probe reopens at once: the provider has had its chance.
    if (openedAt !== undefined || failures.length >= failureThreshold) openedAt = at
  }
  const rejectFast = () => {
    const waitMs = Math.max(0, (openedAt ?? 0) + coolDownMs - now())
    const when = waitMs > 0 ? `next try in ${Math.ceil(waitMs / 1000)} s` : 'a probe call is under way'
    return new LlmError('circuit_open', `${llm.id} is failing; not called (${when})`)
  }

  const complete = async <T>(request: LlmRequest<T>): Promise<T> => {
    const current = state()
    report()
    if (current === 'open' || (current === 'half-open' && probing)) throw rejectFast()
    const probe = current === 'half-open'
    if (probe) probing = true
    try {
      const result = await llm.complete(request)
      succeed()
      return result
    } catch (error) {
      if (isFailure(error)) fail()
      else if (!request.signal?.aborted) succeed() // the server answered, if badly
      throw error
    } finally {
      if (probe) probing = false
      report()
    }
  }

  return {
    id: llm.id,
    get state() {
      return state()
    },
    complete,
  }
}
