/**
 * PostgreSQL (and PGlite) cannot store U+0000: a NUL anywhere in a text or jsonb value fails the whole
 * statement. In customer text a NUL carries no meaning (it comes from broken encodings and conversions
 * in the sending system), so the service drops it where text enters, instead of losing the inquiry.
 */
const nul = /\u0000/g

export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replace(nul, '') : text
}

/** The same value with NULs dropped from every string in it, object keys included; other values unchanged. */
export function withoutNulDeep<T>(value: T): T {
  if (typeof value === 'string') return withoutNul(value) as T
  if (Array.isArray(value)) return value.map((item: unknown) => withoutNulDeep(item)) as T
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [withoutNul(key), withoutNulDeep(item)])) as T
  }
  return value
}
