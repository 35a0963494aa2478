import type { Deps } from '../deps.js'
import { listEscalationQueue } from '../review/escalations.js'
import type { DigestSlot } from '../storage/queries/digest.js'
import { reportKnowledgeGaps } from './knowledge-gaps.js'
import { reportOverview, type ReportOverview } from './overview.js'

// What the leads read on Monday morning: last week's figures, the cases overdue right now, and the
// topics the knowledge base lacks. Only counts, subjects and titles: no customer names or addresses go to
// the chat service.

const overdueShown = 5
const gapsShown = 3

/** The weekly digest's content; the webhook message carries it whole as `digest` for non-chat receivers. */
export interface Digest {
  week: string
  from: string
  to: string
  timeZone: string
  inquiries: ReportOverview['totals']
  escalations: Pick<ReportOverview['escalations'], 'total' | 'reasons' | 'claim' | 'resolve'>
  suggestions: ReportOverview['suggestions']
  complaintRate: number | null
  overdue: {
    count: number
    more: boolean
    cases: Array<{ escalationId: string; department: string; dueAt: string; subject: string | null }>
  }
  /** The largest topics of last week's unanswered inquiries. */
  knowledgeGaps: Array<{ proposedTitle: string; count: number; trend: string }>
}

export async function collectDigest(deps: Pick<Deps, 'sql' | 'clock' | 'config' | 'embeddings'>, slot: DigestSlot): Promise<Digest> {
  const overview = await reportOverview(deps, { from: slot.coversFrom, to: slot.coversTo, granularity: 'week' })
  const gaps = await reportKnowledgeGaps(deps, { from: slot.coversFrom, to: slot.coversTo })
  const overdue = await listEscalationQueue(deps, { overdue: true, unresolved: true, limit: 200 })
  return {
    week: slot.week,
    from: slot.coversFrom,
    to: slot.coversTo,
    timeZone: overview.timeZone,
    inquiries: overview.totals,
    escalations: overview.escalations,
    suggestions: overview.suggestions,
    complaintRate: overview.complaints.rate,
    overdue: {
      count: overdue.items.length,
      more: overdue.nextCursor !== null,
      cases: overdue.items.slice(0, overdueShown).map((item) => ({
        escalationId: item.id,
        department: item.department,
        dueAt: item.dueAt,
        subject: item.inquiry.subject,
      })),
    },
    knowledgeGaps: gaps.topics
      .slice(0, gapsShown)
      .map((topic) => ({ proposedTitle: topic.proposedTitle, count: topic.count, trend: topic.trend.direction })),
  }
}

const percent = (share: number | null) => (share === null ? 'n/a' : `${Math.round(share * 100)} %`)
const counted = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([key, count]) => `${key} ${count}`)
    .join(', ')

/** The chat message: `text` for Slack and Teams (as the escalation notices), `digest` for any other receiver. */
export function digestMessage(digest: Digest, baseUrl: string | undefined): Record<string, unknown> {
  const link = (path: string) => (baseUrl ? ` ${baseUrl.replace(/\/$/, '')}${path}` : '')
  const { inquiries, escalations, suggestions } = digest
  const lines = [
    `Weekly digest ${digest.from} – ${digest.to} (${digest.timeZone})${link(`/ui/reports?from=${digest.from}&to=${digest.to}`)}`,
    `Inquiries: ${inquiries.inquiries} (${counted(inquiries.departments) || 'none'}); escalated: ${inquiries.escalated}`,
    `Escalations claimed in time: ${percent(escalations.claim.shareMet)}, resolved in time: ${percent(escalations.resolve.shareMet)}` +
      (escalations.reasons.length
        ? `; reasons: ${escalations.reasons.map((reason) => `${reason.code} ${reason.escalations}`).join(', ')}`
        : ''),
    `Suggestions: used as is ${suggestions.usedAsIs}, edited ${suggestions.edited}, none used ${suggestions.none}; department corrected ${suggestions.departmentCorrected} (${percent(suggestions.correctionShare)})`,
    `Complaint rate: ${percent(digest.complaintRate)}`,
    `Overdue now: ${digest.overdue.count}${digest.overdue.more ? ' or more' : ''}${digest.overdue.count > digest.overdue.cases.length ? ` (the first ${digest.overdue.cases.length})` : ''}`,
    ...digest.overdue.cases.map(
      (item) =>
        `• ${item.subject ? `"${item.subject.slice(0, 120)}"` : 'no subject'} (${item.department}, due ${item.dueAt})${link(`/ui/escalations/${item.escalationId}`)}`,
    ),
    `Knowledge gaps: ${digest.knowledgeGaps.length ? digest.knowledgeGaps.map((gap) => `"${gap.proposedTitle}" (${gap.count}, ${gap.trend})`).join(', ') : 'none'}${link(`/ui/reports/knowledge-gaps?from=${digest.from}&to=${digest.to}`)}`,
  ]
  return { text: lines.join('\n'), digest }
}
