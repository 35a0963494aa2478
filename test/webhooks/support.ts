// Reference signers built on node:crypto, exactly as the helpdesks' own documentation computes them, so
// the Web Crypto implementation under test is checked against an independent one rather than itself.
import { createHmac } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { expect } from 'vitest'
import { TriageInputSchema } from '../../src/triage/triage-input.js'
import type { MappedPayload } from '../../src/webhooks/payload-draft.js'

export const encode = (text: string) => new TextEncoder().encode(text)

/** The clock every test verifies against: 2024-05-14T09:30:12Z. */
export const now = new Date('2024-05-14T09:30:12Z')
export const nowSeconds = Math.floor(now.getTime() / 1000)
export const minutes = (count: number) => count * 60_000

export function zammadSignature(token: string, body: string | Uint8Array): string {
  return `sha1=${createHmac('sha1', token).update(body).digest('hex')}`
}

export function zendeskSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret)
    .update(timestamp + body)
    .digest('base64')
}

export function standardSignature(base64Key: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', Buffer.from(base64Key, 'base64')).update(`${id}.${timestamp}.${body}`).digest('base64')}`
}

export async function readFixture(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(new URL(`../fixtures/webhooks/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>
}

/** The same signature with its first character changed: same length, so only the comparison can tell. */
export function flipFirst(signature: string): string {
  return (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1)
}

/** The successful mapping, checked to be a triage request the API itself would accept. */
export function mapped(result: MappedPayload) {
  if (!result.ok) throw new Error(`expected a mapping, got ${JSON.stringify(result.errors)}`)
  expect(TriageInputSchema.parse(result.input)).toEqual(result.input)
  return result
}

/** A deep, freely editable copy of a fixture. */
export const clone = <T>(value: T): any => structuredClone(value)
