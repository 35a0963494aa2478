import { describe, expect, it } from 'vitest'
import { constantTimeEqual } from '../../src/auth/crypto.js'
import { verifyWebhook } from '../../src/helpdesks/index.js'
import { anySignatureMatches } from '../../src/webhooks/signature-checks.js'
import { encode, flipFirst, minutes, now, zammadSignature, zendeskSignature } from './support.js'

const secret = 'zammad-hmac-token-3f9c1e'
const wrongSecret = 'another-token-of-length-20'
const body = '{"ticket":{"id":1287,"title":"Nordbook startet nicht"},"article":{"body":"Hilfe"}}'
const otherBody = body.replace('Hilfe', 'Bitte Rückruf')

describe('Zammad (X-Hub-Signature, HMAC-SHA1)', () => {
  const headers = (signature?: string, delivery = '7e5d1f0a-2b3c-4d5e-8f90-a1b2c3d4e5f6') => {
    const result = new Headers({ 'x-zammad-trigger': 'AI triage', 'x-zammad-delivery': delivery })
    if (signature) result.set('x-hub-signature', signature)
    return result
  }

  it('accepts a valid delivery and returns X-Zammad-Delivery', async () => {
    const result = await verifyWebhook('zammad', secret, headers(zammadSignature(secret, body)), encode(body), now)
    expect(result).toEqual({ ok: true, deliveryId: '7e5d1f0a-2b3c-4d5e-8f90-a1b2c3d4e5f6' })
    const upper = `sha1=${zammadSignature(secret, body).slice(5).toUpperCase()}`
    expect(await verifyWebhook('zammad', secret, headers(upper), encode(body), now)).toMatchObject({ ok: true })
  })

  it('refuses an invalid, malformed or missing signature', async () => {
    const good = zammadSignature(secret, body)
    const flipped = good.slice(0, -1) + (good.endsWith('0') ? '1' : '0')
    expect(await verifyWebhook('zammad', secret, headers(flipped), encode(body), now)).toEqual({ ok: false, reason: 'bad_signature' })
    expect(await verifyWebhook('zammad', secret, headers(good.replace('sha1=', 'sha256=')), encode(body), now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    })
    expect(await verifyWebhook('zammad', secret, headers(), encode(body), now)).toEqual({ ok: false, reason: 'missing_signature' })
  })

  it('refuses a replay with another body and a delivery signed with another token', async () => {
    expect(await verifyWebhook('zammad', secret, headers(zammadSignature(secret, body)), encode(otherBody), now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    })
    expect(await verifyWebhook('zammad', wrongSecret, headers(zammadSignature(secret, body)), encode(body), now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    })
  })

  it('cannot expire a delivery: Zammad signs no timestamp, so the delivery id is the replay guard', async () => {
    const muchLater = new Date(now.getTime() + minutes(60 * 24 * 30))
    expect(await verifyWebhook('zammad', secret, headers(zammadSignature(secret, body)), encode(body), muchLater)).toMatchObject({
      ok: true,
    })
  })

  it('accepts the old token while rotating, and refuses short tokens as misconfiguration', async () => {
    expect(await verifyWebhook('zammad', [wrongSecret, secret], headers(zammadSignature(secret, body)), encode(body), now)).toMatchObject({
      ok: true,
    })
    expect(await verifyWebhook('zammad', 'short', headers(zammadSignature('short', body)), encode(body), now)).toEqual({
      ok: false,
      reason: 'bad_secret_format',
    })
    expect(await verifyWebhook('zammad', [], headers(zammadSignature(secret, body)), encode(body), now)).toEqual({
      ok: false,
      reason: 'bad_secret_format',
    })
  })

  it('has no delivery id when Zammad sent none', async () => {
    const result = new Headers({ 'x-hub-signature': zammadSignature(secret, body) })
    expect(await verifyWebhook('zammad', secret, result, encode(body), now)).toEqual({ ok: true, deliveryId: undefined })
  })
})

describe('Zendesk (X-Zendesk-Webhook-Signature, HMAC-SHA256 of timestamp + body)', () => {
  const zendeskSecret = 'dGhpcyBpcyBhIHplbmRlc2sgc2lnbmluZyBzZWNyZXQ'
  const timestamp = '2024-05-14T09:30:12Z'
  const headers = (fields: { signature?: string; timestamp?: string }) => {
    const result = new Headers({ 'x-zendesk-webhook-id': '01HXYZABCDEF', 'x-zendesk-webhook-invocation-id': '8350205582' })
    if (fields.signature !== undefined) result.set('x-zendesk-webhook-signature', fields.signature)
    if (fields.timestamp !== undefined) result.set('x-zendesk-webhook-signature-timestamp', fields.timestamp)
    return result
  }
  const signedAt = (at: string, signedBody = body) => headers({ signature: zendeskSignature(zendeskSecret, at, signedBody), timestamp: at })
  const verify = (h: Headers, raw = body, secrets: string | string[] = zendeskSecret) =>
    verifyWebhook('zendesk', secrets, h, encode(raw), now)

  it('accepts a valid delivery and returns the invocation id', async () => {
    expect(await verify(signedAt(timestamp))).toEqual({ ok: true, deliveryId: '8350205582' })
  })

  it('refuses an invalid or missing signature and a missing or malformed timestamp', async () => {
    const good = zendeskSignature(zendeskSecret, timestamp, body)
    expect(await verify(headers({ signature: flipFirst(good), timestamp }))).toEqual({ ok: false, reason: 'bad_signature' })
    expect(await verify(headers({ timestamp }))).toEqual({ ok: false, reason: 'missing_signature' })
    expect(await verify(headers({ signature: good }))).toEqual({ ok: false, reason: 'missing_timestamp' })
    expect(await verify(headers({ signature: good, timestamp: 'May 14 2024 09:30' }))).toEqual({ ok: false, reason: 'bad_timestamp' })
  })

  it('refuses timestamps more than five minutes off, either way', async () => {
    expect(await verify(signedAt('2024-05-14T09:25:12Z'))).toMatchObject({ ok: true })
    expect(await verify(signedAt('2024-05-14T09:35:12.000+00:00'))).toMatchObject({ ok: true })
    expect(await verify(signedAt('2024-05-14T09:25:11Z'))).toEqual({ ok: false, reason: 'expired' })
    expect(await verify(signedAt('2024-05-14T11:35:13+02:00'))).toEqual({ ok: false, reason: 'expired' })
  })

  it('refuses a replay with another body, or the same body under a fresh timestamp', async () => {
    expect(await verify(signedAt(timestamp), otherBody)).toEqual({ ok: false, reason: 'bad_signature' })
    const stale = zendeskSignature(zendeskSecret, '2024-05-14T08:00:00Z', body)
    expect(await verify(headers({ signature: stale, timestamp }))).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('refuses another secret, and accepts the old one while rotating', async () => {
    expect(await verify(signedAt(timestamp), body, 'a-different-zendesk-secret')).toEqual({ ok: false, reason: 'bad_signature' })
    expect(await verify(signedAt(timestamp), body, ['a-different-zendesk-secret', zendeskSecret])).toMatchObject({ ok: true })
  })
})

describe('Freshdesk (static token header)', () => {
  const token = 'fd-token-6b1d0c8e4a2f9735'
  const verify = (h: Record<string, string>, raw = body, secrets: string | string[] = token, at = now) =>
    verifyWebhook('freshdesk', secrets, new Headers(h), encode(raw), at)

  it('accepts the token in X-Triage-Token or as a bearer token, without a delivery id', async () => {
    expect(await verify({ 'x-triage-token': token })).toEqual({ ok: true, deliveryId: undefined })
    expect(await verify({ authorization: `Bearer ${token}` })).toEqual({ ok: true, deliveryId: undefined })
  })

  it('accepts Freshdesk\'s own "Requires authentication" (HTTP Basic): the secret as password, or as API key', async () => {
    const basic = (username: string, password: string) => ({
      authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
    })
    expect(await verify(basic('freshdesk', token))).toEqual({ ok: true, deliveryId: undefined })
    expect(await verify(basic('jemand@nordwerk.example', token))).toEqual({ ok: true, deliveryId: undefined })
    expect(await verify(basic(token, 'X'))).toEqual({ ok: true, deliveryId: undefined }) // the API-key form
    expect(await verify(basic('triage', 'pass:word-with-colon'), body, 'triage:pass:word-with-colon')).toEqual({
      ok: true,
      deliveryId: undefined,
    })
  })

  it('refuses a wrong, missing or differently-schemed token', async () => {
    expect(await verify({ 'x-triage-token': `${token}x` })).toEqual({ ok: false, reason: 'bad_signature' })
    expect(await verify({ authorization: `Bearer ${token.slice(0, -1)}` })).toEqual({ ok: false, reason: 'bad_signature' })
    expect(await verify({})).toEqual({ ok: false, reason: 'missing_signature' })
    expect(await verify({ authorization: `Basic ${btoa(`admin:${token}x`)}` })).toEqual({ ok: false, reason: 'bad_signature' })
    expect(await verify({ authorization: `Basic ${btoa(`${token}:not-x`)}` })).toEqual({ ok: false, reason: 'bad_signature' })
    expect(await verify({ authorization: 'Basic not base64!' })).toEqual({ ok: false, reason: 'missing_signature' })
    expect(await verify({ 'x-triage-token': token }, body, 'an-entirely-other-token')).toEqual({ ok: false, reason: 'bad_signature' })
    expect(await verify({ 'x-triage-token': 'short' }, body, 'short')).toEqual({ ok: false, reason: 'bad_secret_format' })
  })

  it('cannot detect a replay or an altered body: the token does not sign the request (documented limit)', async () => {
    const muchLater = new Date(now.getTime() + minutes(60 * 24))
    expect(await verify({ 'x-triage-token': token }, otherBody, token, muchLater)).toMatchObject({ ok: true })
  })
})

describe('signature comparison', () => {
  it('compares every pair with the injected constant-time function, even after a match', () => {
    const calls: Array<[string, string]> = []
    const recording = (a: string, b: string) => (calls.push([a, b]), constantTimeEqual(a, b))
    expect(anySignatureMatches(['aaa', 'bbb'], ['bbb', 'ccc'], recording)).toBe(true)
    expect(calls).toEqual([
      ['aaa', 'bbb'],
      ['aaa', 'ccc'],
      ['bbb', 'bbb'],
      ['bbb', 'ccc'],
    ])
    expect(anySignatureMatches(['aaa'], ['aab', 'baa'], recording)).toBe(false)
    expect(anySignatureMatches([], ['aaa'])).toBe(false)
  })

  it('uses constantTimeEqual by default: equal only for identical strings, whatever the length or position', () => {
    expect(anySignatureMatches(['abcdef'], ['abcdef'])).toBe(true)
    expect(anySignatureMatches(['abcdef'], ['xbcdef'])).toBe(false)
    expect(anySignatureMatches(['abcdef'], ['abcdex'])).toBe(false)
    expect(anySignatureMatches(['abcdef'], ['abcde'])).toBe(false)
    expect(anySignatureMatches(['abc'], ['abc\u0000'])).toBe(false)
    expect(anySignatureMatches([''], [''])).toBe(true)
  })
})
