import { describe, expect, it } from 'vitest'
import { isOwnWriteBack } from '../../src/helpdesks/index.js'
import type { OwnIdentity } from '../../src/webhooks/own-write-back-checks.js'
import { writeBackMarker, writeBackTag } from '../../src/webhooks/types.js'
import { renderNote } from '../../src/webhooks/write-back/note.js'
import { triageResult } from './write-back-support.js'
import { clone, readFixture } from './support.js'

const zammad = await readFixture('zammad-ticket-created.json')
const zendesk = await readFixture('zendesk-ticket-created.json')
const zendeskEvent = await readFixture('zendesk-event-ticket-created.json')
const freshdesk = await readFixture('freshdesk-ticket-created.json')
const generic = await readFixture('generic-ticket.json')
const headers = new Headers()
const us: OwnIdentity = { userIds: ['9000000000001', '77'], logins: ['ai-triage@nordwerk.example'], emails: ['AI-Triage@nordwerk.example'] }

describe('isOwnWriteBack', () => {
  it('lets every genuine ticket-created fixture through', () => {
    expect(isOwnWriteBack('zammad', zammad, headers, us)).toBe(false)
    expect(isOwnWriteBack('zendesk', zendesk, headers, us)).toBe(false)
    expect(isOwnWriteBack('zendesk', zendeskEvent, headers, us)).toBe(false)
    expect(isOwnWriteBack('freshdesk', freshdesk, headers, us)).toBe(false)
    expect(isOwnWriteBack('generic', generic, headers, us)).toBe(false)
    expect(isOwnWriteBack('zammad', null, headers, us)).toBe(false)
  })

  it('recognises Zammad updates by our tag, our API user as the article author, or our marker', () => {
    const tagged = clone(zammad)
    tagged.ticket.tags.push(writeBackTag)
    expect(isOwnWriteBack('zammad', tagged, headers)).toBe(true)

    const ourNote = clone(zammad)
    ourNote.article = {
      ...ourNote.article,
      sender: 'Agent',
      internal: true,
      created_by: { id: 77, login: 'ai-triage@nordwerk.example' },
      body: 'Technical, 92 %',
    }
    expect(isOwnWriteBack('zammad', ourNote, headers, us)).toBe(true)
    expect(isOwnWriteBack('zammad', ourNote, headers)).toBe(false) // without knowing our user, the author proves nothing

    const byId = clone(zammad)
    byId.article = { created_by_id: 77, body: 'x' }
    expect(isOwnWriteBack('zammad', byId, headers, us)).toBe(true)

    const marked = clone(zammad)
    marked.article.body = `<p>${writeBackMarker} Department: technical</p>`
    expect(isOwnWriteBack('zammad', marked, headers)).toBe(true)
  })

  it("recognises our own note in Zammad's documented default payload, which carries no tags, by the marker alone", async () => {
    const ownNote = await readFixture('zammad-default-own-note.json')
    expect((ownNote.ticket as Record<string, unknown>).tags).toBeUndefined()
    expect(isOwnWriteBack('zammad', ownNote, headers)).toBe(true)
    // The note exactly as the write-back renders it, whatever its wording is today.
    const rendered = clone(ownNote)
    rendered.article.body = renderNote('6f1c9a2e-4b7d-4e0a-9c3f-2d8e5b1a7c40', triageResult()).html
    expect(isOwnWriteBack('zammad', rendered, headers)).toBe(true)
    // Without the marker nothing else gives it away: no tags, and the intake knows no API user.
    const unmarked = clone(ownNote)
    unmarked.article.body = '<p>KI-Triage: Abteilung Technik</p>'
    expect(isOwnWriteBack('zammad', unmarked, headers)).toBe(false)
    expect(isOwnWriteBack('zammad', await readFixture('zammad-default-ticket-created.json'), headers)).toBe(false)
  })

  it('recognises Zendesk updates by the current tags or our API user, in both payload shapes', () => {
    const tagged = clone(zendesk)
    tagged.ticket.tags = `refund ${writeBackTag} homehub`
    expect(isOwnWriteBack('zendesk', tagged, headers)).toBe(true)

    const byUs = clone(zendesk)
    byUs.current_user = { id: '9000000000001', email: 'ai-triage@nordwerk.example' }
    expect(isOwnWriteBack('zendesk', byUs, headers, us)).toBe(true)

    const comment = clone(zendesk)
    comment.ticket.latest_comment = `${writeBackMarker} Suggested reply drafted`
    expect(isOwnWriteBack('zendesk', comment, headers)).toBe(true)

    const taggedEvent = clone(zendeskEvent)
    taggedEvent.type = 'zen:event-type:ticket.tags_changed'
    taggedEvent.detail.tags.push(writeBackTag)
    expect(isOwnWriteBack('zendesk', taggedEvent, headers)).toBe(true)

    const eventByUs = clone(zendeskEvent)
    eventByUs.detail.actor_id = '9000000000001'
    expect(isOwnWriteBack('zendesk', eventByUs, headers, us)).toBe(true)
  })

  it('recognises Freshdesk updates by our tag or the marker in the latest private note', () => {
    const tagged = clone(freshdesk)
    tagged.freshdesk_webhook.ticket_tags = `rechnung,${writeBackTag}`
    expect(isOwnWriteBack('freshdesk', tagged, headers)).toBe(true)

    const noted = clone(freshdesk)
    noted.freshdesk_webhook.ticket_latest_private_comment = `<div>${writeBackMarker} Kaufmännisch, Eskalation: nein</div>`
    expect(isOwnWriteBack('freshdesk', noted, headers)).toBe(true)
  })

  it('recognises a relayed generic request by the tag in metadata or the marker in the text', () => {
    expect(isOwnWriteBack('generic', { ...generic, metadata: { tags: [writeBackTag] } }, headers)).toBe(true)
    expect(isOwnWriteBack('generic', { ...generic, body: `${writeBackMarker} reply` }, headers)).toBe(true)
  })
})
