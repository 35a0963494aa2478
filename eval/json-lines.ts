import { readFile } from 'node:fs/promises'
import type { z } from 'zod'

/** One line of a JSONL input checked against its schema: the value, or every problem, each naming the line and field. */
export function parseJsonLine<Schema extends z.ZodType>(
  line: string,
  schema: Schema,
  where: string,
): { ok: true; value: z.output<Schema> } | { ok: false; problems: string[] } {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return { ok: false, problems: [`${where}: not valid JSON`] }
  }
  const parsed = schema.safeParse(value)
  if (parsed.success) return { ok: true, value: parsed.data }
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => `${where}: field "${issue.path.join('.') || '(line)'}": ${issue.message}`),
  }
}

/** Every non-empty line of a JSONL file checked against `schema`: the values with their line numbers, and every problem. */
export async function readCheckedLines<Schema extends z.ZodType>(
  file: string,
  schema: Schema,
): Promise<{ rows: Array<{ line: number; value: z.output<Schema> }>; problems: string[] }> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    return { rows: [], problems: [`cannot be read: ${(error as Error).message}`] }
  }
  const rows: Array<{ line: number; value: z.output<Schema> }> = []
  const problems: string[] = []
  text.split('\n').forEach((content, index) => {
    if (!content.trim()) return
    const parsed = parseJsonLine(content, schema, `line ${index + 1}`)
    if (parsed.ok) rows.push({ line: index + 1, value: parsed.value })
    else problems.push(...parsed.problems)
  })
  return { rows, problems }
}

/** Problems in file order: checks that run after parsing (repeats, references) interleave with the parse errors by line. */
export function inLineOrder(problems: string[]): string[] {
  const lineOf = (problem: string) => Number(/^line (\d+):/.exec(problem)?.[1] ?? 0)
  return [...problems].sort((a, b) => lineOf(a) - lineOf(b))
}
