import { fieldErrorsFrom } from '../../errors.js'
import { TriageInputSchema } from '../../triage/triage-input.js'
import type { MappedPayload } from '../../webhooks/payload-draft.js'

/** The generic payload is our own triage request, checked by the same schema, with externalId required. */
export function mapGeneric(json: Record<string, unknown>): MappedPayload {
  const parsed = TriageInputSchema.safeParse(json)
  if (!parsed.success) return { ok: false, errors: fieldErrorsFrom(parsed.error.issues) }
  const externalId = parsed.data.externalId
  if (!externalId) return { ok: false, errors: [{ field: 'externalId', message: 'required: the ticket id in the sending system' }] }
  return { ok: true, input: { ...parsed.data, externalId }, ticket: { id: externalId } }
}
