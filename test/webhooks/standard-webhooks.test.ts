import { describe, expect, it } from 'vitest'
import { fromBase64 } from '../../src/webhooks/bytes.js'
import { verifyWebhook } from '../../src/helpdesks/index.js'
import { generateStandardWebhookSecret, parseStandardWebhookSecret, signStandardWebhook } from '../../src/webhooks/standard-webhooks.js'
import { encode, flipFirst, minutes, now, nowSeconds, standardSignature } from './support.js'

const key = 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const secret = `whsec_${key}`
const otherSecret = 'whsec_' + Buffer.from('another key of at least 24 bytes').toString('base64')
const id = 'msg_2gJ5mQ1p0a8xk3Vt'
const body = '{"externalId":"SHOP-1","body":"Netzteil fehlt"}'

function headers(fields: { id?: string; timestamp?: number | string; signature?: string }) {
  const result = new Headers()
  if (fields.id !== undefined) result.set('webhook-id', fields.id)
  if (fields.timestamp !== undefined) result.set('webhook-timestamp', String(fields.timestamp))
  if (fields.signature !== undefined) result.set('webhook-signature', fields.signature)
  return result
}

async function signed(timestamp = nowSeconds, signWith = secret) {
  return headers({ id, timestamp, signature: await signStandardWebhook(signWith, id, timestamp, body) })
}

describe('Standard Webhooks (generic)', () => {
  it('matches the published example signature', async () => {
    // The worked example from the Svix/Standard Webhooks documentation.
    const example = { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1614265330, body: '{"test": 2432232314}' }
    const expected = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
    expect(await signStandardWebhook(secret, example.id, example.timestamp, example.body)).toBe(expected)
    const result = await verifyWebhook(
      'generic',
      secret,
      headers({ ...example, signature: expected }),
      encode(example.body),
      new Date(example.timestamp * 1000),
    )
    expect(result).toEqual({ ok: true, deliveryId: example.id })
  })

  it('accepts a valid delivery and returns webhook-id as the delivery id', async () => {
    expect(standardSignature(key, id, nowSeconds, body)).toBe(await signStandardWebhook(secret, id, nowSeconds, body))
    expect(await verifyWebhook('generic', secret, await signed(), encode(body), now)).toEqual({ ok: true, deliveryId: id })
  })

  it('refuses a tampered signature', async () => {
    const good = await signStandardWebhook(secret, id, nowSeconds, body)
    const bad = `v1,${flipFirst(good.slice(3))}`
    const result = await verifyWebhook('generic', secret, headers({ id, timestamp: nowSeconds, signature: bad }), encode(body), now)
    expect(result).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('names each missing header', async () => {
    const signature = await signStandardWebhook(secret, id, nowSeconds, body)
    const verify = (fields: Parameters<typeof headers>[0]) => verifyWebhook('generic', secret, headers(fields), encode(body), now)
    expect(await verify({ id, timestamp: nowSeconds })).toEqual({ ok: false, reason: 'missing_signature' })
    expect(await verify({ timestamp: nowSeconds, signature })).toEqual({ ok: false, reason: 'missing_id' })
    expect(await verify({ id, signature })).toEqual({ ok: false, reason: 'missing_timestamp' })
    expect(await verify({ id, timestamp: '2024-05-14T09:30:12Z', signature })).toEqual({ ok: false, reason: 'bad_timestamp' })
  })

  it('refuses timestamps more than five minutes off, either way', async () => {
    const at = async (offsetSeconds: number) =>
      verifyWebhook('generic', secret, await signed(nowSeconds + offsetSeconds), encode(body), now)
    expect(await at(-minutes(5) / 1000)).toMatchObject({ ok: true })
    expect(await at(minutes(5) / 1000)).toMatchObject({ ok: true })
    expect(await at(-minutes(5) / 1000 - 1)).toEqual({ ok: false, reason: 'expired' })
    expect(await at(minutes(5) / 1000 + 1)).toEqual({ ok: false, reason: 'expired' })
  })

  it('refuses a replay with another body, id or timestamp under the same signature', async () => {
    const original = await signed()
    expect(await verifyWebhook('generic', secret, original, encode(body.replace('Netzteil', 'Akku')), now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    })
    original.set('webhook-id', 'msg_other')
    expect(await verifyWebhook('generic', secret, original, encode(body), now)).toEqual({ ok: false, reason: 'bad_signature' })
    const moved = await signed()
    moved.set('webhook-timestamp', String(nowSeconds + 1))
    expect(await verifyWebhook('generic', secret, moved, encode(body), now)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('refuses a delivery signed with another secret', async () => {
    expect(await verifyWebhook('generic', otherSecret, await signed(), encode(body), now)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('passes when any one of several signatures matches, skipping other versions', async () => {
    const good = await signStandardWebhook(secret, id, nowSeconds, body)
    const wrong = await signStandardWebhook(otherSecret, id, nowSeconds, body)
    const verify = (signature: string) =>
      verifyWebhook('generic', secret, headers({ id, timestamp: nowSeconds, signature }), encode(body), now)
    expect(await verify(`${wrong} ${good}`)).toMatchObject({ ok: true })
    expect(await verify(`v1a,${good.slice(3)} ${good}`)).toMatchObject({ ok: true })
    expect(await verify(`${wrong}, ${good}`)).toMatchObject({ ok: true }) // a repeated header, joined by Headers
    expect(await verify(`v1a,${good.slice(3)} v2,${good.slice(3)}`)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('survives key rotation on either side', async () => {
    const oldSecret = otherSecret
    const both = `${await signStandardWebhook(oldSecret, id, nowSeconds, body)} ${await signStandardWebhook(secret, id, nowSeconds, body)}`
    const bothHeaders = headers({ id, timestamp: nowSeconds, signature: both })
    // The sender signs with old and new secret during its rotation: a receiver holding either one passes.
    expect(await verifyWebhook('generic', secret, bothHeaders, encode(body), now)).toMatchObject({ ok: true })
    expect(await verifyWebhook('generic', oldSecret, bothHeaders, encode(body), now)).toMatchObject({ ok: true })
    // We rotate first and hold both secrets until the sender has switched.
    const oldOnly = await signed(nowSeconds, oldSecret)
    expect(await verifyWebhook('generic', [secret, oldSecret], oldOnly, encode(body), now)).toMatchObject({ ok: true })
    expect(await verifyWebhook('generic', [secret], oldOnly, encode(body), now)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('verifies the raw bytes, not a re-encoded string', async () => {
    const raw = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) // not valid UTF-8
    const signature = await signStandardWebhook(secret, id, nowSeconds, raw)
    const result = await verifyWebhook('generic', secret, headers({ id, timestamp: nowSeconds, signature }), raw, now)
    expect(result).toMatchObject({ ok: true })
    const reencoded = encode(new TextDecoder().decode(raw))
    expect(await verifyWebhook('generic', secret, headers({ id, timestamp: nowSeconds, signature }), reencoded, now)).toMatchObject({
      ok: false,
    })
  })

  it('refuses secrets that are not whsec_ and at least 24 bytes of base64', async () => {
    const delivery = await signed()
    for (const bad of [key, 'whsec_not base64!', `whsec_${Buffer.from('too short').toString('base64')}`, 'whsec_', '']) {
      expect(await verifyWebhook('generic', bad, delivery, encode(body), now)).toEqual({ ok: false, reason: 'bad_secret_format' })
      await expect(signStandardWebhook(bad, id, nowSeconds, body)).rejects.toThrow(/whsec_/)
    }
    expect(await verifyWebhook('generic', [], delivery, encode(body), now)).toEqual({ ok: false, reason: 'bad_secret_format' })
    expect(await verifyWebhook('generic', [secret, 'nope'], delivery, encode(body), now)).toEqual({
      ok: false,
      reason: 'bad_secret_format',
    })
  })

  it('generates distinct secrets of 32 random bytes that sign and verify', async () => {
    const first = generateStandardWebhookSecret()
    expect(first).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(fromBase64(first.slice(6))).toHaveLength(32)
    expect(parseStandardWebhookSecret(first)).toBeDefined()
    expect(generateStandardWebhookSecret()).not.toBe(first)
    const signature = await signStandardWebhook(first, id, nowSeconds, body)
    expect(await verifyWebhook('generic', first, headers({ id, timestamp: nowSeconds, signature }), encode(body), now)).toMatchObject({
      ok: true,
    })
  })
})
