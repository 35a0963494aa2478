// Freshdesk: tags (and the group, when mapped) by a ticket update, then a private note. Freshdesk's update
// replaces the tag list, so we send the ticket's tags plus ours. The note goes last: present means done.
import { basicAuth, helpdeskApiClient, type HttpClient } from '../../webhooks/write-back/http.js'
import { fieldTexts, idValue, nextLink, recordOf, tagList, unionTags } from '../../webhooks/write-back/json.js'
import { containsNoteFor, renderNote, triageTags } from '../../webhooks/write-back/note.js'
import type { WriteBackOptions, WriteBackReport, WriteBackRequest, WriteBackTarget } from '../../webhooks/write-back/types.js'

const maxConversationPages = 20

async function hasOurNote(client: HttpClient, ticketId: string, inquiryId: string): Promise<boolean> {
  // Oldest first is the only order; pages follow the Link header.
  let next: string | undefined = `/api/v2/tickets/${ticketId}/conversations?per_page=100`
  for (let page = 0; next && page < maxConversationPages; page++) {
    const response = await client.send('GET', next)
    if (containsNoteFor(inquiryId, fieldTexts(response.json, ['body', 'body_text']))) return true
    next = nextLink(response.headers.get('link'))
  }
  return false
}

export async function writeBackFreshdesk(
  target: WriteBackTarget,
  request: WriteBackRequest,
  options: WriteBackOptions,
): Promise<WriteBackReport> {
  // Freshdesk: the API key as the user name, any password.
  const client = helpdeskApiClient('freshdesk', target, options, (token) => basicAuth(`${token}:X`))
  const ticketId = encodeURIComponent(request.ticket.id)
  if (await hasOurNote(client, ticketId, request.inquiryId))
    return { type: 'freshdesk', requests: client.requests, skipped: 'note already present' }

  const ticket = recordOf((await client.send('GET', `/api/v2/tickets/${ticketId}`)).json)
  const existing = tagList(ticket.tags)
  const tags = unionTags(existing, triageTags(request.result))
  const group = target.departmentGroups?.[request.result.department]
  const groupChange = group !== undefined && String(ticket.group_id ?? '') !== group
  if (tags.length !== existing.length || groupChange) {
    await client.send('PUT', `/api/v2/tickets/${ticketId}`, { body: { tags, ...(groupChange ? { group_id: idValue(group) } : {}) } })
  }
  const note = renderNote(request.inquiryId, request.result)
  await client.send('POST', `/api/v2/tickets/${ticketId}/notes`, { body: { body: note.html, private: true } })
  return { type: 'freshdesk', requests: client.requests }
}
