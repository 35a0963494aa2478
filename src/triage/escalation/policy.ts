import { z } from 'zod'
import defaultPolicyJson from './default-policy.json' with { type: 'json' }

/**
 * The escalation policy as data: every reason a case goes to a lead, with its names and description
 * in German and English, its weight, whether it escalates on its own, and how soon a lead must act.
 * Stored versioned in the database (storage/queries/escalation-policies.ts); every escalation records
 * the version it was decided under. This schema is the single source of the policy's shape.
 */

/** The reasons the service knows how to find; a company may add its own text reasons beside them. */
export const builtInReasons = {
  safety: 'text',
  legal_threat: 'text',
  data_protection_request: 'text',
  fraud: 'text',
  business_critical: 'text',
  data_loss: 'text',
  vulnerable_customer: 'text',
  repeated_failure: 'text',
  compensation_claim: 'text',
  churn_risk: 'text',
  public_exposure: 'text',
  anger: 'text',
  complaint: 'text',
  key_account: 'account',
  repeat_contact: 'history',
  sla_risk: 'history',
  low_confidence: 'model',
  no_knowledge: 'model',
} as const

export type BuiltInReason = keyof typeof builtInReasons
export const textReasons = Object.entries(builtInReasons).flatMap(([code, source]) => (source === 'text' ? [code] : [])) as BuiltInReason[]

/** A company's own text reason (a product recall, say) needs this many example phrases to be learned. */
export const minCustomExamples = 5

const hours = z
  .number()
  .positive('must be more than 0')
  .max(24 * 90, 'must be at most 2160 (90 days)')
const localized = (max: number) => z.object({ de: z.string().trim().min(1).max(max), en: z.string().trim().min(1).max(max) }).strict()

export const PolicyReasonSchema = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'must be 2–40 lower-case letters, digits or _'),
    source: z.enum(['text', 'account', 'history', 'model']).meta({
      description: "Where the reason is found: the text (learned), the account directory, the inquiry history, or the models' own doubt",
    }),
    names: localized(120),
    descriptions: localized(2000),
    weight: z
      .number()
      .min(0, 'must be between 0 and 1')
      .max(1, 'must be between 0 and 1')
      .meta({ description: 'Share in the combined score 1 − Π(1 − weight)' }),
    alone: z.boolean().meta({ description: 'Escalates on its own; otherwise only when the combined score reaches the threshold' }),
    dueHours: z
      .object({ default: hours, technical: hours.optional(), commercial: hours.optional() })
      .strict()
      .meta({ description: 'Hours until a lead must have acted, optionally per department' }),
    minProbability: z
      .number()
      .min(0.05)
      .max(0.95)
      .optional()
      .meta({ description: 'Text reasons: fire from this calibrated probability instead of the threshold the model chose' }),
    examples: z
      .array(z.string().trim().min(3).max(2000))
      .max(500)
      .optional()
      .meta({
        description: `A company's own text reason: at least ${minCustomExamples} example inquiries or phrases it is learned from`,
      }),
  })
  .strict()
  .meta({ id: 'EscalationPolicyReason' })

export const EscalationPolicySchema = z
  .object({
    threshold: z
      .number()
      .min(0, 'must be between 0 and 1')
      .max(1, 'must be between 0 and 1')
      .meta({ description: 'Combined score from which reasons that do not escalate alone escalate together' }),
    reasons: z.array(PolicyReasonSchema).min(1).max(100),
  })
  .strict()
  .superRefine(checkReasons)
  .meta({ id: 'EscalationPolicy' })

export type EscalationPolicy = z.infer<typeof EscalationPolicySchema>
export type PolicyReason = z.infer<typeof PolicyReasonSchema>

/** Codes unique; every built-in reason present with its own source; a company's own reason is a text reason with examples. */
function checkReasons(policy: { reasons: Array<z.infer<typeof PolicyReasonSchema>> }, context: z.RefinementCtx): void {
  const seen = new Set<string>()
  policy.reasons.forEach((reason, index) => {
    const path = ['reasons', index]
    if (seen.has(reason.code)) context.addIssue({ code: 'custom', path: [...path, 'code'], message: `"${reason.code}" is listed twice` })
    seen.add(reason.code)
    const builtIn = builtInReasons[reason.code as BuiltInReason]
    if (builtIn && reason.source !== builtIn)
      context.addIssue({
        code: 'custom',
        path: [...path, 'source'],
        message: `must be "${builtIn}" for the built-in reason ${reason.code}`,
      })
    if (!builtIn && reason.source !== 'text') {
      context.addIssue({
        code: 'custom',
        path: [...path, 'code'],
        message: `unknown reason code "${reason.code}": a company's own reason must have source "text" and examples`,
      })
    }
    if (!builtIn && (reason.examples?.length ?? 0) < minCustomExamples) {
      context.addIssue({
        code: 'custom',
        path: [...path, 'examples'],
        message: `unknown reason code "${reason.code}": a company's own reason needs at least ${minCustomExamples} examples to be learned from`,
      })
    }
    if (builtIn && reason.examples)
      context.addIssue({
        code: 'custom',
        path: [...path, 'examples'],
        message: "built-in reasons learn from the training corpus; examples are for a company's own reasons",
      })
    if (reason.source !== 'text' && reason.minProbability !== undefined)
      context.addIssue({ code: 'custom', path: [...path, 'minProbability'], message: 'applies to text reasons only' })
  })
  for (const code of Object.keys(builtInReasons)) {
    if (!seen.has(code))
      context.addIssue({
        code: 'custom',
        path: ['reasons'],
        message: `the built-in reason ${code} is missing (set its weight to 0 and alone to false to switch it off)`,
      })
  }
}

/** The policy shipped with the service, the first stored version of every installation. */
export const defaultPolicy: EscalationPolicy = EscalationPolicySchema.parse(defaultPolicyJson)

/** A stored policy: its version is recorded with every escalation decided under it. */
export interface StoredPolicy {
  version: number
  policy: EscalationPolicy
  createdAt: string
}

/** The text reasons of a policy: built-in ones and a company's own. */
export function textReasonsOf(policy: EscalationPolicy): PolicyReason[] {
  return policy.reasons.filter((reason) => reason.source === 'text')
}

export function reasonOf(policy: EscalationPolicy, code: string): PolicyReason | undefined {
  return policy.reasons.find((reason) => reason.code === code)
}
