// The stored-secret format on its own: a round trip, a fresh IV per value, and every way a stored value
// can go wrong (altered, under another key, copied into another row or column, plain, malformed) failing
// with an error that names the place and never the value.
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { decodeSecretsKey, generateSecretsKey } from '../../src/secrets/key.js'
import { createSecretBox, isSealed, SecretsError, type SecretContext } from '../../src/secrets/secret-box.js'

const randomKey = () => crypto.getRandomValues(new Uint8Array(32))
const here: SecretContext = { table: 'integrations', column: 'secret', rowId: '6f1c7c1e-0000-4000-8000-000000000001' }
const plain = 'zendesk-signing-secret-0123456789'

async function failure(promise: Promise<unknown>): Promise<SecretsError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(SecretsError)
  expect((error as Error).message).not.toContain(plain)
  return error as SecretsError
}

describe('secret box (AES-256-GCM, v1 format)', () => {
  it('round-trips, with a self-describing value and a fresh IV each time', async () => {
    const box = await createSecretBox({ current: randomKey() })
    const first = await box.seal(plain, here)
    const second = await box.seal(plain, here)
    expect(first).toMatch(new RegExp(`^v1:${box.keyId}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$`))
    expect(first).not.toBe(second)
    expect(first).not.toContain(plain)
    expect(isSealed(first)).toBe(true)
    expect(isSealed(plain)).toBe(false)
    expect(await box.open(first, here)).toBe(plain)
    expect(await box.open(await box.seal('', here), here)).toBe('')
    expect(await box.open(await box.seal('ünïcödé ✓', here), here)).toBe('ünïcödé ✓')
  })

  it('refuses a value altered in its ciphertext, IV or key id', async () => {
    const box = await createSecretBox({ current: randomKey() })
    const sealed = await box.seal(plain, here)
    const [version, keyId, iv, ciphertext] = sealed.split(':') as [string, string, string, string]
    const flip = (text: string) => (text[5] === 'A' ? `${text.slice(0, 5)}B${text.slice(6)}` : `${text.slice(0, 5)}A${text.slice(6)}`)
    expect((await failure(box.open([version, keyId, iv, flip(ciphertext)].join(':'), here))).code).toBe('not_authentic')
    expect((await failure(box.open([version, keyId, flip(iv), ciphertext].join(':'), here))).code).toBe('not_authentic')
    expect((await failure(box.open([version, flip(keyId), iv, ciphertext].join(':'), here))).code).toBe('unknown_key')
  })

  it('refuses a value copied into another row or another column', async () => {
    const box = await createSecretBox({ current: randomKey() })
    const sealed = await box.seal(plain, here)
    expect((await failure(box.open(sealed, { ...here, rowId: '6f1c7c1e-0000-4000-8000-000000000002' }))).code).toBe('not_authentic')
    const swapped = await failure(box.open(sealed, { ...here, column: 'api_token' }))
    expect(swapped.code).toBe('not_authentic')
    expect(swapped.message).toMatch(/integrations\.api_token of row 6f1c7c1e-0000-4000-8000-000000000001/)
    expect(swapped.message).toMatch(/altered or belongs to another row/)
  })

  it('says clearly when the key is wrong, naming both key ids', async () => {
    const sealer = await createSecretBox({ current: randomKey() })
    const other = await createSecretBox({ current: randomKey() })
    const error = await failure(other.open(await sealer.seal(plain, here), here))
    expect(error.code).toBe('unknown_key')
    expect(error.message).toContain(sealer.keyId)
    expect(error.message).toContain(other.keyId)
    expect(error.message).toMatch(/is the secrets key wrong\?/)
  })

  it('opens values under the previous key during a rotation, and seals under the new one', async () => {
    const oldKey = randomKey()
    const before = await createSecretBox({ current: oldKey })
    const sealedOld = await before.seal(plain, here)
    const during = await createSecretBox({ current: randomKey(), previous: [oldKey] })
    expect(during.keyIds).toEqual([during.keyId, before.keyId])
    expect(await during.open(sealedOld, here)).toBe(plain)
    expect((await during.seal(plain, here)).split(':')[1]).toBe(during.keyId)
  })

  it('refuses plain text and malformed values instead of passing them on', async () => {
    const box = await createSecretBox({ current: randomKey() })
    expect((await failure(box.open(plain, here))).code).toBe('plain_text')
    expect((await failure(box.open('v1:short', here))).code).toBe('malformed')
  })
})

describe('SECRETS_KEY', () => {
  const key = randomKey()
  const hex = [...key].map((byte) => byte.toString(16).padStart(2, '0')).join('')
  const base64 = Buffer.from(key).toString('base64')

  it('takes 32 bytes as base64 (padded, unpadded, URL-safe) or hex', () => {
    for (const text of [base64, base64.replace(/=+$/, ''), Buffer.from(key).toString('base64url'), hex, hex.toUpperCase()]) {
      expect(decodeSecretsKey(text), text).toEqual(key)
    }
    expect(decodeSecretsKey(generateSecretsKey())).toHaveLength(32)
    expect(parseConfig({ SECRETS_KEY: base64 }).secrets.key).toEqual(key)
  })

  it('refuses a key of the wrong length or form, naming the variable and how to make one', () => {
    for (const bad of [Buffer.from(randomKey().subarray(0, 16)).toString('base64'), 'not a key at all', hex.slice(2)]) {
      expect(() => parseConfig({ SECRETS_KEY: bad })).toThrow(
        /SECRETS_KEY: must be 32 bytes written as base64 or 64 hex digits \(make one with: openssl rand -base64 32\)/,
      )
    }
  })

  it('is required with DATABASE_URL, and SECRETS_KEY_PREVIOUS only beside it', () => {
    expect(() => parseConfig({ DATABASE_URL: 'postgres://u:p@db:5432/triage' })).toThrow(/SECRETS_KEY: is required with DATABASE_URL/)
    expect(parseConfig({ DATABASE_URL: 'postgres://u:p@db:5432/triage', SECRETS_KEY: base64 }).secrets.key).toEqual(key)
    expect(() => parseConfig({ SECRETS_KEY_PREVIOUS: base64 })).toThrow(/SECRETS_KEY_PREVIOUS: is only read beside SECRETS_KEY/)
  })
})
