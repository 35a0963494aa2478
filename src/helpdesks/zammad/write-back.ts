// Zammad: tags through the tag API (the ticket update has no tag field), then ONE ticket update carrying
// the group and the internal note. The note is written last, so "note present" means "all done".
import { helpdeskApiClient } from '../../webhooks/write-back/http.js'
import { fieldTexts, idValue } from '../../webhooks/write-back/json.js'
import { containsNoteFor, renderNote, triageTags } from '../../webhooks/write-back/note.js'
import type { WriteBackOptions, WriteBackReport, WriteBackRequest, WriteBackTarget } from '../../webhooks/write-back/types.js'

/** A group given as digits is an id; anything else is a name, which Zammad resolves itself. */
function groupFields(group: string | undefined): Record<string, unknown> {
  if (!group) return {}
  return /^\d+$/.test(group) ? { group_id: Number(group) } : { group }
}

export async function writeBackZammad(
  target: WriteBackTarget,
  request: WriteBackRequest,
  options: WriteBackOptions,
): Promise<WriteBackReport> {
  const client = helpdeskApiClient('zammad', target, options, (token) => `Token token=${token}`)
  const ticketId = encodeURIComponent(request.ticket.id)
  const articles = await client.send('GET', `/api/v1/ticket_articles/by_ticket/${ticketId}`)
  if (containsNoteFor(request.inquiryId, fieldTexts(articles.json, ['body']))) {
    return { type: 'zammad', requests: client.requests, skipped: 'note already present' }
  }
  // Adding a tag the ticket already has is a no-op in Zammad, so a retry may repeat these safely.
  for (const item of triageTags(request.result)) {
    await client.send('POST', '/api/v1/tags/add', { body: { object: 'Ticket', o_id: idValue(request.ticket.id), item } })
  }
  const note = renderNote(request.inquiryId, request.result)
  const article = { type: 'note', internal: true, content_type: 'text/html', subject: 'AI triage', body: note.html }
  const group = groupFields(target.departmentGroups?.[request.result.department])
  await client.send('PUT', `/api/v1/tickets/${ticketId}`, { body: { ...group, article } })
  return { type: 'zammad', requests: client.requests }
}
