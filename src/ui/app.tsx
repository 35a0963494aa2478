import { Hono, type Context } from 'hono'
import type { Deps } from '../deps.js'
import type { RateLimits } from '../http/limits/rate-limits.js'
import { AppError } from '../errors.js'
import { httpStatusOf } from '../http/problem.js'
import { stylesheet } from './assets.js'
import type { UiEnv } from './env.js'
import { pageOfAction } from './forms.js'
import { translator } from './i18n.js'
import { renderError, uiBasics, uiSecurityHeaders } from './middleware.js'
import type { ErrorKind } from './pages/errors.js'
import { escalationUiRoutes } from './routes/escalations.js'
import { inquiryUiRoutes } from './routes/inquiries.js'
import { knowledgeUiRoutes } from './routes/knowledge.js'
import { policyUiRoutes } from './routes/policy.js'
import { staffingUiRoutes } from './routes/staffing.js'
import { reportsUiRoutes } from './routes/reports.js'
import { insightUiRoutes } from './routes/insights.js'
import { sessionRoutes } from './routes/session.js'

/**
 * The web UI, mounted at /ui: server-rendered pages over the same verbs as the JSON API. A plain Hono
 * router, so none of it enters the OpenAPI document; errors become HTML pages, not problem+json.
 */
export function uiRoutes(deps: Deps, rateLimits?: RateLimits): Hono<UiEnv> {
  const ui = new Hono<UiEnv>()
  // Before the middleware: the stylesheet needs neither a session nor a language.
  ui.get('/assets/app.css', (c) =>
    c.body(stylesheet, 200, {
      'Content-Type': 'text/css; charset=utf-8',
      'Cache-Control': 'public, max-age=300',
      'X-Content-Type-Options': 'nosniff',
    }),
  )
  ui.use('*', uiSecurityHeaders())
  ui.use('*', async (_c, next) => {
    if (deps.startup.phase !== 'ready') {
      throw new AppError('service_unavailable', `The service is ${deps.startup.phase === 'failed' ? 'not' : 'still'} starting.`, {
        headers: { 'Retry-After': '5' },
      })
    }
    await next()
  })
  ui.use('*', uiBasics(deps))
  ui.route('/', sessionRoutes(deps, rateLimits))
  ui.route('/', inquiryUiRoutes(deps))
  ui.route('/', escalationUiRoutes(deps))
  ui.route('/', knowledgeUiRoutes(deps))
  ui.route('/', policyUiRoutes(deps))
  ui.route('/', staffingUiRoutes(deps))
  ui.route('/', reportsUiRoutes(deps))
  ui.route('/', insightUiRoutes(deps))
  // A GET of a form's action (a bookmark, a reload after the resume page) goes to the page it belongs to.
  ui.all('*', (c) => {
    const target = pageOfAction(c.req.path)
    return c.req.method === 'GET' && target !== c.req.path ? c.redirect(target, 303) : renderError(c, deps, 404, 'not_found')
  })
  ui.onError(handleUiError(deps))
  return ui
}

const kinds: Partial<Record<AppError['code'], ErrorKind>> = { not_found: 'not_found', forbidden: 'forbidden' }

/** Every error of a UI request as a page in the reader's language; unknown errors are logged with their stack. */
function handleUiError(deps: Deps) {
  return (error: Error, c: Context<UiEnv>) => {
    if (!c.get('t')) {
      c.set('lang', 'en')
      c.set('t', translator('en'))
    }
    if (error instanceof AppError) {
      if (httpStatusOf(error) >= 500) deps.logger.warn({ requestId: c.get('requestId'), code: error.code }, error.message)
      const kind = kinds[error.code] ?? 'failed'
      return renderError(c, deps, httpStatusOf(error), kind, kind === 'failed' ? error.message : undefined)
    }
    deps.logger.error({ requestId: c.get('requestId'), err: error.message, stack: error.stack }, 'unhandled error in the web UI')
    return renderError(c, deps, 500, 'failed')
  }
}
