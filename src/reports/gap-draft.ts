import { z } from 'zod'
import type { Principal } from '../auth/roles.js'
import type { Deps } from '../deps.js'
import { AppError } from '../errors.js'
import { articleFields } from '../knowledge/article-input.js'
import { upsertArticles } from '../knowledge/ingest.js'
import { needsReviewTag, neutraliseText, type RemovedCounts } from '../knowledge/neutral-draft.js'
import { setArticleReview } from '../storage/queries/article-review.js'
import { insertAudit } from '../storage/queries/audit.js'
import { findDraftSources } from '../storage/queries/report-gaps.js'
import { majority, neutralExcerpt } from './topic-report.js'

/** The tag of a draft made from a knowledge-gap topic. */
export const knowledgeGapTag = 'knowledge-gap'

export const GapDraftInputSchema = z
  .object({
    title: z.string().trim().min(3).max(300).meta({ description: "The topic's proposed title, or the lead's own" }),
    inquiryIds: z
      .array(z.string().uuid())
      .min(1)
      .max(10)
      .meta({ description: "The topic's example inquiries (its `inquiryIds`); their questions are listed in the draft" }),
    department: articleFields.department.optional().meta({ description: "The article's department; default both" }),
  })
  .strict()
  .meta({ id: 'GapDraftInput' })

export const GapDraftSchema = z
  .object({
    articleId: z.string().uuid(),
    title: z.string(),
    status: z.literal('draft'),
    editUrl: z.string().meta({ description: 'Where a lead edits the draft in the web UI' }),
  })
  .meta({ id: 'GapDraft' })

const words = {
  de: {
    intro: (n: number) =>
      `Entwurf aus einer Wissenslücke: ${n === 1 ? 'diese Frage fand' : `diese ${n} Fragen fanden`} keinen passenden Artikel. Beantworten Sie sie unten und entfernen Sie die Beispiele vor dem Veröffentlichen.`,
    questions: 'Beispielfragen',
    answer: 'Antwort',
    todo: '(Hier die Lösung Schritt für Schritt beschreiben.)',
  },
  en: {
    intro: (n: number) =>
      `Draft from a knowledge gap: ${n === 1 ? 'this question' : `these ${n} questions`} found no matching article. Answer below and remove the examples before publishing.`,
    questions: 'Example questions',
    answer: 'Answer',
    todo: '(Describe the solution here, step by step.)',
  },
}

/**
 * A draft article for a knowledge-gap topic: the title, and a body listing the example questions with the
 * customers' names and personal data replaced, for a lead to answer. Tagged knowledge-gap and needs-review,
 * invisible to search until published; audited. 422 naming `inquiryIds` when one is unknown.
 */
export async function draftGapArticle(
  deps: Pick<Deps, 'sql' | 'clock' | 'embeddings' | 'logger'>,
  principal: Principal,
  input: z.infer<typeof GapDraftInputSchema>,
): Promise<z.infer<typeof GapDraftSchema>> {
  const ids = [...new Set(input.inquiryIds)]
  const sources = await findDraftSources(deps.sql, ids)
  const missing = ids.filter((id) => !sources.some((source) => source.id === id))
  if (missing.length)
    throw new AppError('validation_failed', 'Some inquiries do not exist.', {
      errors: [{ field: 'inquiryIds', message: `unknown inquiry ids: ${missing.join(', ')}` }],
    })
  const language = majority(sources.map((source) => source.language))
  const names = sources.map((source) => source.customer_name)
  const title = neutraliseText(input.title, { language, names })
  const excerpts = sources.map((source) => neutralExcerpt({ ...source, customerName: source.customer_name }))
  const examples = excerpts.map((excerpt) => excerpt.body)
  const text = language === 'de' ? words.de : words.en
  const body = [
    `> ${text.intro(examples.length)}`,
    `## ${text.questions}`,
    examples.map((example) => `- ${example.replace(/\s+/g, ' ')}`).join('\n'),
    `## ${text.answer}`,
    text.todo,
  ].join('\n\n')
  const result = await upsertArticles(
    deps,
    [
      {
        externalId: `knowledge-gap:${crypto.randomUUID()}`,
        title: title.body,
        body,
        language: /^[a-z]{2}$/.test(language) ? language : 'en',
        department: input.department ?? 'both',
        tags: [knowledgeGapTag, needsReviewTag],
      },
    ],
    { status: 'draft' },
  )
  const item = result.items[0]
  if (!item)
    throw new AppError('validation_failed', result.failed[0]?.reason ?? 'The draft was refused.', { errors: result.failed[0]?.errors })
  await setArticleReview(deps.sql, item.articleId, sumCounts([title.removed, ...excerpts.map((excerpt) => excerpt.removed)]))
  await insertAudit(
    deps.sql,
    {
      actor: principal,
      action: 'draft_from_gap',
      entityType: 'kb_article',
      entityId: item.articleId,
      before: null,
      after: { title: title.body, inquiryIds: ids, tags: [knowledgeGapTag, needsReviewTag] },
    },
    deps.clock.now(),
  )
  return { articleId: item.articleId, title: title.body, status: 'draft', editUrl: `/ui/kb/articles/${item.articleId}/edit` }
}

function sumCounts(all: readonly RemovedCounts[]): RemovedCounts {
  const sum: RemovedCounts = {}
  for (const counts of all)
    for (const [kind, count] of Object.entries(counts) as Array<[keyof RemovedCounts, number]>) sum[kind] = (sum[kind] ?? 0) + count
  return sum
}
