// What a helpdesk sends to POST /v1/webhooks/{integration}, for the OpenAPI document only. The route reads
// the raw body itself (the signature covers its exact bytes) and the mappers in src/webhooks/ read these
// shapes field by field, so these schemas describe the fields read and are never used to validate.
import { z } from '@hono/zod-openapi'
import { TriageInputSchema } from '../../triage/triage-input.js'
import { zendeskTicketCreatedEvent } from '../../helpdesks/zendesk/map.js'

const id = z.union([z.string(), z.number()])
const named = z.union([z.string(), z.object({ name: z.string() }).loose()]).openapi({ description: 'A name, or a record with a `name`' })

const ZammadPayloadSchema = z
  .object({
    ticket: z
      .object({
        id,
        number: z.string().optional(),
        title: z.string().optional(),
        customer: z.object({ id, firstname: z.string(), lastname: z.string(), email: z.string() }).partial().loose().optional(),
        priority: named.optional(),
        state: named.optional(),
        group: named.optional(),
        organization: named.optional(),
        tags: z
          .union([z.array(z.string()), z.string()])
          .optional()
          .openapi({ description: 'Only in custom payloads or newer Zammad versions' }),
      })
      .loose(),
    article: z
      .object({
        body: z.string().openapi({ description: 'The first message; HTML when `content_type` is text/html' }),
        content_type: z.string().optional(),
        subject: z.string().optional(),
        type: named.optional(),
        from: z.string().optional().openapi({ description: 'RFC 5322 sender, used when the customer record is missing' }),
        detected_language: z.string().optional(),
        attachments: z
          .array(
            z
              .object({ filename: z.string(), size: z.union([z.string(), z.number()]), content_type: z.string() })
              .partial()
              .loose(),
          )
          .optional(),
      })
      .loose(),
  })
  .loose()
  .openapi({ description: 'zammad: the default payload of a trigger webhook (Custom Payload off). Signed with X-Hub-Signature.' })

const ZendeskTriggerPayloadSchema = z
  .object({
    ticket: z
      .object({
        id,
        title: z.string().optional(),
        description: z.string().openapi({ description: '{{ticket.description}}; plain text or HTML' }),
        priority: z.string().optional(),
        status: z.string().optional(),
        type: z.string().optional(),
        tags: z.string().optional().openapi({ description: 'Space-separated, as {{ticket.tags}} renders them' }),
        via: z.string().optional(),
        url: z.string().optional(),
        group: z.string().optional(),
        brand: z.string().optional(),
        organization: z.string().optional(),
        requester: z.object({ id, name: z.string(), email: z.string() }).partial().optional(),
      })
      .loose(),
    current_user: z.object({ id, email: z.string() }).partial().optional(),
  })
  .loose()
  .openapi({
    description:
      'zendesk: the JSON body pasted into a "Ticket is Created" trigger (docs/helpdesks.md). Signed with X-Zendesk-Webhook-Signature.',
  })

const ZendeskEventPayloadSchema = z
  .object({
    type: z.string().openapi({ description: `Only ${zendeskTicketCreatedEvent} starts a triage; other event types get 422` }),
    detail: z
      .object({
        id,
        subject: z.string().optional(),
        description: z.string(),
        priority: z.string().optional(),
        status: z.string().optional(),
        tags: z.array(z.string()).optional(),
        via: z.object({ channel: z.string() }).partial().optional(),
        requester_id: id.optional(),
      })
      .loose(),
  })
  .loose()
  .openapi({ description: `zendesk: an event webhook subscribed to ${zendeskTicketCreatedEvent}. Signed like the trigger body.` })

const FreshdeskPayloadSchema = z
  .object({
    freshdesk_webhook: z
      .object({
        ticket_id: id,
        ticket_subject: z.string().optional(),
        ticket_description: z.string().openapi({ description: 'HTML' }),
        ticket_requester_name: z.string().optional(),
        ticket_requester_email: z.string().optional(),
        ticket_requester_id: id.optional(),
        ticket_contact_id: id.optional(),
        requester_name: z.string().optional(),
        requester_email: z.string().optional(),
        requester_id: id.optional(),
        ticket_priority: z
          .union([z.string(), z.number()])
          .optional()
          .openapi({ description: 'A name ("Medium") or the REST API code (1–4)' }),
        ticket_status: z.string().optional(),
        ticket_source: z.string().optional(),
        ticket_tags: z.string().optional().openapi({ description: 'Comma-separated' }),
        ticket_company_name: z.string().optional(),
        ticket_group_name: z.string().optional(),
        ticket_url: z.string().optional(),
      })
      .loose(),
  })
  .loose()
  .openapi({
    description:
      'freshdesk: an automation rule\'s "Trigger webhook" with JSON content (Simple or Advanced). Authenticated by the secret, not signed.',
  })

const GenericPayloadSchema = TriageInputSchema.required({ externalId: true }).openapi({
  description:
    'generic: the POST /v1/triage request with externalId required (the ticket id in the sending system). Signed by Standard Webhooks.',
})

/** The payload shapes by component name, registered so the webhook body can refer to them. */
export const webhookPayloadSchemas = {
  GenericWebhookPayload: GenericPayloadSchema,
  ZammadWebhookPayload: ZammadPayloadSchema,
  ZendeskTriggerPayload: ZendeskTriggerPayloadSchema,
  ZendeskEventPayload: ZendeskEventPayloadSchema,
  FreshdeskWebhookPayload: FreshdeskPayloadSchema,
}

const componentRef = (name: string) => ({ $ref: `#/components/schemas/${name}` })

/**
 * The body as a raw schema, not a zod one: a zod body would make the router parse and validate JSON
 * before the signature over the raw bytes is checked. anyOf, not oneOf: the integration's type, not the
 * body, says which shape applies, and the loose shapes can overlap.
 */
export const webhookBody = {
  required: true,
  description: "The helpdesk's own ticket-created payload; which shape applies follows from the integration's type.",
  content: {
    'application/json': {
      schema: { anyOf: Object.keys(webhookPayloadSchemas).map(componentRef) },
    },
  },
}

const header = (name: string, description: string) => ({
  name,
  in: 'header' as const,
  required: false,
  schema: { type: 'string' as const },
  description,
})

/**
 * The signature and delivery headers, as plain parameters (so nothing validates them before the check in
 * src/helpdesks/<type>/verify.ts). Each is optional on its own: which set applies depends on the integration's type.
 */
export const webhookSignatureHeaders = [
  header('webhook-id', 'generic (Standard Webhooks): the delivery id, signed and used to drop repeats'),
  header('webhook-timestamp', 'generic: Unix seconds, signed; more than 5 minutes off our clock is refused'),
  header(
    'webhook-signature',
    'generic: `v1,<base64 HMAC-SHA256 of id.timestamp.body>`, several separated by spaces while a secret is rotated',
  ),
  header('X-Hub-Signature', "zammad: `sha1=<hex HMAC-SHA1 of the raw body>` with the integration's secret"),
  header('X-Zammad-Delivery', 'zammad: the delivery id, used to drop repeats (Zammad signs no timestamp)'),
  header('X-Zendesk-Webhook-Signature', "zendesk: base64 HMAC-SHA256 of timestamp + raw body with the webhook's signing secret"),
  header('X-Zendesk-Webhook-Signature-Timestamp', 'zendesk: ISO 8601; more than 5 minutes off our clock is refused'),
  header('X-Zendesk-Webhook-Invocation-Id', 'zendesk: the delivery id, used to drop repeats'),
  header('X-Triage-Token', "freshdesk: the integration's secret, as a custom header"),
  header(
    'Authorization',
    'freshdesk: `Bearer <secret>`, or `Basic` with the secret as password (Freshdesk\'s "Requires authentication"; its API-key form, key as username and password "X", also counts)',
  ),
]
