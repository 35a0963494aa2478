import { z } from 'zod'
import { isUuid } from '../auth/api-keys.js'
import type { Principal } from '../auth/roles.js'
import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { insertAudit } from '../storage/queries/audit.js'
import * as inquiries from '../storage/queries/inquiries.js'
import { learnDepartment } from './learn.js'
import { askForLead, checkLeadReasons } from './needs-lead.js'

export const FeedbackSchema = z
  .object({
    usedArticleId: z.string().uuid().nullable().meta({ description: 'The suggestion the agent used (its articleId), or null for none' }),
    edited: z.boolean().optional().meta({ description: 'Whether the agent changed the suggested reply before sending it' }),
    rating: z.number().int().min(1).max(5).optional(),
    correctDepartment: z
      .enum(['technical', 'commercial'])
      .optional()
      .meta({ description: 'Set when triage chose the wrong department: becomes a training example at once' }),
    comment: z.string().trim().max(2000).optional(),
    needsLead: z
      .object({
        reasons: z
          .array(z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'must be a reason code'))
          .min(1)
          .max(10)
          .meta({ description: 'Text reasons of the escalation policy that apply (GET /v1/escalation-policy)' }),
        note: z.string().trim().max(2000).optional(),
      })
      .strict()
      .optional()
      .meta({
        description:
          'This inquiry needs a lead: it is escalated now if triage did not, and the reasons become a training example for the escalation detector',
      }),
  })
  .strict()
  .meta({ id: 'Feedback' })

export const FeedbackResultSchema = z
  .object({
    id: z.string().uuid(),
    inquiryId: z.string().uuid(),
    exampleAdded: z.boolean().meta({ description: 'The correction was stored as a training example' }),
    escalationId: z
      .string()
      .uuid()
      .nullable()
      .optional()
      .meta({ description: 'With needsLead: the case the lead sees (opened now, or the one triage opened)' }),
    escalationExampleAdded: z
      .boolean()
      .optional()
      .meta({ description: 'With needsLead: the reasons were stored as an escalation example' }),
  })
  .meta({ id: 'FeedbackResult' })

/**
 * An agent's verdict on one triaged inquiry. The used suggestion must be one the inquiry offered; a
 * department correction is learned before the response, so the next similar inquiry is classified right;
 * `needsLead` escalates the inquiry (if triage did not) and teaches the escalation detector.
 */
export async function recordFeedback(
  deps: Pick<Deps, 'sql' | 'clock' | 'embeddings' | 'classifier' | 'escalation' | 'config' | 'logger' | 'jobs'>,
  principal: Principal,
  inquiryId: string,
  input: z.infer<typeof FeedbackSchema>,
): Promise<z.infer<typeof FeedbackResultSchema>> {
  const row = isUuid(inquiryId) ? await inquiries.findStoredInquiry(deps.sql, inquiryId) : undefined
  if (!row) throw new AppError('not_found', `No inquiry with id ${inquiryId}.`)
  if (row.status !== 'triaged' || !row.result)
    throw new AppError('conflict', 'The inquiry is not triaged yet; there is nothing to give feedback on.')
  const offered = ((row.result.suggestions ?? []) as Array<{ articleId: string }>).map((suggestion) => suggestion.articleId)
  if (input.usedArticleId && !offered.includes(input.usedArticleId)) {
    throw new AppError('validation_failed', 'That article was not among the suggestions.', {
      errors: [{ field: 'usedArticleId', message: "must be the articleId of one of the inquiry's suggestions, or null" }],
    })
  }
  const policy = input.needsLead ? await checkLeadReasons(deps, input.needsLead.reasons) : undefined
  const at = deps.clock.now()
  const id = await deps.sql.transaction(async (tx) => {
    const feedbackId = await inquiries.insertFeedback(
      tx,
      {
        inquiryId,
        usedArticleId: input.usedArticleId,
        edited: input.edited,
        rating: input.rating,
        correctDepartment: input.correctDepartment,
        comment: input.comment,
        authorKeyId: principal.keyId,
      },
      at,
    )
    await insertAudit(
      tx,
      { actor: principal, action: 'feedback', entityType: 'inquiry', entityId: inquiryId, before: null, after: { feedbackId, ...input } },
      at,
    )
    return feedbackId
  })
  const correction = input.correctDepartment && input.correctDepartment !== (row.result.department as string | undefined)
  const exampleAdded = correction
    ? await learnDepartment(deps, {
        text: [row.subject, row.body].filter(Boolean).join('\n\n'),
        department: input.correctDepartment!,
        language: row.language,
        inquiryId,
      })
    : false
  if (!input.needsLead || !policy) return { id, inquiryId, exampleAdded }
  const lead = await askForLead(deps, principal, { ...row, result: row.result }, input.needsLead, policy)
  return { id, inquiryId, exampleAdded, escalationId: lead.escalationId, escalationExampleAdded: lead.exampleAdded }
}

/** How many times agents gave feedback on the inquiry (the web UI mentions earlier verdicts). */
export async function countFeedback(deps: Pick<Deps, 'sql'>, inquiryId: string): Promise<number> {
  return (await inquiries.listFeedback(deps.sql, inquiryId)).length
}
