import { z } from 'zod'

/** A person, by the sender address or the customer id their inquiries were stored with: exactly one. */
export const DataSubjectSchema = z
  .object({
    email: z
      .string()
      .trim()
      .max(320)
      .email('must be an e-mail address')
      .optional()
      .meta({ description: 'The sender address, compared without regard to case' }),
    customerId: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: 'The customer id the helpdesk or the triage request gave' }),
  })
  .strict()
  .superRefine((value, context) => {
    const given = (value.email !== undefined ? 1 : 0) + (value.customerId !== undefined ? 1 : 0)
    if (given === 1) return
    const message = given === 0 ? 'give email or customerId' : 'give either email or customerId, not both'
    for (const field of ['email', 'customerId']) context.addIssue({ code: 'custom', path: [field], message })
  })
  .meta({ id: 'DataSubject' })

export type DataSubject = z.infer<typeof DataSubjectSchema>

/** The checked subject as the storage layer looks it up. */
export const subjectKey = (subject: DataSubject): { email: string } | { customerId: string } =>
  subject.email !== undefined ? { email: subject.email } : { customerId: subject.customerId! }

const count = z.number().int().min(0)

export const ErasureSchema = z
  .object({
    erasureId: z.string().uuid().meta({ description: 'The id of the audit entry that records this erasure (ids and counts only)' }),
    erased: z.object({
      inquiries: count,
      escalations: count,
      feedback: count,
      trainingExamples: count,
      trainingExampleVectors: count,
      escalationExamples: count,
      knowledgeBaseArticles: count.meta({ description: "Drafts (and articles published from them) made from a lead's reply" }),
      suggestionCopies: count.meta({
        description: 'Other inquiries whose stored result suggested one of those articles; the copy is taken out',
      }),
      jobs: count,
      webhookDeliveries: count,
      escalationModels: count.meta({ description: 'Stored escalation models trained on erased verdicts' }),
      departmentModels: count.meta({ description: 'Stored department models trained on erased examples' }),
      accountEmails: count.meta({ description: 'Directory accounts the address was removed from (the accounts stay)' }),
    }),
    pseudonymised: z.object({
      auditEntries: count.meta({ description: 'Kept, with free text in their before/after images replaced by "[erased]"' }),
    }),
    retraining: z.object({
      departmentClassifier: z.boolean().meta({ description: 'Retrained without the erased examples before this answer' }),
      escalationDetector: z.boolean().meta({ description: 'Retraining without the erased verdicts has started' }),
    }),
  })
  .meta({ id: 'Erasure' })

export type Erasure = z.infer<typeof ErasureSchema>

const records = z.array(z.record(z.string(), z.unknown()))

export const DataExportSchema = z
  .object({
    exportedAt: z.string(),
    subject: z.object({ email: z.string().optional(), customerId: z.string().optional() }),
    inquiries: records,
    escalations: records,
    feedback: records,
    trainingExamples: records,
    escalationExamples: records,
    knowledgeBaseArticles: records,
    jobs: records,
    webhookDeliveries: records,
    auditEntries: records,
    accounts: records.meta({ description: 'Directory accounts that list the address as a contact' }),
  })
  .meta({ id: 'DataExport' })
