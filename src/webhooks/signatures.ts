import { concatBytes, fromBase64, hmac, toBase64, toHex, utf8 } from './bytes.js'
import { anySignatureMatches, fail, secretList, withinTolerance, type Secrets, type VerifyResult } from './signature-checks.js'
import { verifyStandardWebhook } from './standard-webhooks.js'
import type { WebhookType } from './types.js'

export { anySignatureMatches, timestampToleranceMs, type Secrets, type VerifyFailure, type VerifyResult } from './signature-checks.js'
export { generateStandardWebhookSecret, signStandardWebhook } from './standard-webhooks.js'

// Admin-chosen secrets (the Zammad token, the Freshdesk header token) are the only protection there is;
// a short one is guessable, so it is refused as a configuration error rather than accepted quietly.
const minimumSecretLength = 16

function usableSecrets(secrets: Secrets): readonly string[] | undefined {
  const list = secretList(secrets)
  return list.length > 0 && list.every((secret) => secret.length >= minimumSecretLength) ? list : undefined
}

/**
 * Zammad: `X-Hub-Signature: sha1=<hex>`, HMAC-SHA1 of the body with the webhook's token. Zammad signs no
 * timestamp, so an old delivery cannot be told from a new one: replays are caught by the idempotency key
 * (X-Zammad-Delivery), not here.
 */
async function verifyZammad(secrets: readonly string[], headers: Headers, body: Uint8Array): Promise<VerifyResult> {
  const header = headers.get('x-hub-signature')
  if (!header) return fail('missing_signature')
  const received = /^sha1=([0-9a-f]{40})$/i.exec(header.trim())?.[1]?.toLowerCase()
  if (!received) return fail('bad_signature')
  const expected = await Promise.all(secrets.map(async (secret) => toHex(await hmac('SHA-1', utf8(secret), body))))
  if (!anySignatureMatches(expected, [received])) return fail('bad_signature')
  return { ok: true, deliveryId: headers.get('x-zammad-delivery') ?? undefined }
}

function parseIsoTimestamp(text: string): number | undefined {
  // Zendesk sends e.g. 2024-05-14T09:30:12Z; Date.parse alone would also take "May 14" and guess the year.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : ms
}

/** Zendesk: base64(HMAC-SHA256(secret, timestamp + body)), the timestamp header being ISO 8601. */
async function verifyZendesk(secrets: readonly string[], headers: Headers, body: Uint8Array, now: Date): Promise<VerifyResult> {
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

function bearerToken(header: string | null): string | undefined {
  return header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined
}

/**
 * What Freshdesk's own "Requires authentication" sends, as HTTP Basic: with a username and password the
 * secret is the password (any username); with its API-key form the key is the username and the password
 * "X". The whole "username:password" also counts, for a secret chosen in that form.
 */
function basicCredentials(header: string | null): string[] {
  const encoded = header ? /^Basic\s+(\S+)\s*$/i.exec(header)?.[1] : undefined
  const bytes = encoded ? fromBase64(encoded) : undefined
  if (!bytes) return []
  const pair = new TextDecoder().decode(bytes)
  const colon = pair.indexOf(':')
  if (colon < 0) return [pair]
  const [username, password] = [pair.slice(0, colon), pair.slice(colon + 1)]
  return [password, pair, ...(password === 'X' ? [username] : [])]
}

/**
 * Freshdesk automation webhooks carry no signature, so the rule authenticates with the secret: Freshdesk's
 * "Requires authentication" (HTTP Basic, above) or a custom header (`X-Triage-Token: <secret>` or
 * `Authorization: Bearer <secret>`). This authenticates the sender only: the body is not bound to it and
 * there is no timestamp, so anyone who sees one request can replay or alter it.
 */
function verifyFreshdesk(secrets: readonly string[], headers: Headers): VerifyResult {
  const authorization = headers.get('authorization')
  const received = [headers.get('x-triage-token')?.trim(), bearerToken(authorization), ...basicCredentials(authorization)].filter(
    (token): token is string => Boolean(token),
  )
  if (received.length === 0) return fail('missing_signature')
  if (!anySignatureMatches(secrets, received)) return fail('bad_signature')
  return { ok: true, deliveryId: undefined }
}

/**
 * Verifies one delivery against the raw body, before anything parses it. `secret` may list several
 * secrets while one is rotated; `now` is injected so tests move the clock instead of waiting.
 */
export async function verifyWebhook(type: WebhookType, secret: Secrets, headers: Headers, rawBody: Uint8Array, now: Date): Promise<VerifyResult> {
  if (type === 'generic') return verifyStandardWebhook(secret, headers, rawBody, now)
  const secrets = usableSecrets(secret)
  if (!secrets) return fail('bad_secret_format')
  switch (type) {
    case 'zammad':
      return verifyZammad(secrets, headers, rawBody)
    case 'zendesk':
      return verifyZendesk(secrets, headers, rawBody, now)
    case 'freshdesk':
      return verifyFreshdesk(secrets, headers)
  }
}
