import { raw } from 'hono/html'
import type { FC } from 'hono/jsx'
import { DepartmentFilter, ErrorSummary, SelectField, TextArea, TextField } from '../fields.js'
import type { ArticleSummary, ArticleView } from '../../knowledge/articles.js'
import { departments } from '../../knowledge/article-input.js'
import type { ArticleReview, RemovedKind } from '../../knowledge/neutral-draft.js'
import type { FieldErrors } from '../forms.js'
import type { FormValues } from '../env.js'
import { renderMarkdown } from '../markdown.js'
import type { SearchResult } from '../../knowledge/search.js'
import type { LabelKey } from '../i18n.js'
import { Csrf, Layout, Notice, Time, type View } from '../layout.js'
import { ListTable, Paging } from '../list-table.js'

const isLead = (view: View) => view.session?.principal.role === 'lead' || view.session?.principal.role === 'admin'
const department = (view: View, value: string) => view.t(`dept.${value}` as LabelKey)
/** Only web links become links: an article's url is data, and `javascript:` must stay text. */
const safeHref = (url: string | null) => (url && /^https?:\/\//i.test(url) ? url : undefined)

/** The browse list's filters as the query string carries them; '' means any. */
export interface BrowseFilter {
  status: '' | 'draft' | 'published'
  language: string
  department: '' | (typeof departments)[number]
  tag: string
  cursor?: string | undefined
}

export interface SearchPageProps {
  view: View
  q: string
  department: '' | 'technical' | 'commercial'
  result: SearchResult | undefined
  browse: { filter: BrowseFilter; items: ArticleSummary[]; nextCursor: string | null } | undefined
}

// The languages an editor picks from; an article in another language adds its own to the list.
const commonLanguages = ['de', 'en', 'fr', 'it', 'es', 'nl', 'pl', 'tr']
const languageOptions = (view: View, current: string) =>
  [...new Set([...commonLanguages, ...(current ? [current] : [])])].map((code) => ({ value: code, label: view.format.language(code) }))

export const browseQuery = (filter: BrowseFilter, cursor?: string) => {
  const params = new URLSearchParams()
  for (const key of ['status', 'language', 'department', 'tag'] as const) if (filter[key]) params.set(key, filter[key])
  if (cursor) params.set('cursor', cursor)
  const query = params.toString()
  return query ? `?${query}` : ''
}

/** Hybrid search over the published articles; without a query, every article, filtered and paged. */
export const SearchPage: FC<SearchPageProps> = ({ view, q, department: chosen, result, browse }) => {
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
          <p>
            <a href="/ui/kb">{t('kb.backToAll')}</a>
          </p>
          {result.degraded.length ? <Notice kind="warn">{t('kb.degraded')}</Notice> : null}
          {result.results.length === 0 ? <p class="card">{t('kb.noResults')}</p> : null}
          {result.results.map((hit) => (
            <article class="card hit">
              <h3>
                <a href={`/ui/kb/articles/${hit.articleId}`}>{hit.title}</a>
              </h3>
              <p class="muted">
                {department(view, hit.department)} · {view.format.language(hit.language)}
                {hit.headingPath ? ` · ${hit.headingPath}` : ''}
              </p>
              <p class="snippet">{hit.snippet.replace(/\*\*|__/g, '')}</p>
            </article>
          ))}
        </section>
      ) : null}
      {browse ? <ArticleList view={view} {...browse} /> : null}
    </Layout>
  )
}

const ArticleList: FC<{ view: View; filter: BrowseFilter; items: ArticleSummary[]; nextCursor: string | null }> = ({
  view,
  filter,
  items,
  nextCursor,
}) => {
  const { t } = view
  return (
    <section aria-labelledby="h-all">
      <h2 id="h-all">{t('kb.all')}</h2>
      <form method="get" action="/ui/kb" class="card filters" aria-label={t('kb.browseFilters')}>
        <SelectField
          name="status"
          id="f-status"
          label={t('filter.status')}
          value={filter.status}
          options={[
            { value: '', label: t('filter.any') },
            ...(['published', 'draft'] as const).map((status) => ({ value: status, label: t(`status.${status}`) })),
          ]}
        />
        <SelectField
          name="language"
          id="f-language"
          label={t('col.language')}
          value={filter.language}
          options={[{ value: '', label: t('filter.any') }, ...languageOptions(view, filter.language)]}
        />
        <SelectField
          name="department"
          id="f-browse-department"
          label={t('filter.department')}
          value={filter.department}
          options={[{ value: '', label: t('filter.any') }, ...departments.map((value) => ({ value, label: department(view, value) }))]}
        />
        <TextField name="tag" id="f-tag" label={t('kb.tag')} value={filter.tag} />
        <div class="actions">
          <button type="submit">{t('filter.apply')}</button>
        </div>
      </form>
      <ListTable
        rowCount={items.length}
        empty={t('kb.noArticles')}
        headers={[t('col.title'), t('col.status'), t('col.department'), t('col.language'), t('kb.tags'), t('col.updated')]}
      >
        {items.map((article) => (
          <tr>
            <td>
              <a href={`/ui/kb/articles/${article.id}`}>{article.title}</a>
            </td>
            <td>
              <span class={`badge ${article.status}`}>{t(`status.${article.status}`)}</span>
            </td>
            <td>{department(view, article.department)}</td>
            <td>{view.format.language(article.language)}</td>
            <td>{article.tags.join(', ')}</td>
            <td class="nowrap">
              <Time view={view} at={article.updatedAt} />
            </td>
          </tr>
        ))}
      </ListTable>
      <Paging
        view={view}
        first={filter.cursor ? `/ui/kb${browseQuery(filter)}` : undefined}
        next={nextCursor ? `/ui/kb${browseQuery(filter, nextCursor)}` : undefined}
      />
    </section>
  )
}

/** One article; a draft shows a publish button to leads. */
export type ArticleNotice = 'published' | 'savedDraft' | 'savedPublished'

export const ArticlePage: FC<{ view: View; article: ArticleView; notice?: ArticleNotice | undefined; conflict?: string | undefined }> = ({
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
      {notice ? <Notice kind="ok">{t(`kb.${notice}`)}</Notice> : null}
      {conflict ? <Notice kind="bad">{conflict}</Notice> : null}
      {article.status === 'draft' ? <Notice kind="warn">{t('kb.draftNote')}</Notice> : null}
      {article.status === 'draft' && article.review ? <ReviewNote view={view} review={article.review} /> : null}
      <div class="card">
        <dl class="facts">
          <dt>{t('col.status')}</dt>
          <dd>
            <span class={`badge ${article.status}`}>{t(`status.${article.status}`)}</span>
          </dd>
          <dt>{t('col.department')}</dt>
          <dd>{department(view, article.department)}</dd>
          <dt>{t('col.language')}</dt>
          <dd>{view.format.language(article.language)}</dd>
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
        {isLead(view) ? (
          <div class="actions spaced">
            <a class="button secondary" href={`/ui/kb/articles/${article.id}/edit`}>
              {t('kb.edit')}
            </a>
            {article.status === 'draft' ? (
              <form method="post" action={`/ui/kb/articles/${article.id}/publish`}>
                <Csrf view={view} />
                <button type="submit">{t('kb.publish')}</button>
              </form>
            ) : null}
          </div>
        ) : null}
      </div>
      <article class="card article-body" lang={article.language}>
        {raw(renderMarkdown(article.body))}
      </article>
    </Layout>
  )
}

/** What neutralising a lead's reply took out, so the reviewer knows where to look: "Anrede (1), Daten und Termine (2)". */
const ReviewNote: FC<{ view: View; review: ArticleReview }> = ({ view, review }) => {
  const entries = Object.entries(review.removed) as Array<[RemovedKind, number]>
  if (entries.length === 0) return <Notice kind="warn">{view.t('kb.reviewNothing')}</Notice>
  const removed = entries.map(([kind, count]) => `${view.t(`kb.removed.${kind}`)} (${count})`).join(', ')
  return <Notice kind="warn">{view.t('kb.review', { removed })}</Notice>
}

/** Drafts waiting for a lead: most recently changed first, each with its publish button. */
export const DraftsPage: FC<{ view: View; drafts: ArticleSummary[] }> = ({ view, drafts }) => {
  const { t } = view
  return (
    <Layout view={view} title={t('kb.drafts')} section="drafts">
      <ListTable
        rowCount={drafts.length}
        empty={t('kb.noDrafts')}
        headers={[t('col.title'), t('col.department'), t('col.language'), t('col.updated'), t('col.action')]}
      >
        {drafts.map((draft) => (
          <tr>
            <td>
              <a href={`/ui/kb/articles/${draft.id}`}>{draft.title}</a>
            </td>
            <td>{department(view, draft.department)}</td>
            <td>{view.format.language(draft.language)}</td>
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
      </ListTable>
    </Layout>
  )
}

export interface EditArticlePageProps {
  view: View
  article: ArticleView
  /** What the editor sent when the form comes back (422, 409); otherwise the article's own values. */
  values?: FormValues | undefined
  errors?: FieldErrors | undefined
  conflict?: boolean
}

/** A lead edits an article (typically a draft before publishing); Markdown is checked on render, not here. */
export const EditArticlePage: FC<EditArticlePageProps> = ({ view, article, values, errors, conflict }) => {
  const { t } = view
  const value = (field: 'title' | 'body' | 'tags' | 'language' | 'department') =>
    values?.[field] ?? (field === 'tags' ? article.tags.join(', ') : article[field])
  const labels = {
    title: t('kb.field.title'),
    body: t('kb.field.body'),
    tags: t('kb.field.tags'),
    language: t('kb.field.language'),
    department: t('kb.field.department'),
  }
  return (
    <Layout view={view} title={t('kb.editTitle', { title: article.title })} section={article.status === 'draft' ? 'drafts' : 'kb'}>
      <p>
        <a href={`/ui/kb/articles/${article.id}`}>← {article.title}</a>
      </p>
      {conflict ? <Notice kind="bad">{t('kb.editConflict')}</Notice> : null}
      <ErrorSummary view={view} errors={errors} labels={labels} />
      <form method="post" action={`/ui/kb/articles/${article.id}/edit`} class="card" novalidate>
        <Csrf view={view} />
        <input type="hidden" name="expectedUpdatedAt" value={article.updatedAt} />
        <TextField name="title" label={labels.title} value={value('title')} error={errors?.title} required />
        <TextArea name="body" label={labels.body} value={value('body')} error={errors?.body} hint={t('kb.hint.body')} rows={18} required />
        <TextField name="tags" label={labels.tags} value={value('tags')} error={errors?.tags} hint={t('kb.hint.tags')} />
        <SelectField
          name="language"
          label={labels.language}
          value={value('language')}
          error={errors?.language}
          options={languageOptions(view, value('language'))}
        />
        <SelectField
          name="department"
          label={labels.department}
          value={value('department')}
          error={errors?.department}
          options={departments.map((code) => ({ value: code, label: department(view, code) }))}
        />
        <div class="actions">
          <button type="submit">{t('kb.save')}</button>
          <a href={`/ui/kb/articles/${article.id}`}>{t('kb.cancel')}</a>
        </div>
      </form>
    </Layout>
  )
}
