import { describe, expect, it } from 'vitest'
import { detectLanguage } from '../../src/triage/language.js'
import { mapPayload } from '../../src/helpdesks/index.js'
import { clone, mapped, readFixture } from './support.js'

const zendesk = await readFixture('zendesk-ticket-created.json')
const zendeskEvent = await readFixture('zendesk-event-ticket-created.json')

describe('Zendesk ticket-created payloads', () => {
  it('maps the trigger body built from placeholders field by field', () => {
    const { input, ticket } = mapped(mapPayload('zendesk', zendesk))
    expect(input).toEqual({
      externalId: 'zendesk:35436',
      subject: 'Refund for the returned HomeHub still missing',
      body: (zendesk.ticket as any).description,
      channel: 'mail',
      customer: { id: '8447388090494', name: 'John Carter', email: 'john.carter@example.com' },
      metadata: {
        source: 'zendesk',
        priority: 'high',
        status: 'new',
        organization: 'Carter & Sons Ltd',
        group: 'Billing',
        url: 'https://nordwerk.zendesk.com/agent/tickets/35436',
        tags: ['refund', 'homehub', 'vip'],
        unmapped: {
          ticket: { type: 'Question', brand: 'Nordwerk' },
          current_user: { id: '8447388090494', email: 'john.carter@example.com' },
        },
      },
    })
    expect(ticket).toEqual({ id: '35436', group: 'Billing', tags: ['refund', 'homehub', 'vip'] })
  })

  it('has a trigger body template with exactly the fields the fixture fills in', async () => {
    const template = await readFixture('zendesk-trigger-body.json')
    const shape = (value: unknown): unknown =>
      typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)])) : 'value'
    expect(shape(template)).toEqual(shape(zendesk))
    expect(JSON.stringify(template)).toMatch(/\{\{ticket\.id\}\}.*\{\{ticket\.title\}\}.*\{\{ticket\.description\}\}/)
  })

  it('strips HTML from a description that carries it, leaves plain text with angle brackets alone', () => {
    const html = clone(zendesk)
    html.ticket.description = '<p>My order <strong>NW-1</strong> is missing.</p><p>Thanks &amp; regards</p>'
    expect(mapped(mapPayload('zendesk', html)).input.body).toBe('My order NW-1 is missing.\n\nThanks & regards')
    const plain = clone(zendesk)
    plain.ticket.description = 'Error when 3 < 5 and x > y'
    expect(mapped(mapPayload('zendesk', plain)).input.body).toBe('Error when 3 < 5 and x > y')
  })

  it('ignores empty placeholders and an unusable requester address', () => {
    const sparse = clone(zendesk)
    Object.assign(sparse.ticket, {
      organization: '',
      group: '',
      priority: '-',
      tags: '',
      requester: { id: '', name: 'John', email: 'not-an-address' },
    })
    const { input, ticket } = mapped(mapPayload('zendesk', sparse))
    expect(input.customer).toEqual({ name: 'John' })
    expect(input.metadata).not.toHaveProperty('organization')
    expect(input.metadata).not.toHaveProperty('priority')
    expect(ticket).toEqual({ id: '35436' })
  })

  it('maps the ticket.created event webhook field by field', () => {
    const { input, ticket } = mapped(mapPayload('zendesk', zendeskEvent))
    const { metadata, ...fields } = input
    expect(fields).toEqual({
      externalId: 'zendesk:35437',
      subject: 'HomeHub offline in the app',
      body: 'The HomeHub app shows "device offline" since this morning although the hub is connected to Wi-Fi. Restarting did not help.',
      channel: 'web_form',
      customer: { id: '8447388090494' },
    })
    expect(metadata).toMatchObject({ source: 'zendesk', priority: 'normal', status: 'new', tags: ['homehub', 'app'] })
    expect((metadata!.unmapped as any).detail).toMatchObject({
      group_id: '8447320466430',
      organization_id: '8447346622462',
      type: 'INCIDENT',
    })
    expect((metadata!.unmapped as any).detail).not.toHaveProperty('external_id')
    expect(ticket).toEqual({ id: '35437', tags: ['homehub', 'app'] })
  })

  it('names the missing fields of either shape and refuses other event types', () => {
    const trigger = clone(zendesk)
    trigger.ticket.id = ''
    trigger.ticket.description = '   '
    expect(mapPayload('zendesk', trigger)).toMatchObject({ ok: false, errors: [{ field: 'ticket.id' }, { field: 'ticket.description' }] })
    const event = clone(zendeskEvent)
    delete event.detail.id
    expect(mapPayload('zendesk', event)).toMatchObject({ ok: false, errors: [{ field: 'detail.id' }] })
    const comment = { ...clone(zendeskEvent), type: 'zen:event-type:ticket.comment_added' }
    expect(mapPayload('zendesk', comment)).toMatchObject({ ok: false, errors: [{ field: 'type' }] })
  })
})

describe('Zendesk {{ticket.description}} with its rendered comment header', () => {
  const dashes = '-'.repeat(46)

  it('keeps only the comment text, in German and English accounts, so a short ticket is detected right', async () => {
    const german = mapped(mapPayload('zendesk', await readFixture('zendesk-trigger-description-de.json'))).input
    expect(german.body).toBe('Garantie Anfrage')
    expect(detectLanguage([german.subject, german.body].join('\n\n')).language).toBe('de')
    const english = mapped(mapPayload('zendesk', await readFixture('zendesk-trigger-description-en.json'))).input
    expect(english.body).toBe('Refund missing')
  })

  it('recognises the header in the date formats of other locales and with CRLF line ends', () => {
    const headers = [
      'John Carter, 14 May 2024, 11:30',
      'John Carter, May 14, 2024, 11:30 AM',
      'Carter, John, 14.05.2024, 11:30',
      'Petra Lange, 14. Mai 2024 um 11:30',
    ]
    for (const header of headers) {
      for (const newline of ['\n', '\r\n']) {
        const payload = clone(zendesk)
        payload.ticket.description = [dashes, '', header, '', 'Das Display flackert.', 'Zweite Zeile.'].join(newline)
        expect(mapped(mapPayload('zendesk', payload)).input.body, header).toBe(['Das Display flackert.', 'Zweite Zeile.'].join(newline))
      }
    }
  })

  it('leaves text alone that only looks a little like the header', () => {
    const texts = [
      `${dashes}\n\nBitte rufen Sie mich an, ich bin erreichbar.\n\nDanke`, // no date line
      '----\n\nJohn, May 14, 2024\n\nshort rule', // a short rule is the customer's own
      `Hello,\n${dashes}\n\nJohn Carter, May 14, 2024, 11:30\n\nquoted`, // not at the start
    ]
    for (const text of texts) {
      const payload = clone(zendesk)
      payload.ticket.description = text
      expect(mapped(mapPayload('zendesk', payload)).input.body).toBe(text.trim())
    }
  })
})
