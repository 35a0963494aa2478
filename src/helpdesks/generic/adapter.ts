import { hasOwnMarker, hasOwnTag } from '../../webhooks/own-write-back-checks.js'
import { asRecord } from '../../webhooks/payload-draft.js'
import { verifyStandardWebhook } from '../../webhooks/standard-webhooks.js'
import type { HelpdeskAdapter } from '../types.js'
import { mapGeneric } from './map.js'
import { writeBackGeneric } from './write-back.js'

// A sender that relays our write-back keeps the tag in metadata.tags or the marker in the text.
function isOwnGeneric(json: Record<string, unknown>): boolean {
  return hasOwnTag(asRecord(json.metadata).tags, /,/) || hasOwnMarker(json.body)
}

/** Any sender speaking Standard Webhooks with our triage request as the body; results go back as signed callbacks. */
export const genericAdapter: HelpdeskAdapter = {
  type: 'generic',
  // Standard Webhooks checks its own secret format (whsec_...), so no minimum-length rule here.
  verify: (headers, rawBody, secrets, now) => verifyStandardWebhook(secrets, headers, rawBody, now),
  mapPayload: mapGeneric,
  isOwnWriteBack: (json) => isOwnGeneric(json),
  writeBack: writeBackGeneric,
}
