import { z } from 'zod'
import { fieldErrorsFrom, type FieldError } from '../errors.js'
import { TriageInputSchema, type TriageInput } from '../triage/triage-input.js'
import { htmlToPlainText, looksLikeHtml } from './html-text.js'
import type { WebhookType } from './types.js'

/** A triage request that always names its ticket, so results can be written back and deliveries deduplicated. */
export type WebhookTriageInput = TriageInput & { externalId: string }

/** What the write-back needs to find and label the ticket in the helpdesk. */
export interface TicketRef {
  id: string
  number?: string
  group?: string
  tags?: string[]
}

export type MappedPayload = { ok: true; input: WebhookTriageInput; ticket: TicketRef } | { ok: false; errors: FieldError[] }

/** One helpdesk payload read into our terms, values still unchecked; `idField`/`bodyField` name the source fields for errors. */
export interface TicketDraft {
  source: Exclude<WebhookType, 'generic'>
  id: unknown
  idField: string
  body: unknown
  bodyField: string
  /** 'detect' for fields that are plain text in one setup and HTML in another (placeholders, descriptions). */
  bodyFormat: 'text' | 'html' | 'detect'
  subject?: unknown
  number?: unknown
  channel?: unknown
  language?: unknown
  customer: { id?: unknown; name?: unknown; email?: unknown }
  priority?: unknown
  status?: unknown
  organization?: unknown
  group?: unknown
  url?: unknown
  tags?: string[]
  attachments?: unknown
  unmapped: Record<string, unknown>
}

const limits = { subject: 1000, body: 50_000, name: 200, channel: 50 }
const emailSchema = z.string().email().max(320)

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {}
}

/** The record without its undefined entries. */
export function compact(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined))
}

/** A trimmed, non-empty string from a string or a number (helpdesks send ids as either). */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  return text.length > 0 ? text : undefined
}

/** Helpdesks send a related record either as its name or as an object with a `name`. */
export function nameOf(value: unknown): string | undefined {
  return textOf(value) ?? (isRecord(value) ? textOf(value.name) : undefined)
}

/** Tags as a list; `separator` splits the string forms (Zendesk joins with spaces, Freshdesk with commas). */
export function tagsOf(value: unknown, separator: RegExp): string[] | undefined {
  const raw = Array.isArray(value) ? value.map(textOf) : (textOf(value)?.split(separator) ?? [])
  const tags = [...new Set(raw.map((tag) => tag?.trim()).filter((tag): tag is string => Boolean(tag)))]
  return tags.length > 0 ? tags : undefined
}

/** One priority vocabulary across helpdesks: lower case, Zammad's rank prefix ("2 normal") dropped, "-" (unset) ignored. */
export function priorityOf(value: unknown): string | undefined {
  const name = nameOf(value)
    ?.toLowerCase()
    .replace(/^\d+\s+/, '')
  return name && name !== '-' ? name : undefined
}

/** Filename, size and type of each attachment: enough for triage ("invoice attached"), never the contents. */
export function attachmentsOf(value: unknown): Array<Record<string, unknown>> | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined
  return value.filter(isRecord).map((item) => {
    const preferences = asRecord(item.preferences)
    const contentType = textOf(item.content_type) ?? textOf(item.mime_type) ?? textOf(preferences['Content-Type'])
    const filename = textOf(item.filename) ?? textOf(item.name)
    const size = Number(item.size) // Zammad sends the size as a string
    return compact({ filename, size: Number.isFinite(size) ? size : undefined, contentType })
  })
}

function bodyText(draft: TicketDraft): string | undefined {
  const raw = typeof draft.body === 'string' ? draft.body : undefined
  if (raw === undefined) return undefined
  const html = draft.bodyFormat === 'html' || (draft.bodyFormat === 'detect' && looksLikeHtml(raw))
  return textOf(html ? htmlToPlainText(raw) : raw)
}

function customerOf(draft: TicketDraft): TriageInput['customer'] {
  const id = textOf(draft.customer.id)?.slice(0, limits.name)
  const name = textOf(draft.customer.name)?.slice(0, limits.name)
  // An unusable address (phone or social channels, "-") is dropped rather than failing the whole ticket.
  const email = emailSchema.safeParse(textOf(draft.customer.email)).data
  const customer = { ...(id ? { id } : {}), ...(name ? { name } : {}), ...(email ? { email } : {}) }
  return Object.keys(customer).length > 0 ? customer : undefined
}

function metadataOf(draft: TicketDraft, truncated: boolean): Record<string, unknown> {
  const known = {
    source: draft.source,
    ticketNumber: textOf(draft.number),
    priority: priorityOf(draft.priority),
    status: nameOf(draft.status)?.toLowerCase(),
    organization: nameOf(draft.organization),
    group: nameOf(draft.group),
    url: textOf(draft.url),
    tags: draft.tags,
    attachments: attachmentsOf(draft.attachments),
    truncated: truncated || undefined,
    unmapped: Object.keys(draft.unmapped).length > 0 ? draft.unmapped : undefined,
  }
  return compact(known)
}

/**
 * Checks a draft and builds the triage input. A missing ticket id or text is an error naming the helpdesk's
 * field; over-long text is cut to our limits instead, because refusing it would leave the ticket untriaged.
 */
export function finishDraft(draft: TicketDraft): MappedPayload {
  const id = textOf(draft.id)
  const body = bodyText(draft)
  const errors: FieldError[] = []
  if (!id) errors.push({ field: draft.idField, message: 'required: the ticket id' })
  if (!body) errors.push({ field: draft.bodyField, message: 'required: the ticket text' })
  if (!id || !body) return { ok: false, errors }
  const subject = textOf(draft.subject)
  const language = /^[a-z]{2}(?:$|[-_])/i
    .exec(textOf(draft.language) ?? '')?.[0]
    .slice(0, 2)
    .toLowerCase()
  const channel = textOf(draft.channel)?.toLowerCase().slice(0, limits.channel)
  const customer = customerOf(draft)
  const truncated = body.length > limits.body || (subject?.length ?? 0) > limits.subject
  const candidate = {
    externalId: `${draft.source}:${id}`,
    ...(subject ? { subject: subject.slice(0, limits.subject) } : {}),
    body: body.slice(0, limits.body),
    ...(language ? { language } : {}),
    ...(channel ? { channel } : {}),
    ...(customer ? { customer } : {}),
    metadata: metadataOf(draft, truncated),
  }
  const parsed = TriageInputSchema.safeParse(candidate)
  if (!parsed.success) return { ok: false, errors: fieldErrorsFrom(parsed.error.issues) }
  const number = textOf(draft.number)
  const group = nameOf(draft.group)
  const ticket: TicketRef = { id, ...(number ? { number } : {}), ...(group ? { group } : {}), ...(draft.tags ? { tags: draft.tags } : {}) }
  return { ok: true, input: { ...parsed.data, externalId: candidate.externalId }, ticket }
}
