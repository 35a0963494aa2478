import { fromBase64, toBase64 } from '../webhooks/bytes.js'

// The secrets key is 32 random bytes (AES-256). Operators write it as base64 (what `openssl rand -base64 32`
// prints; URL-safe and unpadded forms accepted too) or as 64 hex digits.

export const secretsKeyLength = 32

/** The key's bytes, or undefined when the text is neither base64 nor hex of exactly 32 bytes. */
export function decodeSecretsKey(text: string): Uint8Array | undefined {
  const trimmed = text.trim()
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Uint8Array.from(trimmed.match(/../g)!, (pair) => parseInt(pair, 16))
  const standard = trimmed.replace(/-/g, '+').replace(/_/g, '/')
  const bytes = fromBase64(standard.padEnd(Math.ceil(standard.length / 4) * 4, '='))
  return bytes?.length === secretsKeyLength ? bytes : undefined
}

/** A fresh random key in the form SECRETS_KEY and the key file take. */
export function generateSecretsKey(): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(secretsKeyLength)))
}
