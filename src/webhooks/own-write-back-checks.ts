// A helpdesk fires "ticket updated" webhooks for our own write-back too (we tag the ticket and add a note);
// triaging those again would loop. Zendesk and Zammad admins should also exclude the tag in the trigger's
// conditions; each adapter's isOwnWriteBack is the receiving side's guard when they do not. These are the
// checks the adapters share.
import { isRecord, tagsOf, textOf } from './payload-draft.js'
import { writeBackMarker, writeBackTag } from './types.js'

/** The helpdesk user our write-back authenticates as; any of its ids, logins or e-mail addresses identify it. */
export interface OwnIdentity {
  userIds?: readonly string[]
  logins?: readonly string[]
  emails?: readonly string[]
}

/** True when the tag list (an array, or a string split by `separator`) carries our write-back tag. */
export function hasOwnTag(value: unknown, separator: RegExp): boolean {
  return tagsOf(value, separator)?.some((tag) => tag.toLowerCase() === writeBackTag) ?? false
}

/** True when the text carries the marker every note of ours opens with. */
export function hasOwnMarker(value: unknown): boolean {
  return typeof value === 'string' && value.includes(writeBackMarker)
}

/** True when the user (a record, or its id) is ours. */
export function isOwnUser(user: unknown, identity: OwnIdentity): boolean {
  const record = isRecord(user) ? user : { id: user }
  const id = textOf(record.id)
  const login = textOf(record.login)?.toLowerCase()
  const email = textOf(record.email)?.toLowerCase()
  return (
    (id !== undefined && (identity.userIds ?? []).includes(id)) ||
    (login !== undefined && (identity.logins ?? []).some((own) => own.toLowerCase() === login)) ||
    (email !== undefined && (identity.emails ?? []).some((own) => own.toLowerCase() === email))
  )
}
