import type { FC } from 'hono/jsx'
import type { GapTopic, KnowledgeGaps } from '../../reports/knowledge-gaps.js'
import { Csrf, Layout, Notice, type View } from '../layout.js'
import { InsightFilters, type InsightFilter } from './insight-filters.js'

export interface GapsPageProps {
  view: View
  filter: InsightFilter
  report: KnowledgeGaps | undefined
  /** Why the asked range was refused (the report is then absent). */
  problem?: string | undefined
  /** Why a draft could not be made. */
  draftProblem?: string | undefined
}

/** The lead's knowledge-gap list: one card per topic with its examples and a button that drafts an article. */
export const KnowledgeGapsPage: FC<GapsPageProps> = ({ view, filter, report, problem, draftProblem }) => {
  const { t, format } = view
  return (
    <Layout view={view} title={t('gaps.title')} section="gaps">
      <InsightFilters view={view} action="/ui/reports/knowledge-gaps" filter={filter} problem={problem} />
      {draftProblem ? <Notice kind="bad">{t('gaps.draftFailed', { message: draftProblem })}</Notice> : null}
      {report ? (
        <>
          <p>
            {t('gaps.intro', {
              total: String(report.gapInquiries),
              from: format.date(report.range.from),
              to: format.date(report.range.to),
            })}
          </p>
          <p class="hint">
            {t('insights.method', { similarity: format.number(report.method.similarity, 2) })}
            {report.truncated
              ? ` ${t('insights.truncated', { analysed: String(report.analysed), total: String(report.gapInquiries) })}`
              : ''}
          </p>
          {report.topics.length === 0 ? <p>{t('gaps.none')}</p> : null}
          {report.topics.map((topic, index) => (
            <GapTopicCard view={view} topic={topic} index={index} filter={filter} />
          ))}
        </>
      ) : null}
    </Layout>
  )
}

const GapTopicCard: FC<{ view: View; topic: GapTopic; index: number; filter: InsightFilter }> = ({ view, topic, index, filter }) => {
  const { t, format } = view
  const headingId = `topic-${index}`
  return (
    <section class="card" aria-labelledby={headingId}>
      <h2 id={headingId} lang={topic.language}>
        {topic.proposedTitle}
      </h2>
      <dl class="facts">
        <dt>{topic.count === 1 ? t('gaps.countOne') : t('gaps.count', { count: String(topic.count) })}</dt>
        <dd>{t('gaps.reasons', { noKnowledge: String(topic.reasons.noKnowledge), notUsed: String(topic.reasons.notUsed) })}</dd>
        <dt>{t(`trend.${topic.trend.direction}`)}</dt>
        <dd>{t('gaps.trend', { first: String(topic.trend.firstHalf), second: String(topic.trend.secondHalf) })}</dd>
        <dt>{t('gaps.languages')}</dt>
        <dd>{topic.languages.map((entry) => `${format.language(entry.language)} (${entry.count})`).join(', ')}</dd>
        <dt>{t('gaps.keywords')}</dt>
        <dd>{topic.keywords.join(', ')}</dd>
      </dl>
      <h3>{t('gaps.examples')}</h3>
      <ul class="examples">
        {topic.examples.map((example) => (
          <li lang={example.language}>
            <a href={`/ui/inquiries/${example.inquiryId}`}>{example.excerpt}</a>
          </li>
        ))}
      </ul>
      <form method="post" action="/ui/reports/knowledge-gaps/drafts">
        <Csrf view={view} />
        <input type="hidden" name="inquiryIds" value={topic.inquiryIds.join(',')} />
        <input type="hidden" name="from" value={filter.from} />
        <input type="hidden" name="to" value={filter.to} />
        <input type="hidden" name="department" value={filter.department} />
        <input type="hidden" name="articleDepartment" value={topic.departments.length === 1 ? topic.departments[0]!.department : 'both'} />
        <div class="field">
          <label for={`f-title-${index}`}>{t('gaps.articleTitle')}</label>
          <input id={`f-title-${index}`} type="text" name="title" value={topic.proposedTitle} maxlength={300} required />
        </div>
        <p class="hint">{t('gaps.draftHint')}</p>
        <div class="actions">
          <button type="submit">{t('gaps.draft')}</button>
        </div>
      </form>
    </section>
  )
}
