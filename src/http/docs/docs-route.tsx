import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../env.js'
import { docsStylesheet } from './docs-css.js'
import { ApiReferencePage, type OpenApiDocument } from './page.js'

/** Nothing but this origin's stylesheet: no script, no fonts or images from elsewhere, no framing. */
export const docsContentSecurityPolicy = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ')

const securityHeaders = {
  'Content-Security-Policy': docsContentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
}

/** GET /docs: the API reference rendered here from the app's own OpenAPI document, and its stylesheet. */
export function mountApiReference(app: OpenAPIHono<AppEnv>, documentOf: () => OpenApiDocument): void {
  let html: string | undefined
  app.get('/docs', async (c) => {
    html ??= `<!DOCTYPE html>${await (<ApiReferencePage document={documentOf()} />)}`
    return c.html(html, 200, { ...securityHeaders, 'Cache-Control': 'no-cache' })
  })
  app.get('/docs/docs.css', (c) =>
    c.body(docsStylesheet, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=300', ...securityHeaders }),
  )
}
