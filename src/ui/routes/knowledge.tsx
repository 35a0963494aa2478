import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { httpStatusOf } from '../../http/problem.js'
import { departments, isKnownLanguage } from '../../knowledge/article-input.js'
import { ArticleFilterSchema, getArticle, listArticles } from '../../knowledge/articles.js'
import { editArticle } from '../../knowledge/edit.js'
import { publishArticle } from '../../knowledge/publish.js'
import { searchKnowledge } from '../../knowledge/search.js'
import { detectLanguage } from '../../triage/language.js'
import { withoutNul } from '../../storage/nul.js'
import { signedIn } from '../middleware.js'
import type { FormValues, UiEnv } from '../env.js'
import { fieldErrorsOf, validateForm } from '../forms.js'
import { ArticlePage, DraftsPage, EditArticlePage, SearchPage, type ArticleNotice, type BrowseFilter } from '../pages/knowledge.js'
import { page, viewOf } from '../render.js'

const resultCount = 10
const pageSize = 25

/** The browse filters from the query string, read with the API's schema; a value it refuses means "any". */
function browseFilterOf(query: Record<string, string>): BrowseFilter {
  const shape = ArticleFilterSchema.shape
  const read = <T,>(schema: z.ZodType<T>, value: string | undefined): T | undefined => {
    const parsed = schema.safeParse(value === undefined ? undefined : withoutNul(value))
    return parsed.success ? parsed.data : undefined
  }
  return {
    status: read(shape.status, query.status) ?? '',
    language: read(shape.language, query.language) ?? '',
    department: read(shape.department, query.department) ?? '',
    tag: read(shape.tag, query.tag) ?? '',
    cursor: read(shape.cursor, query.cursor),
  }
}

// Messages are label keys, so the form's errors come out in the page's language; the domain checks again.
const EditForm = z.object({
  title: z.string().trim().min(1, 'error.required').max(500, 'error.tooLong'),
  body: z.string().refine((body) => body.trim().length > 0, 'error.required'),
  tags: z
    .string()
    .max(5000, 'error.tooLong')
    .default('')
    .transform((tags) => [
      ...new Set(
        tags
          .split(',')
          .map((tag) => tag.trim())
          .filter(Boolean),
      ),
    ]),
  language: z.string().refine((code) => /^[a-z]{2}$/.test(code) && isKnownLanguage(code), 'error.choose'),
  department: z.enum(departments, { message: 'error.choose' }),
  expectedUpdatedAt: z.string().optional(),
})

const articleNotices: Record<string, ArticleNotice> = {
  published: 'published',
  savedDraft: 'savedDraft',
  savedPublished: 'savedPublished',
}

/** Knowledge-base view: search and articles for everyone signed in; drafts and publishing for leads. */
export function knowledgeUiRoutes(deps: Deps) {
  const tz = deps.config.ui.timeZone
  const leads = signedIn(deps, ['lead', 'admin'])

  async function showArticle(c: Context<UiEnv>, id: string, status: number, extra: { notice?: ArticleNotice; conflict?: string } = {}) {
    const article = await getArticle(deps, id)
    return page(c, status, <ArticlePage view={viewOf(c, tz)} article={article} {...extra} />)
  }

  async function browseArticles(query: Record<string, string>) {
    const filter = browseFilterOf(query)
    const list = await listArticles(deps, {
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.language ? { language: filter.language } : {}),
      ...(filter.department ? { department: filter.department } : {}),
      ...(filter.tag ? { tag: filter.tag } : {}),
      limit: pageSize,
      cursor: filter.cursor,
    })
    return { filter, ...list }
  }

  return new Hono<UiEnv>()
    .use('/kb', signedIn(deps))
    .use('/kb/drafts', leads)
    .use('/kb/articles/:id/publish', leads)
    .use('/kb/articles/:id/edit', leads)
    .use('/kb/*', signedIn(deps))
    .get('/kb', async (c) => {
      const q = withoutNul(c.req.query('q') ?? '')
        .trim()
        .slice(0, 2000)
      const asked = c.req.query('department')
      const department = asked === 'technical' || asked === 'commercial' ? asked : ''
      const result = q
        ? await searchKnowledge(deps, {
            q,
            k: resultCount,
            ...(department ? { department } : {}),
            // An agent asking in German finds the article that exists only in English, as triage does.
            queryLanguage: detectLanguage(q).language,
            signal: c.req.raw.signal,
          })
        : undefined
      const browse = q ? undefined : await browseArticles(c.req.query())
      return page(c, 200, <SearchPage view={viewOf(c, tz)} q={q} department={department} result={result} browse={browse} />)
    })
    .get('/kb/drafts', async (c) => {
      const list = await listArticles(deps, { status: 'draft', limit: 100 })
      return page(c, 200, <DraftsPage view={viewOf(c, tz)} drafts={list.items} />)
    })
    .get('/kb/articles/:id', (c) => {
      const notice = articleNotices[c.req.query('done') ?? '']
      return showArticle(c, c.req.param('id'), 200, notice ? { notice } : {})
    })
    .get('/kb/articles/:id/edit', async (c) =>
      page(c, 200, <EditArticlePage view={viewOf(c, tz)} article={await getArticle(deps, c.req.param('id'))} />),
    )
    .post('/kb/articles/:id/edit', async (c) => {
      const id = c.req.param('id')
      const values: FormValues = c.get('form')
      const again = async (status: number, extra: { errors?: Record<string, string>; conflict?: boolean }) =>
        page(c, status, <EditArticlePage view={viewOf(c, tz)} article={await getArticle(deps, id)} values={values} {...extra} />)
      const checked = validateForm(EditForm, values, c.get('t'))
      if (!checked.ok) return again(422, { errors: checked.errors })
      let saved: Awaited<ReturnType<typeof editArticle>>
      try {
        saved = await editArticle(deps, c.get('principal'), id, checked.data)
      } catch (error) {
        if (error instanceof AppError && error.code === 'conflict') return again(409, { conflict: true })
        if (error instanceof AppError && error.code === 'not_found') throw error
        return again(422, { errors: fieldErrorsOf(error, c.get('t')) })
      }
      return c.redirect(`/ui/kb/articles/${id}?done=${saved.status === 'draft' ? 'savedDraft' : 'savedPublished'}`, 303)
    })
    .post('/kb/articles/:id/publish', async (c) => {
      const id = c.req.param('id')
      try {
        await publishArticle(deps, c.get('principal'), id)
      } catch (error) {
        if (error instanceof AppError && (error.code === 'conflict' || error.code === 'validation_failed'))
          return showArticle(c, id, httpStatusOf(error), { conflict: error.message })
        throw error
      }
      return c.redirect(`/ui/kb/articles/${id}?done=published`, 303)
    })
}
