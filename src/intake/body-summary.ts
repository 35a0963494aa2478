/** What the log may say about a refused delivery: its size, a hash to match it with the sender, and its field names. */
export interface BodySummary {
  bytes: number
  sha256: string
  fields?: string[]
}

const maxFields = 60
const safeKey = /^[\w$@.-]{1,40}$/

/**
 * Never the content: a customer's name, e-mail or IBAN must not reach the log. The field names (three
 * levels deep) tell an admin which payload shape arrived; the hash prefix lets the sender find it.
 */
export async function summariseBody(rawBody: Uint8Array): Promise<BodySummary> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', rawBody as Uint8Array<ArrayBuffer>))
  const sha256 = Array.from(digest.subarray(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join('')
  const fields = fieldPathsOf(rawBody)
  return fields ? { bytes: rawBody.byteLength, sha256, fields } : { bytes: rawBody.byteLength, sha256 }
}

function fieldPathsOf(rawBody: Uint8Array): string[] | undefined {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(rawBody))
  } catch {
    return undefined
  }
  const paths: string[] = []
  const visit = (value: unknown, prefix: string, depth: number) => {
    if (!isObject(value) || depth > 3) return
    for (const [key, inner] of Object.entries(value)) {
      if (paths.length >= maxFields) return
      // A key is data too when the sender builds it from input; odd ones are shown as '?'.
      const path = `${prefix}${safeKey.test(key) ? key : '?'}`
      paths.push(path)
      visit(inner, `${path}.`, depth + 1)
    }
  }
  visit(json, '', 1)
  return paths
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
