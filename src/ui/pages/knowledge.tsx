import type { FC } from 'hono/jsx'
import { DepartmentFilter } from '../fields.js'
import type { ArticleSummary, ArticleView } from '../../knowledge/articles.js'
import type { SearchResult } from '../../knowledge/search.js'
import type { LabelKey } from '../i18n.js'
import { Csrf, Layout, Notice, Time, type View } from '../layout.js'

const isLead = (view: View) => view.session?.principal.role === 'lead' || view.session?.principal.role === 'admin'
const department = (view: View, value: string) => view.t(`dept.${value}` as LabelKey)
/** Only web links become links: an article's url is data, and `javascript:` must stay text. */
const safeHref = (url: string | null) => (url && /^https?:\/\//i.test(url) ? url : undefined)

export interface SearchPageProps {
  view: View
  q: string
  department: '' | 'technical' | 'commercial'
  result: SearchResult | undefined
}

/** Hybrid search over the published articles. */
export const SearchPage: FC<SearchPageProps> = ({ view, q, department: chosen, result }) => {
  const { t } = view
  return (
    <Layout view={view} title={t('kb.title')} section="kb">
      <form method="get" action="/ui/kb" class="card filters" role="search">
        <div class="field grow">
          <label for="f-q">{t('kb.query')}</label>
          <input id="f-q" type="search" name="q" value={q} />
        </div>
        <DepartmentFilter view={view} value={chosen} />
        <div class="actions">
          <button type="submit">{t('kb.search')}</button>
        </div>
      </form>
      {result ? (
        <section aria-labelledby="h-results">
          <h2 id="h-results">{t('kb.results', { q })}</h2>
          {result.degraded.length ? <Notice kind="warn">{t('kb.degraded')}</Notice> : null}
          {result.results.length === 0 ? <p class="card">{t('kb.noResults')}</p> : null}
          {result.results.map((hit) => (
            <article class="card hit">
              <h3>
                <a href={`/ui/kb/articles/${hit.articleId}`}>{hit.title}</a>
              </h3>
              <p class="muted">
                {department(view, hit.department)} · {hit.language}
                {hit.headingPath ? ` · ${hit.headingPath}` : ''}
              </p>
              <p class="snippet">{hit.snippet.replace(/\*\*|__/g, '')}</p>
            </article>
          ))}
        </section>
      ) : null}
    </Layout>
  )
}

/** One article; a draft shows a publish button to leads. */
export const ArticlePage: FC<{ view: View; article: ArticleView; notice?: 'published' | undefined; conflict?: string | undefined }> = ({
  view,
  article,
  notice,
  conflict,
}) => {
  const { t } = view
  const href = safeHref(article.url)
  return (
    <Layout view={view} title={article.title} section={article.status === 'draft' ? 'drafts' : 'kb'}>
      <p>
        <a href={article.status === 'draft' && isLead(view) ? '/ui/kb/drafts' : '/ui/kb'}>
          ← {t(article.status === 'draft' && isLead(view) ? 'nav.drafts' : 'kb.title')}
        </a>
      </p>
      {notice ? <Notice kind="ok">{t('kb.published')}</Notice> : null}
      {conflict ? <Notice kind="bad">{conflict}</Notice> : null}
      {article.status === 'draft' ? <Notice kind="warn">{t('kb.draftNote')}</Notice> : null}
      <div class="card">
        <dl class="facts">
          <dt>{t('col.status')}</dt>
          <dd>
            <span class={`badge ${article.status}`}>{t(`status.${article.status}`)}</span>
          </dd>
          <dt>{t('col.department')}</dt>
          <dd>{department(view, article.department)}</dd>
          <dt>{t('col.language')}</dt>
          <dd>{article.language}</dd>
          {article.tags.length ? (
            <>
              <dt>{t('kb.tags')}</dt>
              <dd>{article.tags.join(', ')}</dd>
            </>
          ) : null}
          <dt>{t('col.updated')}</dt>
          <dd>
            <Time view={view} at={article.updatedAt} />
          </dd>
          {href ? (
            <>
              <dt>{t('kb.source')}</dt>
              <dd>
                <a href={href} rel="noopener noreferrer">
                  {href}
                </a>
              </dd>
            </>
          ) : null}
        </dl>
        {article.status === 'draft' && isLead(view) ? (
          <form method="post" action={`/ui/kb/articles/${article.id}/publish`} class="spaced">
            <Csrf view={view} />
            <button type="submit">{t('kb.publish')}</button>
          </form>
        ) : null}
      </div>
      <article class="card article-body">{article.body}</article>
    </Layout>
  )
}

/** Drafts waiting for a lead: most recently changed first, each with its publish button. */
export const DraftsPage: FC<{ view: View; drafts: ArticleSummary[] }> = ({ view, drafts }) => {
  const { t } = view
  return (
    <Layout view={view} title={t('kb.drafts')} section="drafts">
      {drafts.length === 0 ? (
        <p class="card">{t('kb.noDrafts')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('col.title')}</th>
                <th scope="col">{t('col.department')}</th>
                <th scope="col">{t('col.language')}</th>
                <th scope="col">{t('col.updated')}</th>
                <th scope="col">{t('col.action')}</th>
              </tr>
            </thead>
            <tbody>
              {drafts.map((draft) => (
                <tr>
                  <td>
                    <a href={`/ui/kb/articles/${draft.id}`}>{draft.title}</a>
                  </td>
                  <td>{department(view, draft.department)}</td>
                  <td>{draft.language}</td>
                  <td class="nowrap">
                    <Time view={view} at={draft.updatedAt} />
                  </td>
                  <td>
                    <form method="post" action={`/ui/kb/articles/${draft.id}/publish`}>
                      <Csrf view={view} />
                      <button type="submit" aria-label={`${t('kb.publish')}: ${draft.title}`}>
                        {t('kb.publish')}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  )
}
