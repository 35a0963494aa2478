import { afterEach, describe, expect, it } from 'vitest'
import {
  authenticateApiKey,
  bootstrapKeyName,
  createApiKey,
  ensureBootstrapAdmin,
  listApiKeys,
  revokeApiKey,
} from '../../src/auth/api-keys.js'
import { sha256Hex } from '../../src/auth/crypto.js'
import type { Sql } from '../../src/storage/sql.js'
import { testDatabases } from '../helpers/databases.js'

const clock = { now: () => new Date('2026-11-28T10:00:00Z') }

describe.each(testDatabases)('api keys contract [$name]', (database) => {
  let sql: Sql
  afterEach(async () => sql?.close())
  const deps = async () => {
    sql = await database.open()
    return { sql, clock }
  }

  it('authenticates a created key with its role and stores only a hash', async () => {
    const d = await deps()
    const created = await createApiKey(d, { name: 'Zammad', role: 'integration' })
    expect(created.key).toMatch(/^itk_[A-Za-z0-9_-]{43}$/)
    expect(await authenticateApiKey(d, created.key)).toEqual({ keyId: created.id, name: 'Zammad', role: 'integration' })
    const stored = JSON.stringify(await sql.query('SELECT * FROM api_keys'))
    expect(stored).not.toContain(created.key)
    expect(stored).toContain(await sha256Hex(created.key))
  })

  it('rejects unknown keys, near misses and revoked keys', async () => {
    const d = await deps()
    const created = await createApiKey(d, { name: 'agent one', role: 'agent' })
    expect(await authenticateApiKey(d, `${created.key}x`)).toBeNull()
    expect(await authenticateApiKey(d, created.key.slice(0, -1))).toBeNull()
    expect(await authenticateApiKey(d, 'itk_unknown')).toBeNull()
    const revoked = await revokeApiKey(d, created.id)
    expect(revoked.revokedAt).toBe(clock.now().toISOString())
    expect(await authenticateApiKey(d, created.key)).toBeNull()
  })

  it('lists keys without secrets and reports unknown ids as not found', async () => {
    const d = await deps()
    await createApiKey(d, { name: 'lead', role: 'lead' })
    const listed = await listApiKeys(d)
    expect(listed).toHaveLength(1)
    expect(Object.keys(listed[0]!).sort()).toEqual(['createdAt', 'id', 'name', 'revokedAt', 'role'])
    await expect(revokeApiKey(d, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'not_found' })
    await expect(revokeApiKey(d, 'not-a-uuid')).rejects.toMatchObject({ code: 'not_found' })
  })

  it('generates an admin key on the first start only, and only for a caller that prints it', async () => {
    const d = await deps()
    expect(await ensureBootstrapAdmin(d, undefined)).toEqual({ access: 'none' }) // a command-line tool
    expect(await listApiKeys(d)).toHaveLength(0)
    const first = await ensureBootstrapAdmin(d, undefined, { generate: true })
    expect(first).toMatchObject({ access: 'generated', generatedKey: expect.stringMatching(/^itk_/) })
    expect((await authenticateApiKey(d, first.generatedKey!))?.role).toBe('admin')
    expect(await ensureBootstrapAdmin(d, undefined, { generate: true })).toEqual({ access: 'generated-earlier' })
    expect(await listApiKeys(d)).toHaveLength(1)
    await createApiKey(d, { name: 'Admin Anna', role: 'admin' })
    expect(await ensureBootstrapAdmin(d, undefined, { generate: true })).toEqual({ access: 'keys' })
    expect(await ensureBootstrapAdmin(d, 'admin-key-from-the-environment-0123456789')).toEqual({ access: 'configured' })
  })

  it('stores ADMIN_API_KEY once and revokes its previous value when it changes', async () => {
    const d = await deps()
    const oldKey = 'old-admin-key-0123456789abcdef0123456789'
    const newKey = 'new-admin-key-0123456789abcdef0123456789'
    await ensureBootstrapAdmin(d, oldKey)
    await ensureBootstrapAdmin(d, oldKey)
    expect((await listApiKeys(d)).filter((key) => key.name === bootstrapKeyName)).toHaveLength(1)
    await ensureBootstrapAdmin(d, newKey)
    expect(await authenticateApiKey(d, oldKey)).toBeNull()
    expect((await authenticateApiKey(d, newKey))?.role).toBe('admin')
  })
})
