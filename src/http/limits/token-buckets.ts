/** Whether one more request may pass now, and if not, in how many whole seconds it may. */
export type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number }

interface Bucket {
  tokens: number
  updatedMs: number
}

/**
 * One token bucket per key (a client address, an API key), kept in this process's memory: `perMinute`
 * requests may come at once, and they come back at `perMinute` a minute. Full buckets are forgotten
 * when the map grows, so a flood of new addresses cannot grow it without bound.
 */
export function createTokenBuckets(options: { perMinute: number; now: () => number; maxKeys?: number }) {
  const buckets = new Map<string, Bucket>()
  const refillPerMs = options.perMinute / 60_000
  const maxKeys = options.maxKeys ?? 50_000
  // A wall clock stepped back (NTP, a test's clock) must not leave a bucket owing hours of tokens.
  const refilled = (bucket: Bucket, now: number) =>
    Math.min(options.perMinute, bucket.tokens + Math.max(0, now - bucket.updatedMs) * refillPerMs)

  function forgetFullBuckets(now: number) {
    for (const [key, bucket] of buckets) if (refilled(bucket, now) >= options.perMinute) buckets.delete(key)
    // Still too many: the oldest entries go (Map keeps insertion order).
    for (const key of buckets.keys()) {
      if (buckets.size < maxKeys) break
      buckets.delete(key)
    }
  }

  return {
    take(key: string): Verdict {
      const now = options.now()
      const existing = buckets.get(key)
      if (!existing && buckets.size >= maxKeys) forgetFullBuckets(now)
      const bucket = existing ?? { tokens: options.perMinute, updatedMs: now }
      bucket.tokens = refilled(bucket, now)
      bucket.updatedMs = now
      buckets.set(key, bucket)
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return { allowed: true }
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000)) }
    },
  }
}
