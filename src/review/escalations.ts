import { z } from 'zod'
import { isUuid } from '../auth/api-keys.js'
import type { Principal } from '../auth/roles.js'
import { cutAtWord } from '../cut-text.js'
import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { upsertArticles } from '../knowledge/ingest.js'
import { needsReviewTag, neutraliseReply, neutraliseText, type RemovedCounts } from '../knowledge/neutral-draft.js'
import { setArticleReview } from '../storage/queries/article-review.js'
import { findApiKey } from '../storage/queries/api-keys.js'
import { linkArticleToInquiry } from '../storage/queries/data-subjects.js'
import { insertAudit } from '../storage/queries/audit.js'
import * as queries from '../storage/queries/escalations.js'
import type { EscalationChange, EscalationRow } from '../storage/queries/escalations.js'
import { textReasonsOf } from '../triage/escalation/policy.js'
import { learnDepartment, learnEscalation } from './learn.js'

// The lead's queue: escalated inquiries move open → claimed → resolved. Every change is conditional on
// the version the lead's request read, so of two leads acting at once one wins and the other gets 409;
// each change and its audit entry commit together.

const department = z.enum(['technical', 'commercial'])
export const escalationStatuses = ['open', 'claimed', 'resolved'] as const

export const EscalationSchema = z
  .object({
    id: z.string().uuid(),
    inquiryId: z.string().uuid(),
    status: z.enum(escalationStatuses),
    department,
    score: z.number(),
    reasons: z.array(z.object({ code: z.string(), detail: z.string() })),
    dueAt: z.string(),
    overdue: z.boolean().meta({ description: 'Past its due time and not resolved' }),
    createdAt: z.string(),
    claimedBy: z.object({ keyId: z.string(), name: z.string() }).nullable(),
    claimedAt: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    resolution: z.string().nullable(),
    finalDepartment: department.nullable(),
    reply: z.string().nullable(),
    kbArticleId: z.string().nullable().meta({ description: 'The knowledge-base draft made from the reply' }),
    policyVersion: z.number().int().nullable().meta({ description: 'The escalation policy version it was decided under' }),
    warranted: z.boolean().nullable().meta({ description: "The lead's verdict: false when it should not have been escalated" }),
    inquiry: z.object({
      externalId: z.string().nullable(),
      subject: z.string().nullable(),
      body: z.string(),
      language: z.string(),
      customer: z.object({ name: z.string().nullable(), email: z.string().nullable(), tier: z.string().nullable() }),
      confidence: z.number().nullable(),
      createdAt: z.string(),
    }),
    suggestions: z.array(
      z.object({ articleId: z.string(), title: z.string(), score: z.number(), snippet: z.string(), reply: z.string() }).passthrough(),
    ),
  })
  .meta({ id: 'Escalation' })
export type Escalation = z.infer<typeof EscalationSchema>

export const ResolveSchema = z
  .object({
    resolution: z.string().trim().min(1, 'say how the case was resolved').max(5000),
    finalDepartment: department.optional().meta({ description: 'When it differs from the triage, the inquiry becomes a training example' }),
    reply: z.string().trim().min(1).max(50_000).optional().meta({ description: 'The answer the customer got' }),
    addToKnowledgeBase: z.boolean().optional().meta({ description: 'Make the reply a knowledge-base draft for a lead to publish' }),
    articleTitle: z.string().trim().min(3).max(300).optional(),
    escalationWarranted: z.boolean().optional().meta({
      description:
        'false: this should not have been escalated; the text reasons that fired become counter-examples (true confirms them). The detector retrains in the background',
    }),
  })
  .strict()
  .superRefine((value, context) => {
    if (value.addToKnowledgeBase && !value.reply)
      context.addIssue({ code: 'custom', path: ['reply'], message: 'is required when addToKnowledgeBase is true' })
  })
  .meta({ id: 'ResolveEscalation' })

export const ReassignSchema = z
  .object({ toKeyId: z.string().uuid().meta({ description: 'The API key id of the lead who takes the case' }) })
  .strict()
  .meta({ id: 'ReassignEscalation' })

const iso = (date: Date | null) => date?.toISOString() ?? null

export function toEscalation(row: EscalationRow, now: Date): Escalation {
  const suggestions = (row.inquiry_result?.suggestions ?? []) as Escalation['suggestions']
  return {
    id: row.id,
    inquiryId: row.inquiry_id,
    status: row.status,
    department: row.department,
    score: row.score,
    reasons: row.reasons,
    dueAt: row.due_at.toISOString(),
    overdue: row.status !== 'resolved' && row.due_at.getTime() < now.getTime(),
    createdAt: row.created_at.toISOString(),
    claimedBy: row.claimed_by ? { keyId: row.claimed_by, name: row.claimed_by_name ?? '' } : null,
    claimedAt: iso(row.claimed_at),
    resolvedAt: iso(row.resolved_at),
    resolution: row.resolution,
    finalDepartment: row.final_department,
    reply: row.reply,
    kbArticleId: row.kb_article_id,
    policyVersion: row.policy_version,
    warranted: row.warranted,
    inquiry: {
      externalId: row.inquiry_external_id,
      subject: row.inquiry_subject,
      body: row.inquiry_body,
      language: row.inquiry_language,
      customer: { name: row.inquiry_customer_name, email: row.inquiry_customer_email, tier: row.inquiry_customer_tier },
      confidence: row.inquiry_confidence,
      createdAt: row.inquiry_created_at.toISOString(),
    },
    suggestions,
  }
}

type LeadDeps = Pick<Deps, 'sql' | 'clock' | 'logger' | 'embeddings' | 'classifier' | 'escalation' | 'config'>

export async function listEscalationQueue(
  deps: Pick<Deps, 'sql' | 'clock'>,
  filter: Omit<queries.EscalationFilter, 'overdueAt'> & { overdue?: boolean | undefined },
): Promise<{ items: Escalation[]; nextCursor: string | null }> {
  const now = deps.clock.now()
  const { overdue, ...rest } = filter
  const page = await queries.listEscalations(deps.sql, { ...rest, ...(overdue ? { overdueAt: now } : {}) })
  return { items: page.rows.map((row) => toEscalation(row, now)), nextCursor: page.nextCursor }
}

async function findRow(deps: Pick<Deps, 'sql'>, id: string): Promise<EscalationRow> {
  const row = isUuid(id) ? await queries.findEscalation(deps.sql, id) : undefined
  if (!row) throw new AppError('not_found', `No escalation with id ${id}.`)
  return row
}

export async function getEscalation(deps: Pick<Deps, 'sql' | 'clock'>, id: string): Promise<Escalation> {
  return toEscalation(await findRow(deps, id), deps.clock.now())
}

/** The fields of a row that a change keeps unless it says otherwise. */
function unchanged(row: EscalationRow, at: Date): EscalationChange {
  return {
    status: row.status,
    claimedBy: row.claimed_by,
    claimedAt: row.claimed_at,
    resolvedBy: row.resolved_by,
    resolvedAt: row.resolved_at,
    resolution: row.resolution,
    finalDepartment: row.final_department,
    reply: row.reply,
    kbArticleId: row.kb_article_id,
    warranted: row.warranted,
    at,
  }
}

const auditView = (
  state: Pick<EscalationChange, 'status' | 'claimedBy' | 'resolution' | 'finalDepartment' | 'reply' | 'kbArticleId' | 'warranted'>,
) => ({
  status: state.status,
  claimedBy: state.claimedBy,
  resolution: state.resolution ?? null,
  finalDepartment: state.finalDepartment ?? null,
  reply: state.reply ?? null,
  kbArticleId: state.kbArticleId ?? null,
  warranted: state.warranted ?? null,
})

const conflict = (message: string) => new AppError('conflict', message)
const ownsOrAdmin = (row: EscalationRow, principal: Principal) => row.claimed_by === principal.keyId || principal.role === 'admin'

/** Applies one change if nobody changed the case since it was read, with its audit entry. */
async function applyChange(
  deps: LeadDeps,
  principal: Principal,
  row: EscalationRow,
  action: string,
  change: EscalationChange,
): Promise<Escalation> {
  await deps.sql.transaction(async (tx) => {
    if (!(await queries.updateEscalationIf(tx, row.id, { version: row.version }, change))) {
      throw conflict('Another lead changed this case at the same moment; reload it and try again.')
    }
    await insertAudit(
      tx,
      {
        actor: principal,
        action,
        entityType: 'escalation',
        entityId: row.id,
        before: auditView({ ...unchanged(row, change.at) }),
        after: auditView(change),
      },
      change.at,
    )
  })
  return getEscalation(deps, row.id)
}

export async function claimEscalation(deps: LeadDeps, principal: Principal, id: string): Promise<Escalation> {
  const row = await findRow(deps, id)
  if (row.status === 'resolved') throw conflict('The case is resolved already.')
  if (row.status === 'claimed') {
    if (row.claimed_by === principal.keyId) return toEscalation(row, deps.clock.now()) // claiming twice is harmless
    throw conflict(`The case is claimed by ${row.claimed_by_name ?? 'another lead'}.`)
  }
  const at = deps.clock.now()
  return applyChange(deps, principal, row, 'claim', { ...unchanged(row, at), status: 'claimed', claimedBy: principal.keyId, claimedAt: at })
}

/** A case claimed by another lead is theirs (or an admin's) to release, reassign or resolve. */
function refuseOthersClaim(row: Parameters<typeof ownsOrAdmin>[0], principal: Principal, action: 'release' | 'reassign' | 'resolve'): void {
  if (row.status === 'claimed' && !ownsOrAdmin(row, principal)) {
    throw conflict(`The case is claimed by ${row.claimed_by_name ?? 'another lead'}; only they or an admin can ${action} it.`)
  }
}

export async function releaseEscalation(deps: LeadDeps, principal: Principal, id: string): Promise<Escalation> {
  const row = await findRow(deps, id)
  if (row.status !== 'claimed') throw conflict(`Only a claimed case can be released; this one is ${row.status}.`)
  refuseOthersClaim(row, principal, 'release')
  const at = deps.clock.now()
  return applyChange(deps, principal, row, 'release', { ...unchanged(row, at), status: 'open', claimedBy: null, claimedAt: null })
}

export async function reassignEscalation(
  deps: LeadDeps,
  principal: Principal,
  id: string,
  input: z.infer<typeof ReassignSchema>,
): Promise<Escalation> {
  const row = await findRow(deps, id)
  if (row.status === 'resolved') throw conflict('The case is resolved already.')
  refuseOthersClaim(row, principal, 'reassign')
  const target = await findApiKey(deps.sql, input.toKeyId)
  if (!target || target.revoked_at || target.role !== 'lead') {
    throw new AppError('validation_failed', 'The case can only go to an active lead.', {
      errors: [{ field: 'toKeyId', message: 'must be the key id of an active lead' }],
    })
  }
  if (target.id === row.claimed_by) return toEscalation(row, deps.clock.now())
  const at = deps.clock.now()
  return applyChange(deps, principal, row, 'reassign', { ...unchanged(row, at), status: 'claimed', claimedBy: target.id, claimedAt: at })
}

/**
 * Closes the case. A different final department teaches the classifier at once; a reply marked for the
 * knowledge base becomes a draft article, searchable once a lead publishes it.
 */
export async function resolveEscalation(
  deps: LeadDeps,
  principal: Principal,
  id: string,
  input: z.infer<typeof ResolveSchema>,
): Promise<Escalation> {
  const row = await findRow(deps, id)
  if (row.status === 'resolved') throw conflict('The case is resolved already.')
  refuseOthersClaim(row, principal, 'resolve')
  const kbArticleId = input.addToKnowledgeBase && input.reply ? await draftArticle(deps, row, input) : null
  const at = deps.clock.now()
  const resolved = await applyChange(deps, principal, row, 'resolve', {
    ...unchanged(row, at),
    status: 'resolved',
    claimedBy: row.claimed_by ?? principal.keyId,
    claimedAt: row.claimed_at ?? at,
    resolvedBy: principal.keyId,
    resolvedAt: at,
    resolution: input.resolution,
    finalDepartment: input.finalDepartment ?? null,
    reply: input.reply ?? null,
    kbArticleId,
    warranted: input.escalationWarranted ?? null,
  })
  const text = [row.inquiry_subject, row.inquiry_body].filter(Boolean).join('\n\n')
  if (input.finalDepartment && input.finalDepartment !== row.department) {
    await learnDepartment(deps, { text, department: input.finalDepartment, language: row.inquiry_language, inquiryId: row.inquiry_id })
  }
  if (input.escalationWarranted !== undefined) {
    // The text reasons that fired, confirmed or refuted; reasons from the account, history or models' doubt teach the detector nothing.
    const textReasons = textReasonsOf((await deps.escalation.current(deps)).policy.policy).map((reason) => reason.code)
    const labels = Object.fromEntries(
      row.reasons.filter((reason) => textReasons.includes(reason.code)).map((reason) => [reason.code, input.escalationWarranted!]),
    )
    await learnEscalation(deps, { text, language: row.inquiry_language, labels, source: 'lead', inquiryId: row.inquiry_id, principal })
  }
  return resolved
}

// As long as a title a lead may give (articleTitle): an inquiry's subject may run to 1 000 characters.
const maxDerivedTitle = 300

/**
 * The lead's reply as a draft article, invisible to search until published. The reply was written to one
 * customer; the draft is neutralised (no salutation, closing, names, personal data or dates), tagged
 * needs-review, and keeps what was taken out for the lead who publishes it.
 */
async function draftArticle(deps: LeadDeps, row: EscalationRow, input: z.infer<typeof ResolveSchema>): Promise<string> {
  const options = { language: row.inquiry_language, names: [row.inquiry_customer_name] }
  const reply = neutraliseReply(input.reply!, options)
  if (!reply.body)
    throw new AppError(
      'validation_failed',
      'The reply cannot become an article: nothing is left once salutation, closing and personal details are removed.',
      {
        errors: [{ field: 'reply', message: 'holds nothing but salutation, closing and personal details' }],
      },
    )
  // A title the lead gave is theirs; one derived from the inquiry may carry the customer's name or order number.
  const title = input.articleTitle
    ? { body: input.articleTitle, removed: {} }
    : neutraliseText(
        cutAtWord(row.inquiry_subject?.trim() || row.inquiry_body.trim().split(/\s+/).slice(0, 10).join(' '), maxDerivedTitle),
        options,
      )
  const result = await upsertArticles(
    deps,
    [
      {
        externalId: `escalation:${row.id}`,
        title: title.body.length >= 3 ? title.body : `Answer to case ${row.id.slice(0, 8)}`,
        body: reply.body,
        language: row.inquiry_language,
        department: input.finalDepartment ?? row.department,
        tags: ['from-escalation', needsReviewTag],
      },
    ],
    { status: 'draft' },
  )
  const item = result.items[0]
  if (!item)
    throw new AppError('validation_failed', `The reply cannot become an article: ${result.failed[0]?.reason ?? 'unknown reason'}`, {
      errors: [{ field: 'reply', message: result.failed[0]?.reason ?? 'rejected' }],
    })
  await linkArticleToInquiry(deps.sql, item.articleId, row.inquiry_id) // so erasing the inquiry finds its draft
  await setArticleReview(deps.sql, item.articleId, addCounts(reply.removed, title.removed))
  return item.articleId
}

function addCounts(a: RemovedCounts, b: RemovedCounts): RemovedCounts {
  const sum = { ...a }
  for (const [kind, count] of Object.entries(b) as Array<[keyof RemovedCounts, number]>) sum[kind] = (sum[kind] ?? 0) + count
  return sum
}
