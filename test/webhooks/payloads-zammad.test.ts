import { describe, expect, it } from 'vitest'
import { mapPayload } from '../../src/helpdesks/index.js'
import { clone, mapped, readFixture } from './support.js'

const zammad = await readFixture('zammad-ticket-created.json')

describe('Zammad ticket-created payload', () => {
  it('maps ticket, first article and customer field by field, the HTML article as text', () => {
    const { input, ticket } = mapped(mapPayload('zammad', zammad))
    const { metadata, ...fields } = input
    expect(fields).toEqual({
      externalId: 'zammad:1287',
      subject: 'Nordbook 14 startet nach BIOS-Update nicht mehr',
      body:
        'Guten Tag,\n\nseit dem BIOS-Update von gestern startet unser Nordbook 14 nicht mehr. Die Power-LED blinkt dreimal orange, der Bildschirm bleibt schwarz.\n\n' +
        ' * Seriennummer: NB14-2231-889\n * BIOS vorher: 1.0.7\n\nKönnen Sie uns helfen? Das Gerät wird in der Buchhaltung dringend gebraucht.\n\nMit freundlichen Grüßen\nAnna Schmidt',
      language: 'de',
      channel: 'email',
      customer: { id: '245', name: 'Anna Schmidt', email: 'anna.schmidt@example.de' },
    })
    expect(metadata).toMatchObject({
      source: 'zammad',
      ticketNumber: '31287',
      priority: 'high',
      status: 'new',
      organization: 'Wäscherei Müller GmbH',
      group: 'Support 2nd Level',
      tags: ['nordbook', 'bios'],
      attachments: [{ filename: 'led-blinkt.jpg', size: 482113, contentType: 'image/jpeg' }],
    })
    expect(ticket).toEqual({ id: '1287', number: '31287', group: 'Support 2nd Level', tags: ['nordbook', 'bios'] })
  })

  it('keeps unknown fields in metadata, but not mapped ones, nulls, deep records or attachment contents', () => {
    const payload = clone(zammad)
    payload.article.attachments[0].data = 'iVBORw0KGgo'.repeat(100)
    payload.ticket.custom_field = 'Lange Notiz aus dem CRM. '.repeat(200)
    payload.ticket.signature_image = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'.repeat(10)
    const unmapped = mapped(mapPayload('zammad', payload)).input.metadata!.unmapped as any
    expect(unmapped.ticket).toMatchObject({
      article_count: 1,
      create_article_sender: 'Customer',
      owner: { login: '-' },
      preferences: { channel_id: 3 },
    })
    expect(unmapped.article).toMatchObject({
      sender: 'Customer',
      to: 'support@nordwerk.example',
      created_by: { login: 'anna.schmidt@example.de' },
    })
    expect(unmapped.ticket.custom_field).toBe('[omitted: 5000 characters]')
    for (const gone of ['id', 'title', 'customer', 'priority', 'note', 'close_at', 'tags', 'signature_image'])
      expect(unmapped.ticket).not.toHaveProperty(gone)
    for (const gone of ['body', 'attachments', 'content_type', 'cc']) expect(unmapped.article).not.toHaveProperty(gone)
    expect(JSON.stringify(unmapped)).not.toContain('notification_config')
    expect(JSON.stringify(unmapped)).not.toContain('iVBORw0KGgo')
  })

  it('reads a text/plain article as is, and falls back to the From address and the customer locale', () => {
    const payload = clone(zammad)
    payload.article.content_type = 'text/plain'
    payload.article.body = 'Line one <b>not a tag</b>\nLine two'
    delete payload.article.detected_language
    delete payload.ticket.customer
    payload.ticket.customer_id = 245
    const { input } = mapped(mapPayload('zammad', payload))
    expect(input.body).toBe('Line one <b>not a tag</b>\nLine two')
    expect(input.customer).toEqual({ id: '245', email: 'anna.schmidt@example.de' })
    expect(input.language).toBeUndefined()
  })

  it('names ticket.id and article.body when they are missing', () => {
    const payload = clone(zammad)
    delete payload.ticket.id
    payload.article.body = '<div><br></div>'
    expect(mapPayload('zammad', payload)).toEqual({
      ok: false,
      errors: [
        { field: 'ticket.id', message: 'required: the ticket id' },
        { field: 'article.body', message: 'required: the ticket text' },
      ],
    })
    expect(mapPayload('zammad', { ticket: zammad.ticket })).toMatchObject({ ok: false, errors: [{ field: 'article.body' }] })
  })
})

describe('Zammad default payload as documented (no ticket.tags, no user preferences)', () => {
  it('maps the ticket without tags or a language, the customer from the ticket', async () => {
    const { input, ticket } = mapped(mapPayload('zammad', await readFixture('zammad-default-ticket-created.json')))
    expect(input).toMatchObject({
      externalId: 'zammad:1402',
      subject: 'Geschirrspüler GS-5 zeigt E24',
      channel: 'email',
      customer: { id: '312', name: 'Martin Becker', email: 'm.becker@example.de' },
      metadata: {
        source: 'zammad',
        ticketNumber: '31402',
        priority: 'normal',
        status: 'new',
        group: 'Technik',
        organization: 'Becker Haustechnik',
      },
    })
    expect(input).not.toHaveProperty('language')
    expect(input.metadata).not.toHaveProperty('tags')
    expect(ticket).toEqual({ id: '1402', number: '31402', group: 'Technik' })
  })
})
