import type { Clock } from '../clock.js'
import type { Config } from '../config.js'
import type { Sql } from '../storage/sql.js'
import * as queries from '../storage/queries/ui-sessions.js'
import { authenticateApiKey } from './api-keys.js'
import { randomToken, sha256Hex } from './crypto.js'
import type { Principal } from './roles.js'

// Web UI sessions. The browser holds a random id in an HttpOnly cookie; the database holds its hash,
// the key it belongs to and its expiry. The CSRF token of its forms is derived from the id, so a copy of
// the table yields neither. Machine keys (integration) are for helpdesks and cannot sign in.

type SessionDeps = { sql: Sql; clock: Clock; config: Pick<Config, 'ui'> }

/** A signed-in person, as every UI request sees them. */
export interface UiSession {
  principal: Principal
  csrfToken: string
  expiresAt: Date
}

export type SignInOutcome = { ok: true; sessionId: string; session: UiSession } | { ok: false; reason: 'unknown_key' | 'machine_key' }

/** Checks the key and opens a session for its holder; the raw session id is returned once, for the cookie. */
export async function signIn(deps: SessionDeps, apiKey: string): Promise<SignInOutcome> {
  const principal = await authenticateApiKey(deps, apiKey)
  if (!principal) return { ok: false, reason: 'unknown_key' }
  if (principal.role === 'integration') return { ok: false, reason: 'machine_key' }
  const now = deps.clock.now()
  await queries.deleteDeadUiSessions(deps.sql, now)
  const sessionId = randomToken(32)
  const session: UiSession = {
    principal,
    csrfToken: await csrfTokenOf(sessionId),
    expiresAt: new Date(now.getTime() + deps.config.ui.sessionTtlMs),
  }
  await queries.insertUiSession(deps.sql, {
    idHash: await sha256Hex(sessionId),
    keyId: principal.keyId,
    createdAt: now,
    expiresAt: session.expiresAt,
  })
  return { ok: true, sessionId, session }
}

/** The session behind a cookie value, or null when it is unknown, expired or its key was revoked. */
export async function findSession(deps: SessionDeps, sessionId: string): Promise<UiSession | null> {
  const row = await queries.findLiveUiSession(deps.sql, await sha256Hex(sessionId), deps.clock.now())
  if (!row) return null
  return {
    principal: { keyId: row.key_id, name: row.key_name, role: row.key_role },
    csrfToken: await csrfTokenOf(sessionId),
    expiresAt: row.expires_at,
  }
}

/**
 * The session's CSRF token: a hash of its 256-bit random id under its own label, so it differs from the
 * stored id hash, reveals nothing about the id, and needs no column of its own.
 */
async function csrfTokenOf(sessionId: string): Promise<string> {
  return sha256Hex(`inquiry-triage csrf\0${sessionId}`)
}

export async function signOut(deps: Pick<SessionDeps, 'sql'>, sessionId: string): Promise<void> {
  await queries.deleteUiSession(deps.sql, await sha256Hex(sessionId))
}
