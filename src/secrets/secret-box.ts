import { concatBytes, toBase64, utf8 } from '../webhooks/bytes.js'

// Secrets the service must use again (webhook signing secrets, helpdesk API tokens) are stored encrypted
// with AES-256-GCM. A stored value reads `v1:<keyId>:<iv>:<ciphertext>` (base64url): the key id picks the
// key, so rotation can read old and new values side by side. The associated data names table, column
// and row, so a ciphertext copied into another row or column does not decrypt.

/** Where a sealed value lives; bound into the ciphertext. */
export interface SecretContext {
  table: string
  column: string
  rowId: string
}

/** Encrypts and decrypts stored secrets under the current key (and reads previous ones). */
export interface SecretBox {
  /** Short public fingerprint of the current key, written into every value it seals. */
  readonly keyId: string
  /** Every key id this box can open: the current one first, then the previous ones. */
  readonly keyIds: readonly string[]
  seal(plain: string, context: SecretContext): Promise<string>
  open(sealed: string, context: SecretContext): Promise<string>
}

export type SecretsErrorCode = 'plain_text' | 'malformed' | 'unknown_key' | 'not_authentic'

/** A stored secret that cannot be opened; the message never contains the value. */
export class SecretsError extends Error {
  constructor(
    readonly code: SecretsErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'SecretsError'
  }
}

const version = 'v1'
const ivLength = 12
const sealedPattern = /^v1:([A-Za-z0-9_-]{11}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22,})$/

/** Whether a stored value is in the sealed format (under any key); otherwise it is plain text. */
export function isSealed(value: string): boolean {
  return sealedPattern.test(value)
}

/** The key id a sealed value names, or undefined for plain text. */
export function keyIdOf(value: string): string | undefined {
  return sealedPattern.exec(value)?.[1]
}

/** A public fingerprint of a key: 8 bytes of SHA-256 over a label and the key, base64url. */
export async function fingerprintKey(key: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', concatBytes(utf8('inquiry-triage secrets key id\0'), key))
  return toBase64Url(new Uint8Array(digest).subarray(0, 8))
}

const where = (context: SecretContext) => `${context.table}.${context.column} of row ${context.rowId}`
const associatedData = (keyId: string, context: SecretContext) =>
  utf8(`inquiry-triage:${version}:${keyId}:${context.table}.${context.column}:${context.rowId}`)

/** A box that seals under `current` and opens values sealed under it or any of `previous`. */
export async function createSecretBox(keys: { current: Uint8Array; previous?: readonly Uint8Array[] }): Promise<SecretBox> {
  const known = new Map<string, CryptoKey>()
  for (const bytes of [keys.current, ...(keys.previous ?? [])]) {
    const id = await fingerprintKey(bytes)
    if (!known.has(id)) known.set(id, await crypto.subtle.importKey('raw', concatBytes(bytes), 'AES-GCM', false, ['encrypt', 'decrypt']))
  }
  const keyId = await fingerprintKey(keys.current)
  const currentKey = known.get(keyId)!
  return {
    keyId,
    keyIds: [keyId, ...[...known.keys()].filter((id) => id !== keyId)],
    async seal(plain, context) {
      const iv = crypto.getRandomValues(new Uint8Array(ivLength))
      const ciphertext = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: associatedData(keyId, context) },
        currentKey,
        utf8(plain),
      )
      return `${version}:${keyId}:${toBase64Url(iv)}:${toBase64Url(new Uint8Array(ciphertext))}`
    },
    async open(sealed, context) {
      const match = sealedPattern.exec(sealed)
      if (!match)
        throw new SecretsError(
          sealed.startsWith(`${version}:`) ? 'malformed' : 'plain_text',
          `The stored ${where(context)} is ${sealed.startsWith(`${version}:`) ? 'not a well-formed encrypted value' : 'not encrypted'}.`,
        )
      const [, valueKeyId, iv, ciphertext] = match as unknown as [string, string, string, string]
      const key = known.get(valueKeyId)
      if (!key) {
        throw new SecretsError(
          'unknown_key',
          `The stored ${where(context)} is encrypted with key ${valueKeyId}, but SECRETS_KEY is key ${keyId}${known.size > 1 ? ' and SECRETS_KEY_PREVIOUS is none of the others' : ''}: is the secrets key wrong?`,
        )
      }
      try {
        const plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: associatedData(valueKeyId, context) },
          key,
          fromBase64Url(ciphertext),
        )
        return new TextDecoder().decode(plain)
      } catch {
        throw new SecretsError(
          'not_authentic',
          `The stored ${where(context)} does not decrypt with key ${valueKeyId}: it was altered or belongs to another row.`,
        )
      }
    },
  }
}

function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(binary, (char) => char.charCodeAt(0))
}

/** A box under a random key that lives as long as the process: for tests, benchmarks and evals. */
export function createEphemeralSecretBox(): Promise<SecretBox> {
  return createSecretBox({ current: crypto.getRandomValues(new Uint8Array(32)) })
}
