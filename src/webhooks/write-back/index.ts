// The write-back layer: one call that puts a triage result into the helpdesk ticket it came from, safe to
// repeat after a crash or a retry (each helpdesk module checks for its own earlier note first).
import { writeBackFreshdesk } from './freshdesk.js'
import { writeBackGeneric } from './generic.js'
import type { WriteBackOptions, WriteBackReport, WriteBackRequest, WriteBackTarget } from './types.js'
import { writeBackZammad } from './zammad.js'
import { writeBackZendesk } from './zendesk.js'

export { callbackMessageId, triageCompletedEvent } from './generic.js'
export { noteMarker, renderNote, sanitizeTag, triageTags, type RenderedNote } from './note.js'
export {
  WriteBackError,
  isPermanentStatus,
  type WriteBackOptions,
  type WriteBackReport,
  type WriteBackRequest,
  type WriteBackTarget,
} from './types.js'

/**
 * Writes one triage result back. Resolves with what was done; rejects with a WriteBackError whose
 * `permanent` and `retryAfterMs` tell the job runner whether and when to try again.
 */
export async function writeBack(target: WriteBackTarget, request: WriteBackRequest, options: WriteBackOptions): Promise<WriteBackReport> {
  switch (target.type) {
    case 'zammad':
      return writeBackZammad(target, request, options)
    case 'zendesk':
      return writeBackZendesk(target, request, options)
    case 'freshdesk':
      return writeBackFreshdesk(target, request, options)
    case 'generic':
      return writeBackGeneric(target, request, options)
  }
}
