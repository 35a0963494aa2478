import { hmac, toHex, utf8 } from '../../webhooks/bytes.js'
import { anySignatureMatches, fail, type VerifyResult } from '../../webhooks/signature-checks.js'

/**
 * Zammad: `X-Hub-Signature: sha1=<hex>`, HMAC-SHA1 of the body with the webhook's token. Zammad signs no
 * timestamp, so an old delivery cannot be told from a new one: replays are caught by the idempotency key
 * (X-Zammad-Delivery), not here.
 */
export async function verifyZammad(secrets: readonly string[], headers: Headers, body: Uint8Array): Promise<VerifyResult> {
  const header = headers.get('x-hub-signature')
  if (!header) return fail('missing_signature')
  const received = /^sha1=([0-9a-f]{40})$/i.exec(header.trim())?.[1]?.toLowerCase()
  if (!received) return fail('bad_signature')
  const expected = await Promise.all(secrets.map(async (secret) => toHex(await hmac('SHA-1', utf8(secret), body))))
  if (!anySignatureMatches(expected, [received])) return fail('bad_signature')
  return { ok: true, deliveryId: headers.get('x-zammad-delivery') ?? undefined }
}
