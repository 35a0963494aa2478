import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import type { Department } from '../src/triage/classifier/types.js'
import { parseJsonLine } from './json-lines.js'

/**
 * Labelled external files (../shared/data/README.md): tickets with subject and body, or with one
 * `text` field; `answer`, `priority` and `language` optional. Other fields are ignored.
 */
const RowSchema = z
  .looseObject({
    id: z.string().optional(),
    subject: z.string().nullish(),
    body: z.string().nullish(),
    text: z.string().nullish(),
    answer: z.string().nullish(),
    department: z.string().nullish(),
    priority: z.string().nullish(),
    language: z
      .string()
      .regex(/^[a-z]{2}$/, 'must be a two-letter code')
      .nullish(),
  })
  .refine((row) => Boolean(row.body?.trim() || row.text?.trim()), { message: 'needs a non-empty body or text', path: ['body'] })

/** One usable row: what triage receives, and the labels the eval scores against. */
export interface LabelledRow {
  line: number
  id: string
  subject: string | undefined
  body: string
  language: string | undefined
  /** null for rows outside technical/commercial (`other`, …): not trained on, not scored for department. */
  department: Department | null
  priority: string | null
  answer: string | null
}

/** An input file that cannot be used; the runner exits 2 with this message. */
export class FileInvalidError extends Error {}

const maxProblems = 20

/** Reads a JSONL file, validating every line; `limit` keeps the first rows only. */
export async function readLabelledFile(file: string, limit: number | null = null): Promise<LabelledRow[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new FileInvalidError(`cannot read ${file}: ${(error as Error).message}`)
  }
  const rows: LabelledRow[] = []
  const problems: string[] = []
  for (const [index, line] of text.split('\n').entries()) {
    if (!line.trim()) continue
    if (limit !== null && rows.length >= limit) break
    const where = `${file} line ${index + 1}`
    const parsed = parseJsonLine(line, RowSchema, where)
    if (parsed.ok) rows.push(toRow(parsed.value, index + 1))
    else problems.push(...parsed.problems)
  }
  if (problems.length) {
    const shown = problems.slice(0, maxProblems)
    if (problems.length > maxProblems) shown.push(`… and ${problems.length - maxProblems} more`)
    throw new FileInvalidError(`${file} is invalid:\n${shown.map((problem) => `  ${problem}`).join('\n')}`)
  }
  if (rows.length === 0) throw new FileInvalidError(`${file} holds no rows`)
  return rows
}

function toRow(row: z.output<typeof RowSchema>, line: number): LabelledRow {
  const body = (row.body?.trim() ? row.body : row.text)!.trim()
  const department = row.department === 'technical' || row.department === 'commercial' ? row.department : null
  return {
    line,
    id: row.id ?? `line-${line}`,
    subject: row.body?.trim() && row.subject?.trim() ? row.subject.trim() : undefined,
    body,
    language: row.language ?? undefined,
    department,
    priority: row.priority?.trim().toLowerCase() || null,
    answer: row.answer?.trim() || null,
  }
}

/** Escalation proxy of the ticket files: high or critical priority should reach a lead. */
export function expectsEscalation(row: LabelledRow): boolean | null {
  if (!row.priority) return null
  return row.priority === 'high' || row.priority === 'critical'
}
