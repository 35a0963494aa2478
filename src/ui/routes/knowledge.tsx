import { Hono, type Context } from 'hono'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { httpStatusOf } from '../../http/problem.js'
import { getArticle, listArticles } from '../../knowledge/articles.js'
import { publishArticle } from '../../knowledge/publish.js'
import { searchKnowledge } from '../../knowledge/search.js'
import { withoutNul } from '../../storage/nul.js'
import type { UiEnv } from '../env.js'
import { signedIn } from '../middleware.js'
import { ArticlePage, DraftsPage, SearchPage } from '../pages/knowledge.js'
import { page, viewOf } from '../render.js'

const resultCount = 10

/** Knowledge-base view: search and articles for everyone signed in; drafts and publishing for leads. */
export function knowledgeUiRoutes(deps: Deps) {
  const tz = deps.config.ui.timeZone
  const leads = signedIn(deps, ['lead', 'admin'])

  async function showArticle(c: Context<UiEnv>, id: string, status: number, extra: { notice?: 'published'; conflict?: string } = {}) {
    const article = await getArticle(deps, id)
    return page(c, status, <ArticlePage view={viewOf(c, tz)} article={article} {...extra} />)
  }

  return new Hono<UiEnv>()
    .use('/kb', signedIn(deps))
    .use('/kb/drafts', leads)
    .use('/kb/articles/:id/publish', leads)
    .use('/kb/*', signedIn(deps))
    .get('/kb', async (c) => {
      const q = withoutNul(c.req.query('q') ?? '')
        .trim()
        .slice(0, 2000)
      const asked = c.req.query('department')
      const department = asked === 'technical' || asked === 'commercial' ? asked : ''
      const result = q
        ? await searchKnowledge(deps, { q, k: resultCount, ...(department ? { department } : {}), signal: c.req.raw.signal })
        : undefined
      return page(c, 200, <SearchPage view={viewOf(c, tz)} q={q} department={department} result={result} />)
    })
    .get('/kb/drafts', async (c) => {
      const list = await listArticles(deps, { status: 'draft', limit: 100 })
      return page(c, 200, <DraftsPage view={viewOf(c, tz)} drafts={list.items} />)
    })
    .get('/kb/articles/:id', (c) =>
      showArticle(c, c.req.param('id'), 200, c.req.query('done') === 'published' ? { notice: 'published' } : {}),
    )
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
