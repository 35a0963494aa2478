import { hasOwnMarker, hasOwnTag, isOwnUser, type OwnIdentity } from '../../webhooks/own-write-back-checks.js'
import { asRecord, finishDraft } from '../../webhooks/payload-draft.js'
import { withUsableSecrets } from '../../webhooks/signature-checks.js'
import type { HelpdeskAdapter } from '../types.js'
import { draftZammad } from './map.js'
import { verifyZammad } from './verify.js'
import { writeBackZammad } from './write-back.js'

// The marker in the article body, the tag on the ticket, or our API user as the article's author.
// Zammad's default webhook payload carries no `ticket.tags` (only a custom payload could add them), and the
// intake does not know the API user's id, so for Zammad the marker in our note is what stops the loop: the
// note must keep opening with it (renderNote), and the trigger should exclude the tag as its own condition.
function isOwnZammad(json: Record<string, unknown>, identity: OwnIdentity): boolean {
  const ticket = asRecord(json.ticket)
  const article = asRecord(json.article)
  const author = article.created_by ?? article.created_by_id
  return hasOwnTag(ticket.tags, /,\s*/) || hasOwnMarker(article.body) || (author !== undefined && isOwnUser(author, identity))
}

/** Zammad: trigger webhooks signed with HMAC-SHA1, write-back through the REST API with an access token. */
export const zammadAdapter: HelpdeskAdapter = {
  type: 'zammad',
  verify: (headers, rawBody, secrets) => withUsableSecrets(secrets, (usable) => verifyZammad(usable, headers, rawBody)),
  mapPayload: (json) => finishDraft(draftZammad(json)),
  isOwnWriteBack: (json, _headers, identity) => isOwnZammad(json, identity),
  writeBack: writeBackZammad,
}
