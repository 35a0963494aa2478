import type { z } from 'zod'

/** One line of a JSONL input checked against its schema: the value, or every problem, each naming the line and field. */
export function parseJsonLine<Schema extends z.ZodType>(line: string, schema: Schema, where: string): { ok: true; value: z.output<Schema> } | { ok: false; problems: string[] } {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return { ok: false, problems: [`${where}: not valid JSON`] }
  }
  const parsed = schema.safeParse(value)
  if (parsed.success) return { ok: true, value: parsed.data }
  return { ok: false, problems: parsed.error.issues.map((issue) => `${where}: field "${issue.path.join('.') || '(line)'}": ${issue.message}`) }
}
