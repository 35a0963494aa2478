import { z } from 'zod'
import { escalationReasons } from '../src/config.js'
import { inLineOrder, readCheckedLines } from './json-lines.js'

/** One written eval case: an inquiry and what the service should make of it. */
export const EvalCaseSchema = z
  .object({
    id: z.string().trim().min(1),
    subject: z.string().min(1).optional(),
    body: z.string().trim().min(1, 'must not be empty'),
    language: z.enum(['de', 'en']),
    department: z.enum(['technical', 'commercial']),
    escalate: z.boolean(),
    /** The escalation reasons a lead would name; codes as the service reports them. */
    reasons: z.array(z.enum(escalationReasons)),
    /** externalId of the demo article that answers it, or null when the demo KB has none. */
    targetArticle: z.string().min(1).nullable(),
  })
  .strict()
  .refine((value) => value.escalate || value.reasons.length === 0, { message: 'reasons given but escalate is false', path: ['reasons'] })

export type EvalCase = z.output<typeof EvalCaseSchema>

/** A file that failed validation: every problem, each naming its line and field. */
export class CasesInvalidError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is invalid:\n${problems.map((problem) => `  ${problem}`).join('\n')}`)
  }
}

/**
 * Reads and validates the cases: JSON per line, the schema, unique ids, and targets that exist among
 * `articleIds` (the demo KB). Collects every problem before failing, so one run shows them all.
 */
export async function readEvalCases(file: string, articleIds: ReadonlySet<string>): Promise<EvalCase[]> {
  const { rows, problems } = await readCheckedLines(file, EvalCaseSchema)
  const cases: EvalCase[] = []
  const seen = new Map<string, number>()
  for (const { line, value: entry } of rows) {
    const where = `line ${line}`
    if (seen.has(entry.id)) problems.push(`${where}: field "id": "${entry.id}" repeats line ${seen.get(entry.id)}`)
    seen.set(entry.id, line)
    if (entry.targetArticle && !articleIds.has(entry.targetArticle)) {
      problems.push(`${where}: field "targetArticle": "${entry.targetArticle}" is not an article of the demo knowledge base`)
    }
    cases.push(entry)
  }
  if (cases.length === 0 && problems.length === 0) problems.push('holds no cases')
  if (problems.length) throw new CasesInvalidError(file, inLineOrder(problems))
  return cases
}
