import { constantTimeEqual } from '../auth/crypto.js'

/** Why a delivery was refused; a closed list, so the intake can log and count each one. */
export type VerifyFailure =
  | 'missing_signature'
  | 'missing_timestamp'
  | 'missing_id'
  | 'bad_timestamp'
  | 'bad_signature'
  | 'expired'
  | 'bad_secret_format'

/** The outcome of verifying one delivery; deliveryId is the sender's id for idempotency, when it sends one. */
export type VerifyResult = { ok: true; deliveryId: string | undefined } | { ok: false; reason: VerifyFailure }

/** One secret, or several while a secret is being rotated: any one of them may have signed the delivery. */
export type Secrets = string | readonly string[]

/** How far a signed timestamp may be from our clock, either way: late retries pass, old captures do not. */
export const timestampToleranceMs = 5 * 60 * 1000

export function fail(reason: VerifyFailure): VerifyResult {
  return { ok: false, reason }
}

export function secretList(secrets: Secrets): readonly string[] {
  return typeof secrets === 'string' ? [secrets] : secrets
}

/**
 * True when any received signature equals any expected one. Every pair goes through the constant-time
 * comparison and the loop never stops early, so neither the position of a difference nor which secret
 * matched shows in the response time. `equal` is a parameter only so tests can watch it being used.
 */
export function anySignatureMatches(
  expected: readonly string[],
  received: readonly string[],
  equal: (a: string, b: string) => boolean = constantTimeEqual,
): boolean {
  let matched = false
  for (const want of expected) {
    for (const got of received) matched = equal(want, got) || matched
  }
  return matched
}

export function withinTolerance(sentAtMs: number, now: Date): boolean {
  return Math.abs(now.getTime() - sentAtMs) <= timestampToleranceMs
}

// Admin-chosen secrets (the Zammad token, the Freshdesk header token) are the only protection there is;
// a short one is guessable, so it is refused as a configuration error rather than accepted quietly.
const minimumSecretLength = 16

/** Runs a helpdesk's check with the admin-chosen secrets, or refuses when any is missing or too short. */
export async function withUsableSecrets(
  secrets: Secrets,
  verify: (usable: readonly string[]) => VerifyResult | Promise<VerifyResult>,
): Promise<VerifyResult> {
  const list = secretList(secrets)
  const usable = list.length > 0 && list.every((secret) => secret.length >= minimumSecretLength)
  return usable ? verify(list) : fail('bad_secret_format')
}
