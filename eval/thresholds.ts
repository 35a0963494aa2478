import { readFile } from 'node:fs/promises'
import { z } from 'zod'

const CheckSchema = z
  .object({
    /** Dotted path into report.json, e.g. "department.macroF1". */
    metric: z.string().min(1),
    min: z.number().optional(),
    max: z.number().optional(),
    /** The goal (issue 7) when the gate is set below it to catch regressions until the goal is reached. */
    target: z.number().optional(),
    note: z.string().optional(),
    /** Passes, as not measured, when the metric is absent: it needs data outside the project (../shared/data). */
    optional: z.boolean().optional(),
  })
  .strict()
  .refine((check) => (check.min === undefined) !== (check.max === undefined), { message: 'needs exactly one of min and max' })

export const ThresholdsSchema = z.object({ $comment: z.string().optional(), checks: z.array(CheckSchema).min(1) }).strict()

export type ThresholdCheck = z.output<typeof CheckSchema>

export interface CheckResult extends ThresholdCheck {
  measured: number | null
  passed: boolean
  /** Whether the goal is reached; null when the check names none. */
  targetMet: boolean | null
}

export async function readThresholds(file: string): Promise<ThresholdCheck[]> {
  let value: unknown
  try {
    value = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`)
  }
  const parsed = ThresholdsSchema.safeParse(value)
  if (!parsed.success)
    throw new Error(`${file}: ${parsed.error.issues.map((issue) => `field "${issue.path.join('.')}": ${issue.message}`).join('; ')}`)
  return parsed.data.checks
}

/** Compares each gate with the report; a metric that is missing or null fails its gate. */
export function checkThresholds(report: unknown, checks: readonly ThresholdCheck[]): CheckResult[] {
  return checks.map((check) => {
    const value = check.metric
      .split('.')
      .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), report)
    const measured = typeof value === 'number' ? value : null
    const meets = (bound: number | undefined) => measured !== null && (check.min !== undefined ? measured >= bound! : measured <= bound!)
    return {
      ...check,
      measured,
      passed: meets(check.min ?? check.max) || (check.optional === true && measured === null),
      targetMet: check.target === undefined ? null : meets(check.target),
    }
  })
}

export function describeCheck(result: CheckResult): string {
  const bound = result.min !== undefined ? `>= ${result.min}` : `<= ${result.max}`
  const measured =
    result.measured === null ? (result.optional ? 'not measured (its data is absent)' : 'not measured') : result.measured.toFixed(4)
  const target =
    result.target === undefined
      ? ''
      : `; target ${result.min !== undefined ? '>=' : '<='} ${result.target} ${result.targetMet ? 'met' : 'NOT met'}`
  return `${result.passed ? 'ok    ' : 'FAILED'} ${result.metric} = ${measured} (gate ${bound}${target})`
}
