// Standard Webhooks (https://www.standardwebhooks.com), version v1 (symmetric HMAC-SHA256) only.
import { concatBytes, fromBase64, hmac, toBase64, utf8 } from './bytes.js'
import { anySignatureMatches, fail, secretList, withinTolerance, type Secrets, type VerifyResult } from './signature-checks.js'

const secretPrefix = 'whsec_'
// The spec asks for keys of 24 to 64 bytes; shorter ones are refused so a truncated paste fails loudly.
const minimumKeyBytes = 24

/** The HMAC key inside a `whsec_<base64>` secret; undefined when the secret is not in that form. */
export function parseStandardWebhookSecret(secret: string): Uint8Array | undefined {
  if (!secret.startsWith(secretPrefix)) return undefined
  const key = fromBase64(secret.slice(secretPrefix.length))
  return key && key.length >= minimumKeyBytes ? key : undefined
}

/** A fresh secret for an integration: `whsec_` and 32 random bytes in base64, as Standard Webhooks senders expect. */
export function generateStandardWebhookSecret(): string {
  return `${secretPrefix}${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`
}

async function signatureWith(key: Uint8Array, id: string, timestamp: string, body: Uint8Array): Promise<string> {
  // Signed over the raw bytes, never a re-serialisation: any change to the body breaks the signature.
  return toBase64(await hmac('SHA-256', key, concatBytes(utf8(`${id}.${timestamp}.`), body)))
}

/** The `webhook-signature` value (`v1,<base64>`) for our own outgoing deliveries and for tests. */
export async function signStandardWebhook(secret: string, id: string, timestamp: number, body: string | Uint8Array): Promise<string> {
  const key = parseStandardWebhookSecret(secret)
  if (!key) throw new Error('a Standard Webhooks secret is "whsec_" followed by at least 24 bytes in base64')
  const bytes = typeof body === 'string' ? utf8(body) : body
  return `v1,${await signatureWith(key, id, String(Math.floor(timestamp)), bytes)}`
}

/** The v1 signatures in a header; other versions (v1a is asymmetric) are skipped, as the spec asks. */
function receivedSignatures(header: string): string[] {
  return header
    .split(/\s+/)
    .map((part) => part.replace(/,$/, '')) // a repeated header arrives joined with ", "
    .filter((part) => part.startsWith('v1,'))
    .map((part) => part.slice(3))
}

/** Verifies a Standard Webhooks delivery: id, timestamp within ±5 minutes, any v1 signature by any secret. */
export async function verifyStandardWebhook(secrets: Secrets, headers: Headers, body: Uint8Array, now: Date): Promise<VerifyResult> {
  const keys = secretList(secrets).map(parseStandardWebhookSecret)
  if (keys.length === 0 || keys.some((key) => key === undefined)) return fail('bad_secret_format')
  const id = headers.get('webhook-id')
  const timestamp = headers.get('webhook-timestamp')
  const signature = headers.get('webhook-signature')
  if (!signature) return fail('missing_signature')
  if (!id) return fail('missing_id')
  if (!timestamp) return fail('missing_timestamp')
  if (!/^\d{1,12}$/.test(timestamp)) return fail('bad_timestamp')
  if (!withinTolerance(Number(timestamp) * 1000, now)) return fail('expired')
  const expected = await Promise.all(keys.map((key) => signatureWith(key!, id, timestamp, body)))
  if (!anySignatureMatches(expected, receivedSignatures(signature))) return fail('bad_signature')
  return { ok: true, deliveryId: id }
}
