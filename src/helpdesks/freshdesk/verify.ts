import { fromBase64 } from '../../webhooks/bytes.js'
import { anySignatureMatches, fail, type VerifyResult } from '../../webhooks/signature-checks.js'

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
export function verifyFreshdesk(secrets: readonly string[], headers: Headers): VerifyResult {
  const authorization = headers.get('authorization')
  const received = [headers.get('x-triage-token')?.trim(), bearerToken(authorization), ...basicCredentials(authorization)].filter(
    (token): token is string => Boolean(token),
  )
  if (received.length === 0) return fail('missing_signature')
  if (!anySignatureMatches(secrets, received)) return fail('bad_signature')
  return { ok: true, deliveryId: undefined }
}
