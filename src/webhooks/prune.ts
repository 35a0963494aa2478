// Unknown helpdesk fields are kept in the inquiry's metadata, so nothing the helpdesk sent is lost to
// triage or to the people reviewing it; these limits keep that from turning into a copy of the payload.
const maxDepth = 2
const maxString = 2000
const maxArray = 50
const maxBytes = 16_000
// Attachment contents and other encoded blobs: never useful as metadata, often megabytes.
const binaryKey = /^(data|base64|blob|raw|.*_base64|content_base64)$/i
const base64Blob = /^[A-Za-z0-9+/=\r\n]{256,}$/

function pruneValue(value: unknown, depth: number): unknown {
  if (value === null || value === undefined || value === '') return undefined
  if (typeof value === 'string') {
    if (base64Blob.test(value)) return undefined
    return value.length > maxString ? `[omitted: ${value.length} characters]` : value
  }
  if (typeof value !== 'object') return value
  if (depth >= maxDepth) return undefined
  if (Array.isArray(value)) {
    const items = value
      .slice(0, maxArray)
      .map((item) => pruneValue(item, depth + 1))
      .filter((item) => item !== undefined)
    return items.length > 0 ? items : undefined
  }
  return pruneRecord(value as Record<string, unknown>, depth + 1)
}

function pruneRecord(record: Record<string, unknown>, depth: number): Record<string, unknown> | undefined {
  const kept: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record)) {
    if (binaryKey.test(key)) continue
    const pruned = pruneValue(value, depth)
    if (pruned !== undefined) kept[key] = pruned
  }
  return Object.keys(kept).length > 0 ? kept : undefined
}

/**
 * The fields of `record` we did not map (`mapped` names those we did), without nulls, blobs, deep nesting
 * (user records with their preferences) or very long strings. Over the size budget, only a note remains.
 */
export function unmappedFields(record: Record<string, unknown>, mapped: readonly string[]): Record<string, unknown> | undefined {
  const rest = Object.fromEntries(Object.entries(record).filter(([key]) => !mapped.includes(key)))
  const kept = pruneRecord(rest, 0)
  if (!kept) return undefined
  const size = JSON.stringify(kept).length
  return size > maxBytes ? { omitted: `${size} characters of unmapped fields` } : kept
}
