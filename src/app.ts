import { OpenAPIHono } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { methodNotAllowed } from 'hono/method-not-allowed'
import { requestId } from 'hono/request-id'
import { createKeyCache } from './auth/key-cache.js'
import type { Deps } from './deps.js'
import { AppError } from './errors.js'
import type { AppEnv } from './http/env.js'
import { accessLog } from './http/middleware/access-log.js'
import { authenticate } from './http/middleware/auth.js'
import { dropNulFromJsonBody, refuseNulInUrl } from './http/middleware/nul-characters.js'
import { bodyRoutesOf, requireJsonBody } from './http/middleware/require-json.js'
import { requireStarted } from './http/middleware/require-started.js'
import { transportSecurity } from './http/middleware/transport-security.js'
import { handleError, problemResponse } from './http/problem.js'
import { apiKeyRoutes } from './http/routes/api-keys.js'
import { healthRoutes } from './http/routes/health.js'
import { ArticleInputDoc, knowledgeRoutes } from './http/routes/knowledge.js'
import { triageRoutes } from './http/routes/triage.js'
import { exampleRoutes } from './http/routes/examples.js'
import { integrationRoutes } from './http/routes/integrations.js'
import { jobRoutes } from './http/routes/jobs.js'
import { auditRoutes } from './http/routes/audit.js'
import { escalationRoutes } from './http/routes/escalations.js'
import { escalationPolicyRoutes } from './http/routes/escalation-policy.js'
import { accountRoutes } from './http/routes/accounts.js'
import { inquiryRoutes } from './http/routes/inquiries.js'
import { dataSubjectRoutes } from './http/routes/data-subjects.js'
import { staffingRoutes } from './http/routes/staffing.js'
import { reportRoutes } from './http/routes/reports.js'
import { insightRoutes } from './http/routes/report-insights.js'
import { webhookRoutes } from './http/routes/webhooks.js'
import { createRouter } from './http/router.js'
import { mountApiReference } from './http/docs/docs-route.js'
import type { OpenApiDocument } from './http/docs/page.js'
import { limitTriageConcurrency } from './http/limits/concurrency.js'
import { createRateLimits, limitFailedAuthentication, limitPerAddress, limitPerKey } from './http/limits/rate-limits.js'
import { uiRoutes } from './ui/app.js'

export const serviceVersion = '0.1.0'

function bodyLimitOf(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError('payload_too_large', `The body is larger than the limit of ${maxSize} bytes.`)
    },
  })
}

const openApiInfo = {
  openapi: '3.1.0',
  info: {
    title: 'inquiry-triage',
    version: serviceVersion,
    description:
      'Triage of customer-service inquiries. Every /v1 route but the webhooks needs `Authorization: Bearer <api key>`; errors are RFC 9457 problem details.',
  },
}

/** Builds the whole HTTP service from its dependencies; entry points only serve what this returns. */
export function createApp(deps: Deps): OpenAPIHono<AppEnv> {
  const app = createRouter()

  app.use('*', requestId({ limitLength: 100 }))
  app.use('*', accessLog(deps.logger))
  app.use('*', transportSecurity(deps.config.tls))
  app.use(
    '*',
    methodNotAllowed({
      app,
      onMethodNotAllowed: (_c, methods) => {
        throw new AppError('method_not_allowed', `Use one of: ${methods.join(', ')}.`, { headers: { Allow: methods.join(', ') } })
      },
    }),
  )
  const rateLimits = createRateLimits(deps)
  app.use('*', limitPerAddress(rateLimits))
  app.use('/v1/*', requireStarted(deps))
  app.use('/v1/*', limitFailedAuthentication(rateLimits))
  // Webhooks authenticate by their signature over the raw body, and check its type only after that.
  const unlessWebhook =
    (middleware: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> =>
    (c, next) =>
      c.req.path.startsWith('/v1/webhooks/') ? next() : middleware(c, next)
  app.use('/v1/*', unlessWebhook(requireJsonBody(bodyRoutesOf(app.openAPIRegistry))))
  const keyCache = createKeyCache()
  app.use('/v1/*', unlessWebhook(authenticate(deps, keyCache)))
  app.use('/v1/*', limitPerKey(rateLimits))
  app.use('/v1/triage', limitTriageConcurrency(deps.config.triageLimit))
  // Bodies are read only after authentication, so an unknown caller's upload is never buffered; bulk
  // knowledge-base uploads (up to 500 articles of up to 1 MB) get their own, larger limit.
  const limits = [bodyLimitOf(deps.config.kbImportBodyLimitBytes), bodyLimitOf(deps.config.bodyLimitBytes)] as const
  app.use('*', (c, next) => (c.req.method === 'POST' && c.req.path === '/v1/kb/articles' ? limits[0] : limits[1])(c, next))
  app.use('/v1/*', refuseNulInUrl())
  app.use('/v1/*', unlessWebhook(dropNulFromJsonBody()))

  app.route('/', healthRoutes(deps))
  app.route('/', apiKeyRoutes(deps, keyCache))
  app.route('/', knowledgeRoutes(deps))
  app.route('/', triageRoutes(deps))
  app.route('/', exampleRoutes(deps))
  app.route('/', integrationRoutes(deps))
  app.route('/', webhookRoutes(deps))
  app.route('/', jobRoutes(deps))
  app.route('/', inquiryRoutes(deps))
  app.route('/', escalationRoutes(deps))
  app.route('/', escalationPolicyRoutes(deps))
  app.route('/', accountRoutes(deps))
  app.route('/', auditRoutes(deps))
  app.route('/', dataSubjectRoutes(deps))
  app.route('/', staffingRoutes(deps))
  app.route('/', reportRoutes(deps))
  app.route('/', insightRoutes(deps))
  app.openAPIRegistry.register('ArticleInput', ArticleInputDoc)

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' })
  app.doc31('/openapi.json', openApiInfo)
  // Rendered here, not by a script from a CDN: no third-party origin sees who reads the reference.
  mountApiReference(app, () => app.getOpenAPI31Document(openApiInfo) as unknown as OpenApiDocument)
  // The web UI: HTML pages with their own sign-in and error pages, outside the OpenAPI document.
  app.route('/ui', uiRoutes(deps, rateLimits))
  app.get('/', (c) => c.redirect('/ui', 302))

  // Returned, not thrown: methodNotAllowed turns a plain 404 into 405 when the path exists.
  app.notFound((c) => problemResponse(c, new AppError('not_found', `No route for ${c.req.method} ${c.req.path}.`)))
  app.onError(handleError(deps.logger))
  return app
}
