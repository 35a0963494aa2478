import type { Principal } from './roles.js'

/**
 * Remembers authenticated keys for a few seconds: the lookup is a database round trip on every API
 * call. Revoking through this process forgets the key at once; another process notices within the TTL.
 */
export interface KeyCache {
  get(token: string): Principal | undefined
  set(token: string, principal: Principal): void
  forget(keyId: string): void
}

export function createKeyCache(ttlMs = 5000, maxEntries = 1000, now: () => number = Date.now): KeyCache {
  const entries = new Map<string, { principal: Principal; expires: number }>()
  return {
    get(token) {
      const entry = entries.get(token)
      if (!entry) return undefined
      if (entry.expires <= now()) {
        entries.delete(token)
        return undefined
      }
      return entry.principal
    },
    set(token, principal) {
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
      entries.set(token, { principal, expires: now() + ttlMs })
    },
    forget(keyId) {
      for (const [token, entry] of entries) if (entry.principal.keyId === keyId) entries.delete(token)
    },
  }
}
