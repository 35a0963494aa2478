import { describe, expect, it } from 'vitest'
import { createKeyCache } from '../../src/auth/key-cache.js'

describe('key cache', () => {
  const principal = { keyId: 'k1', name: 'agent', role: 'agent' as const }

  it('remembers a key until its TTL runs out', () => {
    let now = 0
    const cache = createKeyCache(5000, 10, () => now)
    cache.set('token', principal)
    now = 4999
    expect(cache.get('token')).toEqual(principal)
    now = 5000
    expect(cache.get('token')).toBeUndefined()
  })

  it('forgets a revoked key at once and bounds its size', () => {
    const cache = createKeyCache(5000, 2)
    cache.set('a', principal)
    cache.forget('k1')
    expect(cache.get('a')).toBeUndefined()
    cache.set('x', { ...principal, keyId: 'x' })
    cache.set('y', { ...principal, keyId: 'y' })
    cache.set('z', { ...principal, keyId: 'z' })
    expect(cache.get('x')).toBeUndefined()
    expect(cache.get('z')?.keyId).toBe('z')
  })
})
