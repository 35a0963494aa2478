// Byte helpers on Web APIs only (TextEncoder, atob/btoa, crypto.subtle), so signatures verify on Node and Workers alike.
const encoder = new TextEncoder()

export type HmacHash = 'SHA-1' | 'SHA-256'

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text)
}

/** Joins byte arrays; also copies a body into a fresh ArrayBuffer, which is what crypto.subtle's types want. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(parts.reduce((total, part) => total + part.length, 0))
  let offset = 0
  for (const part of parts) {
    joined.set(part, offset)
    offset += part.length
  }
  return joined
}

export async function hmac(hash: HmacHash, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey('raw', concatBytes(key), { name: 'HMAC', hash }, false, ['sign'])
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, concatBytes(data)))
}

export function toHex(bytes: Uint8Array): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

export function toBase64(bytes: Uint8Array): string {
  // Chunked, because spreading a large array into fromCharCode overflows the argument limit.
  let binary = ''
  for (let index = 0; index < bytes.length; index += 0x8000) binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000))
  return btoa(binary)
}

/** Standard (not URL-safe) base64 to bytes; undefined when the text is not base64, instead of atob's exception. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined
  const binary = atob(text)
  return Uint8Array.from(binary, (char) => char.charCodeAt(0))
}
