import { describe, expect, it } from 'vitest'
import { contentHash, deliveryKey, type ContentKey } from '../../src/webhooks/content-hash.js'

const key: ContentKey = {
  integration: 'freshdesk-main',
  ticketId: '9821',
  subject: 'Rechnung doppelt abgebucht',
  body: 'Bitte erstatten Sie den doppelten Betrag.',
}

describe('contentHash', () => {
  it('is a stable SHA-256: the same content gives the same, pinned value in every process', async () => {
    const hash = await contentHash(key)
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect(await contentHash({ ...key })).toBe(hash)
    // Pinned, so a changed recipe is a deliberate decision (it would let old deliveries through once more).
    expect(hash).toBe(PINNED)
  })

  it('changes with any change to body, subject, ticket id or integration', async () => {
    const hash = await contentHash(key)
    for (const changed of [
      { ...key, body: 'Bitte erstatten Sie den doppelten Betrag!' },
      { ...key, body: `${key.body} Danke.` },
      { ...key, subject: 'Rechnung doppelt abgebucht.' },
      { ...key, subject: undefined },
      { ...key, ticketId: '9822' },
      { ...key, integration: 'freshdesk-other' },
    ]) {
      expect(await contentHash(changed)).not.toBe(hash)
    }
  })

  it('ignores differences nobody can read: line endings, outer whitespace, Unicode composition', async () => {
    const base = await contentHash({ ...key, body: 'Zeile eins\nZeile zwei für Sie' })
    expect(await contentHash({ ...key, body: '  Zeile eins\r\nZeile zwei für Sie\n' })).toBe(base)
    expect(await contentHash({ ...key, body: 'Zeile eins\nZeile zwei fu\u0308r Sie' })).toBe(base)
  })

  it('cannot be fooled by moving text between fields', async () => {
    expect(await contentHash({ ...key, subject: 'a', body: 'b c' })).not.toBe(await contentHash({ ...key, subject: 'a b', body: 'c' }))
    expect(await contentHash({ ...key, ticketId: '1', subject: '2' })).not.toBe(await contentHash({ ...key, ticketId: '12', subject: '' }))
  })
})

describe('deliveryKey', () => {
  it('uses the delivery id when there is one, the content hash otherwise, both scoped to the integration', async () => {
    expect(await deliveryKey('7e5d1f0a', key)).toBe('freshdesk-main:delivery:7e5d1f0a')
    expect(await deliveryKey(undefined, key)).toBe(`freshdesk-main:content:${await contentHash(key)}`)
  })
})

// sha256 of JSON.stringify(['webhook-content-v1', integration, ticketId, subject, body]), computed independently.
const PINNED = '3f5d91906d4fc84419895f267c14471274a4c26ebea400d54ce171783a225b0a'
