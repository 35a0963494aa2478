// Zendesk: one atomic ticket update (tags, private comment, group) guarded by safe_update, so an agent's
// edit between our read and our write is never overwritten: Zendesk answers 409 and we read again.
import { basicAuth, helpdeskApiClient, type HttpClient } from '../../webhooks/write-back/http.js'
import { fieldTexts, idValue, recordOf, tagList, unionTags } from '../../webhooks/write-back/json.js'
import { containsNoteFor, renderNote, triageTags } from '../../webhooks/write-back/note.js'
import {
  WriteBackError,
  type WriteBackOptions,
  type WriteBackReport,
  type WriteBackRequest,
  type WriteBackTarget,
} from '../../webhooks/write-back/types.js'

/** Conflicts tolerated in one write-back before it is handed back to the job queue as retryable. */
export const zendeskConflictAttempts = 3
const maxCommentPages = 10

/** `email/token:<api token>` (or `email:password`) is Basic auth; anything without a colon is an OAuth token. */
function zendeskAuthorization(token: string): string {
  return token.includes(':') ? basicAuth(token) : `Bearer ${token}`
}

async function hasOurComment(client: HttpClient, ticketId: string, inquiryId: string): Promise<boolean> {
  // Newest first: our comment is almost always on the first page.
  let next: string | undefined = `/api/v2/tickets/${ticketId}/comments.json?page%5Bsize%5D=100&sort=-created_at`
  for (let page = 0; next && page < maxCommentPages; page++) {
    const json = recordOf((await client.send('GET', next)).json)
    if (containsNoteFor(inquiryId, fieldTexts(json.comments, ['body', 'html_body', 'plain_body']))) return true
    const links = recordOf(json.links)
    const more = recordOf(json.meta).has_more === true
    next = more && typeof links.next === 'string' ? links.next : typeof json.next_page === 'string' ? json.next_page : undefined
  }
  return false
}

export async function writeBackZendesk(
  target: WriteBackTarget,
  request: WriteBackRequest,
  options: WriteBackOptions,
): Promise<WriteBackReport> {
  const client = helpdeskApiClient('zendesk', target, options, zendeskAuthorization)
  const ticketId = encodeURIComponent(request.ticket.id)
  if (await hasOurComment(client, ticketId, request.inquiryId))
    return { type: 'zendesk', requests: client.requests, skipped: 'note already present' }

  const note = renderNote(request.inquiryId, request.result)
  const group = target.departmentGroups?.[request.result.department]
  const ours = triageTags(request.result)
  for (let attempt = 1; ; attempt++) {
    const ticket = recordOf(recordOf((await client.send('GET', `/api/v2/tickets/${ticketId}.json`)).json).ticket)
    // `tags` replaces the whole list; safe_update makes that exact: it only applies to the list we just read.
    const update = {
      tags: unionTags(tagList(ticket.tags), ours),
      comment: { html_body: note.html, public: false },
      ...(group ? { group_id: idValue(group) } : {}),
      safe_update: true,
      updated_stamp: ticket.updated_at,
    }
    try {
      await client.send('PUT', `/api/v2/tickets/${ticketId}.json`, { body: { ticket: update } })
      return { type: 'zendesk', requests: client.requests }
    } catch (error) {
      if (!(error instanceof WriteBackError) || error.status !== 409 || attempt >= zendeskConflictAttempts) throw error
    }
  }
}
