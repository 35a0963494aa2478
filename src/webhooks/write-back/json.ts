// Reading helpdesk responses without trusting their shape: a missing field is undefined, never a throw.

export function recordOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

export function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

/** The named string fields of every record in the list (note bodies in each form a helpdesk returns them). */
export function fieldTexts(items: unknown, fields: readonly string[]): string[] {
  return listOf(items).flatMap((item) => {
    const record = recordOf(item)
    return fields.map((field) => record[field]).filter((value): value is string => typeof value === 'string')
  })
}

/** Tags as strings, from an array or a helpdesk's separated string. */
export function tagList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((tag): tag is string => typeof tag === 'string')
  return typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : []
}

/** Existing tags first, then ours that are missing (compared case-insensitively, as helpdesks do). */
export function unionTags(existing: string[], ours: string[]): string[] {
  const seen = new Set(existing.map((tag) => tag.toLowerCase()))
  return [...existing, ...ours.filter((tag) => !seen.has(tag.toLowerCase()))]
}

/** A numeric id as a number (the helpdesks' APIs type ids as integers); any other text unchanged. */
export function idValue(id: string): number | string {
  return /^\d{1,15}$/.test(id) ? Number(id) : id
}

/** The `rel="next"` URL of an RFC 8288 Link header (Freshdesk's pagination). */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part)
    if (match) return match[1]
  }
  return undefined
}
