import { concatBytes, hmac, toBase64, utf8 } from '../../webhooks/bytes.js'
import { anySignatureMatches, fail, withinTolerance, type VerifyResult } from '../../webhooks/signature-checks.js'

function parseIsoTimestamp(text: string): number | undefined {
  // Zendesk sends e.g. 2024-05-14T09:30:12Z; Date.parse alone would also take "May 14" and guess the year.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : ms
}

/** Zendesk: base64(HMAC-SHA256(secret, timestamp + body)), the timestamp header being ISO 8601. */
export async function verifyZendesk(secrets: readonly string[], headers: Headers, body: Uint8Array, now: Date): Promise<VerifyResult> {
  const signature = headers.get('x-zendesk-webhook-signature')
  const timestamp = headers.get('x-zendesk-webhook-signature-timestamp')
  if (!signature) return fail('missing_signature')
  if (!timestamp) return fail('missing_timestamp')
  const sentAt = parseIsoTimestamp(timestamp)
  if (sentAt === undefined) return fail('bad_timestamp')
  if (!withinTolerance(sentAt, now)) return fail('expired')
  const content = concatBytes(utf8(timestamp), body)
  const expected = await Promise.all(secrets.map(async (secret) => toBase64(await hmac('SHA-256', utf8(secret), content))))
  if (!anySignatureMatches(expected, [signature.trim()])) return fail('bad_signature')
  return { ok: true, deliveryId: headers.get('x-zendesk-webhook-invocation-id') ?? undefined }
}
