import type { Child, FC } from 'hono/jsx'
import type { View } from './layout.js'

// Every list page has the same frame: a card when nothing matches, otherwise a table in a box that scrolls
// sideways on a phone, and links to the first and the next page below it.

/** The table of a list page, or `empty` when it has no rows; the rows come as children. */
export const ListTable: FC<{ headers: string[]; rowCount: number; empty: string; children?: Child }> = ({
  headers,
  rowCount,
  empty,
  children,
}) =>
  rowCount === 0 ? (
    <p class="card">{empty}</p>
  ) : (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            {headers.map((header) => (
              <th scope="col">{header}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  )

/** "First page" when the list is not at its start, "Next page" when there is more. */
export const Paging: FC<{ view: View; first?: string | undefined; next?: string | undefined }> = ({ view: { t }, first, next }) => (
  <nav class="paging" aria-label={t('paging.label')}>
    {first ? <a href={first}>{t('paging.first')}</a> : null}
    {next ? (
      <a href={next} rel="next">
        {t('paging.next')}
      </a>
    ) : null}
  </nav>
)
