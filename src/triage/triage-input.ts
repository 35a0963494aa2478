import { z } from 'zod'

export const customerTiers = ['standard', 'premium', 'key_account'] as const

// Helpdesk fields kept as metadata nest 4 levels at most (webhooks/prune.ts). Thousands of levels would
// overflow the stack when the inquiry is serialised for storage.
const maxMetadataDepth = 16

/** True when `value` nests objects and arrays at most `levels` deep; stops at the first level too many. */
function nestsWithin(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return true
  if (levels === 0) return false
  return Object.values(value).every((item) => nestsWithin(item, levels - 1))
}

/** One inquiry as a helpdesk or an agent sends it. Unknown fields are refused, so typos surface. */
export const TriageInputSchema = z
  .object({
    subject: z.string().max(1000).optional(),
    body: z.string().trim().min(1, 'must not be empty').max(50_000, 'must be at most 50 000 characters'),
    language: z
      .string()
      .toLowerCase()
      .regex(/^[a-z]{2}$/, 'must be a two-letter ISO 639-1 code')
      .optional(),
    channel: z.string().trim().min(1).max(50).optional(),
    customer: z
      .object({
        id: z.string().trim().min(1).max(200).optional(),
        name: z.string().trim().min(1).max(200).optional(),
        email: z.string().trim().email().max(320).optional(),
        tier: z.enum(customerTiers).optional(),
      })
      .strict()
      .optional(),
    externalId: z.string().trim().min(1).max(200).optional(),
    metadata: z
      .record(z.string(), z.unknown())
      .refine((value) => nestsWithin(value, maxMetadataDepth), `must not nest objects or arrays more than ${maxMetadataDepth} levels deep`)
      .optional(),
  })
  .strict()

export type TriageInput = z.output<typeof TriageInputSchema>
