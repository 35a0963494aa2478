import { sha256Hex } from '../auth/crypto.js'

/** What identifies one ticket's content for deduplication. */
export interface ContentKey {
  integration: string
  ticketId: string
  subject?: string | undefined
  body: string
}

// Only differences a reader would not see are smoothed out (Unicode form, line endings, outer whitespace),
// so a retry that re-renders the same text hashes the same and any real edit hashes differently.
function normalise(text: string): string {
  return text.normalize('NFC').replace(/\r\n?/g, '\n').trim()
}

/**
 * A stable SHA-256 (hex) of integration, ticket id, subject and body, for idempotency when the helpdesk
 * sends no delivery id (Freshdesk). The parts are JSON-encoded, so no separator inside a value can make two
 * different tickets collide; the version tag lets the recipe change without matching old keys by accident.
 */
export function contentHash(key: ContentKey): Promise<string> {
  const parts = ['webhook-content-v1', key.integration, key.ticketId.trim(), normalise(key.subject ?? ''), normalise(key.body)]
  return sha256Hex(JSON.stringify(parts))
}

/**
 * The idempotency key of one delivery: the sender's delivery id when there is one (stable across the
 * sender's retries), otherwise the content hash. Both are scoped to the integration, so two senders' ids never meet.
 */
export async function deliveryKey(deliveryId: string | undefined, content: ContentKey): Promise<string> {
  return deliveryId ? `${content.integration}:delivery:${deliveryId}` : `${content.integration}:content:${await contentHash(content)}`
}
