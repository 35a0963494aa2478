import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.js'
import { receiveWebhook } from '../../intake/receive.js'
import { problemResponses } from '../openapi.js'
import { createRouter } from '../router.js'
import { webhookBody, webhookPayloadSchemas, webhookSignatureHeaders } from './webhook-docs.js'

const ReceivedSchema = z
  .object({
    inquiryId: z.string().uuid().optional(),
    status: z.enum(['received', 'triaged', 'ignored']),
    duplicate: z.boolean().optional().openapi({ description: 'This delivery was seen before; nothing new was queued' }),
    reason: z.string().optional(),
  })
  .openapi('WebhookReceipt')

const webhookRoute = createRoute({
  method: 'post',
  path: '/v1/webhooks/{integration}',
  tags: ['webhooks'],
  operationId: 'receiveWebhook',
  summary: 'Ticket webhook from a helpdesk; verified by its signature, not an API key',
  description:
    'Stores a new ticket and queues its triage; the result is written back to the helpdesk later. No API key: the ' +
    'integration named in the path is authenticated by its secret, over the raw body (see the header parameters; which ' +
    "apply depends on the integration's type). An unknown integration and a wrong signature both get 401; a body " +
    "the integration's mapper cannot read gets 422 naming the helpdesk's field.",
  request: { params: z.object({ integration: z.string().openapi({ param: { name: 'integration', in: 'path' } }) }), body: webhookBody },
  parameters: webhookSignatureHeaders,
  responses: {
    202: { description: 'Stored and queued for triage', content: { 'application/json': { schema: ReceivedSchema } } },
    200: {
      description: 'Seen before (the existing inquiry), or caused by our own write-back (ignored)',
      content: { 'application/json': { schema: ReceivedSchema } },
    },
    ...problemResponses(400, 401, 413, 415, 422, 503),
  },
})

export function webhookRoutes(deps: Deps) {
  const router = createRouter()
  for (const [name, schema] of Object.entries(webhookPayloadSchemas)) router.openAPIRegistry.register(name, schema)
  return router.openapi(webhookRoute, async (c) => {
    // The raw bytes, read once: the signature covers exactly what was sent, not a re-serialisation.
    const rawBody = new Uint8Array(await c.req.arrayBuffer())
    const outcome = await receiveWebhook(deps, {
      integrationName: c.req.valid('param').integration,
      headers: c.req.raw.headers,
      rawBody,
      requestId: c.get('requestId'),
    })
    switch (outcome.kind) {
      case 'accepted':
        return c.json({ inquiryId: outcome.inquiryId, status: 'received' as const }, 202)
      case 'duplicate':
        return c.json({ inquiryId: outcome.inquiryId, status: outcome.status as 'received' | 'triaged', duplicate: true }, 200)
      case 'ignored':
        return c.json({ status: 'ignored' as const, reason: outcome.reason }, 200)
    }
  })
}
