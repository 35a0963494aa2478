import type { FC } from 'hono/jsx'
import type { TrainingNeeds } from '../../reports/training-needs.js'
import type { LabelKey } from '../i18n.js'
import { Layout, type View } from '../layout.js'
import { InsightFilters, type InsightFilter } from './insight-filters.js'

export interface TrainingPageProps {
  view: View
  filter: InsightFilter
  report: TrainingNeeds | undefined
  problem?: string | undefined
}

const signals = ['edited', 'rejected', 'corrected', 'handedBack', 'reEscalated'] as const

/** Team-level training needs: a table per department and one per topic; per agent only when switched on. */
export const TrainingNeedsPage: FC<TrainingPageProps> = ({ view, filter, report, problem }) => {
  const { t, format } = view
  return (
    <Layout view={view} title={t('training.title')} section="training">
      <InsightFilters view={view} action="/ui/reports/training-needs" filter={filter} problem={problem} />
      {report ? (
        <>
          <p>{t('training.intro', { from: format.date(report.range.from), to: format.date(report.range.to) })}</p>
          {report.perAgent ? null : <p class="hint">{t('training.teamOnly')}</p>}
          <DepartmentTable view={view} report={report} />
          <TopicTable view={view} report={report} />
          {report.agents ? <AgentTable view={view} agents={report.agents} /> : null}
        </>
      ) : null}
    </Layout>
  )
}

/** A count with its share beside it ("3 (25 %)"); the share alone would hide how few cases it rests on. */
const countWithShare = (view: View, count: number, share: number | null | undefined) =>
  share === undefined || share === null ? String(count) : `${count} (${view.format.percent(share)})`

const DepartmentTable: FC<{ view: View; report: TrainingNeeds }> = ({ view, report }) => {
  const { t } = view
  return (
    <section class="card" aria-labelledby="h-departments">
      <h2 id="h-departments">{t('training.departments')}</h2>
      <p class="hint">{t('training.legend')}</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('training.department')}</th>
              <th scope="col" class="num">
                {t('training.inquiries')}
              </th>
              <th scope="col" class="num">
                {t('training.withFeedback')}
              </th>
              {signals.map((signal) => (
                <th scope="col" class="num">
                  {t(`training.${signal}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {report.departments.map((row) => {
              const shares: Record<(typeof signals)[number], number | null | undefined> = { ...row.rates, handedBack: undefined }
              return (
                <tr>
                  <th scope="row">{t(`dept.${row.department}` as LabelKey)}</th>
                  <td class="num">{row.inquiries}</td>
                  <td class="num">{row.withFeedback}</td>
                  {signals.map((signal) => (
                    <td class="num">{countWithShare(view, row[signal], shares[signal])}</td>
                  ))}
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </section>
  )
}

const TopicTable: FC<{ view: View; report: TrainingNeeds }> = ({ view, report }) => {
  const { t } = view
  return (
    <section class="card" aria-labelledby="h-topics">
      <h2 id="h-topics">{t('training.topics')}</h2>
      {report.topics.length === 0 ? (
        <p>{t('training.none')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('training.topic')}</th>
                <th scope="col" class="num">
                  {t('training.inquiries')}
                </th>
                {signals.map((signal) => (
                  <th scope="col" class="num">
                    {t(`training.${signal}`)}
                  </th>
                ))}
                <th scope="col">{t('training.example')}</th>
              </tr>
            </thead>
            <tbody>
              {report.topics.map((topic) => (
                <tr>
                  <th scope="row">{topic.keywords.join(', ') || '—'}</th>
                  <td class="num">{topic.count}</td>
                  {signals.map((signal) => (
                    <td class="num">{topic.signals[signal]}</td>
                  ))}
                  <td class="excerpt">
                    {topic.examples[0] ? <a href={`/ui/inquiries/${topic.examples[0].inquiryId}`}>{topic.examples[0].excerpt}</a> : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

const AgentTable: FC<{ view: View; agents: NonNullable<TrainingNeeds['agents']> }> = ({ view, agents }) => {
  const { t } = view
  return (
    <section class="card" aria-labelledby="h-agents">
      <h2 id="h-agents">{t('training.agents')}</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('training.agent')}</th>
              {(['feedback', 'edited', 'rejected', 'corrected'] as const).map((measure) => (
                <th scope="col" class="num">
                  {t(`training.${measure}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {agents.map((agent) => (
              <tr>
                <th scope="row">{agent.name}</th>
                <td class="num">{agent.feedback}</td>
                <td class="num">{agent.edited}</td>
                <td class="num">{agent.rejected}</td>
                <td class="num">{agent.corrected}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}
