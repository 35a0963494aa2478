import { describe, expect, it } from 'vitest'
import { mapPayload } from '../../src/helpdesks/index.js'
import { clone, mapped, readFixture } from './support.js'

const freshdesk = await readFixture('freshdesk-ticket-created.json')
const generic = await readFixture('generic-ticket.json')

describe('Freshdesk ticket-created payload', () => {
  it('maps the automation webhook field by field, the HTML description as text', () => {
    const { input, ticket } = mapped(mapPayload('freshdesk', freshdesk))
    const { metadata, ...fields } = input
    expect(fields).toEqual({
      externalId: 'freshdesk:9821',
      subject: 'Rechnung doppelt abgebucht',
      body:
        'Hallo Nordwerk-Team,\n\nSie haben die Rechnung RE-2024-55102 über 89,90 € zweimal von meinem Konto abgebucht (am 03.05. und am 06.05.).\n' +
        'Bitte erstatten Sie den doppelten Betrag.\n\nViele Grüße\nPetra Lange',
      channel: 'email',
      customer: { name: 'Petra Lange', email: 'petra.lange@example.de' },
    })
    expect(metadata).toEqual({
      source: 'freshdesk',
      priority: 'medium',
      status: 'open',
      organization: 'Lange Elektro e.K.',
      group: 'Buchhaltung',
      url: 'https://nordwerk.freshdesk.com/helpdesk/tickets/9821',
      tags: ['rechnung', 'doppelte abbuchung'],
      unmapped: {
        freshdesk_webhook: {
          ticket_portal_url: 'https://support.nordwerk.example/support/tickets/9821',
          ticket_due_by_time: 'Thu, 16 May, 2024 at 9:30 AM',
          ticket_ticket_type: 'Rechnung',
          ticket_requester_phone: '+49 40 7654321',
          ticket_cf_kundennummer: 'K-204117',
          triggered_event: '{ticket_action:created}',
        },
      },
    })
    expect(ticket).toEqual({ id: '9821', group: 'Buchhaltung', tags: ['rechnung', 'doppelte abbuchung'] })
  })

  it('keeps only a note when the unknown fields exceed the size budget', () => {
    const wide = clone(freshdesk)
    for (let index = 0; index < 40; index++) wide.freshdesk_webhook[`ticket_cf_feld_${index}`] = 'Freitext aus dem Formular. '.repeat(30)
    const unmapped = mapped(mapPayload('freshdesk', wide)).input.metadata!.unmapped as any
    expect(unmapped.freshdesk_webhook).toEqual({ omitted: expect.stringMatching(/^\d+ characters of unmapped fields$/) })
  })

  it('reads numeric priorities and names missing id and description', () => {
    const numeric = clone(freshdesk)
    numeric.freshdesk_webhook.ticket_priority = 4
    expect(mapped(mapPayload('freshdesk', numeric)).input.metadata).toMatchObject({ priority: 'urgent' })
    expect(mapPayload('freshdesk', { freshdesk_webhook: { ticket_subject: 'Hi' } })).toEqual({
      ok: false,
      errors: [
        { field: 'freshdesk_webhook.ticket_id', message: 'required: the ticket id' },
        { field: 'freshdesk_webhook.ticket_description', message: 'required: the ticket text' },
      ],
    })
  })

  it('cuts an over-long description to the triage limit and says so', () => {
    const long = clone(freshdesk)
    long.freshdesk_webhook.ticket_description = `<p>${'Sehr lange Beschwerde. '.repeat(3000)}</p>`
    const { input } = mapped(mapPayload('freshdesk', long))
    expect(input.body).toHaveLength(50_000)
    expect(input.metadata).toMatchObject({ truncated: true })
  })
})

describe('generic payload', () => {
  it('is the triage request itself, passed through field by field', () => {
    expect(mapPayload('generic', generic)).toEqual({ ok: true, input: generic, ticket: { id: 'SHOP-77120' } })
  })

  it('requires externalId and reports schema errors by field', () => {
    const { externalId: _, ...withoutId } = generic
    expect(mapPayload('generic', withoutId)).toEqual({
      ok: false,
      errors: [{ field: 'externalId', message: 'required: the ticket id in the sending system' }],
    })
    const result = mapPayload('generic', { ...generic, body: ' ', unknownField: 1 })
    expect(result.ok).toBe(false)
    expect(result.ok ? [] : result.errors.map((error) => error.field).sort()).toEqual(['body', 'unknownField'])
  })
})

it('refuses a payload that is not a JSON object, for every type', () => {
  for (const type of ['generic', 'zammad', 'zendesk', 'freshdesk'] as const) {
    for (const json of [null, [], 'text', 42])
      expect(mapPayload(type, json)).toEqual({ ok: false, errors: [{ field: '(body)', message: 'must be a JSON object' }] })
  }
})

describe('Freshdesk body written in the "Advanced" editor from the placeholder picker', () => {
  it('reads the requester from requester_name and requester_email', async () => {
    const { input, ticket } = mapped(mapPayload('freshdesk', await readFixture('freshdesk-advanced-ticket-created.json')))
    expect(input).toMatchObject({
      externalId: 'freshdesk:9904',
      subject: 'Kühlschrank KS-300 kühlt nicht mehr',
      channel: 'portal',
      customer: { name: 'Jonas Weber', email: 'jonas.weber@example.de' },
      metadata: { source: 'freshdesk', priority: 'high', status: 'open', group: 'Technik' },
    })
    expect(input.body).toMatch(/^Guten Tag,\n\nunser Kühlschrank KS-300 kühlt seit gestern nicht mehr/)
    expect(JSON.stringify(input.metadata)).not.toContain('requester_')
    expect(ticket).toEqual({ id: '9904', group: 'Technik' })
  })

  it('has a template with exactly the fields the example fills in', async () => {
    const template = await readFixture('freshdesk-advanced-body.json')
    const example = await readFixture('freshdesk-advanced-ticket-created.json')
    expect(Object.keys(template.freshdesk_webhook as object)).toEqual(Object.keys(example.freshdesk_webhook as object))
    expect(JSON.stringify(template)).toMatch(/"requester_email":"\{\{ticket\.requester\.email\}\}"/)
  })

  it('prefers the ticket_-prefixed field when both spellings arrive, and skips empty ones', () => {
    const both = clone(freshdesk)
    Object.assign(both.freshdesk_webhook, { requester_name: 'Someone Else', requester_email: 'other@example.de' })
    expect(mapped(mapPayload('freshdesk', both)).input.customer).toEqual({ name: 'Petra Lange', email: 'petra.lange@example.de' })
    const emptyPrefixed = clone(freshdesk)
    Object.assign(emptyPrefixed.freshdesk_webhook, {
      ticket_requester_name: '',
      ticket_requester_email: '',
      requester_name: 'Petra L.',
      requester_email: 'p.l@example.de',
    })
    expect(mapped(mapPayload('freshdesk', emptyPrefixed)).input.customer).toEqual({ name: 'Petra L.', email: 'p.l@example.de' })
  })
})
