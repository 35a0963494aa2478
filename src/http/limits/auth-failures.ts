import type { Verdict } from './token-buckets.js'

interface Failures {
  count: number
  lastMs: number
  blockedUntilMs: number
}

const forgetAfterMs = 15 * 60_000
const firstBackoffMs = 1000
const maxBackoffMs = 15 * 60_000

/**
 * Failed authentications per client address (wrong API keys, wrong sign-in keys, bad webhook
 * signatures). The first `allowed` within 15 minutes cost nothing; each one after that locks the
 * address out for twice as long as the one before (1 s, 2 s, 4 s … up to 15 minutes). Kept in memory.
 */
export function createAuthFailures(options: { allowed: number; now: () => number; maxKeys?: number }) {
  const byAddress = new Map<string, Failures>()
  const maxKeys = options.maxKeys ?? 50_000

  function current(address: string, now: number): Failures | undefined {
    const failures = byAddress.get(address)
    // Forgotten after a quiet spell, or when the wall clock stepped back behind the last failure (a
    // lockout measured from a time that has not come yet would last longer than any lockout may).
    const steppedBack = failures !== undefined && now < failures.lastMs
    if (failures && (steppedBack || (now - failures.lastMs > forgetAfterMs && now >= failures.blockedUntilMs))) {
      byAddress.delete(address)
      return undefined
    }
    return failures
  }

  return {
    /** Refused while the address is locked out; the caller answers 429 without checking the key. */
    check(address: string): Verdict {
      const now = options.now()
      const failures = current(address, now)
      if (!failures || now >= failures.blockedUntilMs) return { allowed: true }
      return { allowed: false, retryAfterSeconds: Math.ceil((failures.blockedUntilMs - now) / 1000) }
    },
    recordFailure(address: string): void {
      const now = options.now()
      if (!byAddress.has(address) && byAddress.size >= maxKeys) byAddress.delete(byAddress.keys().next().value!)
      const failures = current(address, now) ?? { count: 0, lastMs: now, blockedUntilMs: 0 }
      failures.count += 1
      failures.lastMs = now
      const over = failures.count - options.allowed
      if (over > 0) failures.blockedUntilMs = now + Math.min(maxBackoffMs, firstBackoffMs * 2 ** Math.min(over - 1, 20))
      byAddress.set(address, failures)
    },
  }
}

export type AuthFailures = ReturnType<typeof createAuthFailures>
