// Audit entries stay (who did what, when) but lose the erased person's words: every free-text value in
// their before/after images is replaced. An allowlist, not a list of personal fields, so a field added
// to an audit image later is pseudonymised without anyone remembering to list it.

export const erasedText = '[erased]'

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const timestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/
/** Fields whose values are codes from a closed list (a status, a department, a reason code). */
const codeFields = new Set(['status', 'department', 'finalDepartment', 'correctDepartment', 'code', 'reasons', 'role', 'action'])
const codeValue = /^[a-z][a-z0-9_]{0,39}$/

function keepsString(value: string, field: string | undefined): boolean {
  return uuid.test(value) || timestamp.test(value) || (field !== undefined && codeFields.has(field) && codeValue.test(value))
}

/** The same structure with every string replaced by "[erased]" unless it is an id, a time or a code. */
export function pseudonymise(value: unknown, field?: string): unknown {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return value
  if (typeof value === 'string') return keepsString(value, field) ? value : erasedText
  if (Array.isArray(value)) return value.map((item) => pseudonymise(item, field))
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, pseudonymise(item, key)]))
  return erasedText
}
