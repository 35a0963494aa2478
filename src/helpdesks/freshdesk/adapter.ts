import { hasOwnMarker, hasOwnTag } from '../../webhooks/own-write-back-checks.js'
import { asRecord, finishDraft } from '../../webhooks/payload-draft.js'
import { withUsableSecrets } from '../../webhooks/signature-checks.js'
import type { HelpdeskAdapter } from '../types.js'
import { draftFreshdesk } from './map.js'
import { verifyFreshdesk } from './verify.js'
import { writeBackFreshdesk } from './write-back.js'

// The tag, or the marker in the latest private note (our write-back posts a private note).
function isOwnFreshdesk(json: Record<string, unknown>): boolean {
  const ticket = asRecord(json.freshdesk_webhook)
  return hasOwnTag(ticket.ticket_tags, /,/) || hasOwnMarker(ticket.ticket_latest_private_comment)
}

/** Freshdesk: automation-rule webhooks authenticated by a shared secret, write-back by ticket update and private note. */
export const freshdeskAdapter: HelpdeskAdapter = {
  type: 'freshdesk',
  verify: (headers, _rawBody, secrets) => withUsableSecrets(secrets, (usable) => verifyFreshdesk(usable, headers)),
  mapPayload: (json) => finishDraft(draftFreshdesk(json)),
  isOwnWriteBack: (json) => isOwnFreshdesk(json),
  writeBack: writeBackFreshdesk,
}
