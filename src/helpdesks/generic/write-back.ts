// Generic: the result as a signed Standard Webhooks POST. The message id is derived from the inquiry, so a
// retried delivery carries the same webhook-id and the receiver can drop the duplicate.
import { signStandardWebhook } from '../../webhooks/standard-webhooks.js'
import { createHttpClient, requireSetting } from '../../webhooks/write-back/http.js'
import {
  WriteBackError,
  type WriteBackOptions,
  type WriteBackReport,
  type WriteBackRequest,
  type WriteBackTarget,
} from '../../webhooks/write-back/types.js'

/** The event type our callbacks carry. */
export const triageCompletedEvent = 'triage.completed'

/** The delivery's webhook-id: the same for every attempt at the same inquiry. */
export function callbackMessageId(inquiryId: string): string {
  return `msg_${inquiryId}`
}

export async function writeBackGeneric(
  target: WriteBackTarget,
  request: WriteBackRequest,
  options: WriteBackOptions,
): Promise<WriteBackReport> {
  const callbackUrl = requireSetting('generic', 'callbackUrl', target.callbackUrl)
  const body = JSON.stringify({
    type: triageCompletedEvent,
    externalId: request.ticket.id,
    inquiryId: request.inquiryId,
    result: request.result,
  })
  const id = callbackMessageId(request.inquiryId)
  const timestamp = Math.floor(options.now.getTime() / 1000)
  let signature: string
  try {
    signature = await signStandardWebhook(target.secret, id, timestamp, body)
  } catch (error) {
    throw new WriteBackError('generic write-back: the integration secret is not a Standard Webhooks secret (whsec_...)', {
      permanent: true,
      cause: error,
    })
  }
  const client = createHttpClient({ type: 'generic', baseUrl: callbackUrl, secrets: [target.secret], options })
  const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature }
  await client.send('POST', callbackUrl, { rawBody: body, headers })
  return { type: 'generic', requests: client.requests }
}
