import type { FC } from 'hono/jsx'
import { DepartmentFilter } from '../fields.js'
import type { InquiryListFilter, InquirySummary } from '../../inquiries/inquiries.js'
import type { LabelKey } from '../i18n.js'
import { Layout, Time, type View } from '../layout.js'
import { ListTable, Paging } from '../list-table.js'

export interface InquiryListProps {
  view: View
  filter: Omit<InquiryListFilter, 'limit'>
  rows: InquirySummary[]
  /** Departments agents or leads corrected, by inquiry id (only where they differ from triage's). */
  corrections: ReadonlyMap<string, Department>
  nextCursor: string | null
}

type Department = 'technical' | 'commercial'

/** Triage's department, or the corrected one with triage's beside it, so a correction is seen at once. */
export const DepartmentName: FC<{ view: View; original: Department; corrected: Department | undefined }> = ({
  view: { t },
  original,
  corrected,
}) =>
  corrected ? (
    <>
      <strong>{t(`dept.${corrected}`)}</strong>{' '}
      <span class="hint corrected">({t('dept.correctedFrom', { dept: t(`dept.${original}`) })})</span>
    </>
  ) : (
    <>{t(`dept.${original}`)}</>
  )

const queryOf = (filter: Omit<InquiryListFilter, 'limit'>, cursor?: string) => {
  const params = new URLSearchParams()
  if (filter.status) params.set('status', filter.status)
  if (filter.department) params.set('department', filter.department)
  if (filter.escalated !== undefined) params.set('escalated', String(filter.escalated))
  if (filter.q) params.set('q', filter.q)
  if (cursor) params.set('cursor', cursor)
  const query = params.toString()
  return query ? `?${query}` : ''
}

const Filters: FC<{ view: View; filter: InquiryListProps['filter'] }> = ({ view, view: { t }, filter }) => (
  <form method="get" action="/ui/inquiries" class="card filters" role="search" aria-label={t('filter.legend')}>
    <div class="field grow">
      <label for="f-q">{t('filter.q')}</label>
      <input id="f-q" type="search" name="q" value={filter.q ?? ''} />
    </div>
    <div class="field">
      <label for="f-status">{t('filter.status')}</label>
      <select id="f-status" name="status">
        <option value="">{t('filter.any')}</option>
        {(['triaged', 'received'] as const).map((status) => (
          <option value={status} selected={filter.status === status}>
            {t(`status.${status}`)}
          </option>
        ))}
      </select>
    </div>
    <DepartmentFilter view={view} value={filter.department} />
    <div class="field">
      <label for="f-escalated">{t('filter.escalated')}</label>
      <select id="f-escalated" name="escalated">
        <option value="">{t('filter.any')}</option>
        <option value="true" selected={filter.escalated === true}>
          {t('yes')}
        </option>
        <option value="false" selected={filter.escalated === false}>
          {t('no')}
        </option>
      </select>
    </div>
    <div class="actions">
      <button type="submit">{t('filter.apply')}</button>
      <a class="button secondary" href="/ui/inquiries">
        {t('filter.reset')}
      </a>
    </div>
  </form>
)

export const EscalationBadge: FC<{ view: View; status: string | null; overdue: boolean }> = ({ view: { t }, status, overdue }) => {
  if (!status) return <span class="muted">—</span>
  return (
    <>
      <span class={`badge ${status}`}>{t(`status.${status}` as LabelKey)}</span>
      {overdue ? (
        <>
          {' '}
          <span class="badge overdue">{t('queue.overdue')}</span>
        </>
      ) : null}
    </>
  )
}

/** The agents' list: newest first, filtered, paged by cursor. */
export const InquiryListPage: FC<InquiryListProps> = ({ view, filter, rows, corrections, nextCursor }) => {
  const { t } = view
  return (
    <Layout view={view} title={t('inquiries.title')} section="inquiries">
      <Filters view={view} filter={filter} />
      <ListTable
        rowCount={rows.length}
        empty={t('list.empty')}
        headers={[t('col.subject'), t('col.customer'), t('col.department'), t('col.confidence'), t('col.escalation'), t('col.received')]}
      >
        {rows.map((row) => (
          <tr>
            <td>
              <a href={`/ui/inquiries/${row.inquiryId}`}>{row.subject || t('noSubject')}</a>
              <span class="excerpt">{row.excerpt}</span>
            </td>
            <td>{row.customer.name ?? row.customer.email ?? '—'}</td>
            <td>
              {row.department ? (
                <DepartmentName view={view} original={row.department} corrected={corrections.get(row.inquiryId)} />
              ) : (
                t(`status.${row.status}`)
              )}
            </td>
            <td>{view.format.percent(row.confidence)}</td>
            <td>
              <EscalationBadge view={view} status={row.escalation?.status ?? null} overdue={row.escalation?.overdue ?? false} />
            </td>
            <td class="nowrap">
              <Time view={view} at={row.createdAt} />
            </td>
          </tr>
        ))}
      </ListTable>
      <Paging
        view={view}
        first={filter.cursor ? `/ui/inquiries${queryOf({ ...filter, cursor: undefined })}` : undefined}
        next={nextCursor ? `/ui/inquiries${queryOf(filter, nextCursor)}` : undefined}
      />
    </Layout>
  )
}
