import type { FC } from 'hono/jsx'
import { DepartmentFilter } from '../fields.js'
import type { Escalation } from '../../review/escalations.js'
import type { LabelKey } from '../i18n.js'
import { Layout, Time, type View } from '../layout.js'
import { EscalationBadge } from './inquiries.js'
import { Reasons } from './inquiry.js'
import { ListTable, Paging } from '../list-table.js'

/** The queue's filters; status '' is the working queue (open and claimed), 'all' includes resolved cases. */
export interface QueueFilter {
  status: '' | 'open' | 'claimed' | 'resolved' | 'all'
  department: '' | 'technical' | 'commercial'
  overdue: boolean
  cursor?: string | undefined
}

export const queueQuery = (filter: QueueFilter, cursor?: string) => {
  const params = new URLSearchParams()
  if (filter.status) params.set('status', filter.status)
  if (filter.department) params.set('department', filter.department)
  if (filter.overdue) params.set('overdue', 'true')
  if (cursor) params.set('cursor', cursor)
  const query = params.toString()
  return query ? `?${query}` : ''
}

const statusLabels: Array<[QueueFilter['status'], LabelKey]> = [
  ['open', 'status.open'],
  ['claimed', 'status.claimed'],
  ['resolved', 'status.resolved'],
]

const QueueFilters: FC<{ view: View; filter: QueueFilter }> = ({ view, view: { t }, filter }) => (
  <form method="get" action="/ui/escalations" class="card filters" aria-label={t('filter.legend')}>
    <div class="field">
      <label for="f-status">{t('filter.status')}</label>
      <select id="f-status" name="status">
        <option value="">{`${t('status.open')} + ${t('status.claimed')}`}</option>
        {statusLabels.map(([value, label]) => (
          <option value={value} selected={filter.status === value}>
            {t(label)}
          </option>
        ))}
        <option value="all" selected={filter.status === 'all'}>
          {t('filter.any')}
        </option>
      </select>
    </div>
    <DepartmentFilter view={view} value={filter.department} />
    <div class="field">
      <label class="check">
        <input type="checkbox" name="overdue" value="true" checked={filter.overdue} />
        <span>{t('filter.overdue')}</span>
      </label>
    </div>
    <div class="actions">
      <button type="submit">{t('filter.apply')}</button>
      <a class="button secondary" href="/ui/escalations">
        {t('filter.reset')}
      </a>
    </div>
  </form>
)

/** The leads' queue: soonest due first, with reasons, due times and overdue marks. */
export const QueuePage: FC<{ view: View; filter: QueueFilter; items: Escalation[]; nextCursor: string | null }> = ({
  view,
  filter,
  items,
  nextCursor,
}) => {
  const { t } = view
  return (
    <Layout view={view} title={t('queue.title')} section="escalations">
      <QueueFilters view={view} filter={filter} />
      <ListTable
        rowCount={items.length}
        empty={t('list.empty')}
        headers={[t('col.due'), t('col.subject'), t('col.department'), t('col.reasons'), t('col.status')]}
      >
        {items.map((item) => (
          <tr>
            <td class="nowrap">
              <Time view={view} at={item.dueAt} />
              {item.overdue ? (
                <>
                  <br />
                  <span class="badge overdue">{t('queue.overdue')}</span>
                </>
              ) : null}
            </td>
            <td>
              <a href={`/ui/escalations/${item.id}`}>{item.inquiry.subject || t('noSubject')}</a>
              <span class="excerpt">{item.inquiry.body.slice(0, 160)}</span>
            </td>
            <td>{t(`dept.${item.department}`)}</td>
            <td>
              <Reasons view={view} reasons={item.reasons} compact />
            </td>
            <td>
              <EscalationBadge view={view} status={item.status} overdue={false} />
              {item.claimedBy ? <span class="excerpt">{t('queue.claimedBy', { name: item.claimedBy.name })}</span> : null}
            </td>
          </tr>
        ))}
      </ListTable>
      <Paging
        view={view}
        first={filter.cursor ? `/ui/escalations${queueQuery(filter)}` : undefined}
        next={nextCursor ? `/ui/escalations${queueQuery(filter, nextCursor)}` : undefined}
      />
    </Layout>
  )
}
