import type { Context } from 'hono'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { UiEnv } from './env.js'
import { formatterFor } from './format.js'
import { pageOfAction } from './forms.js'
import type { View } from './layout.js'

/** The page's view: labels, session, and its own address (for a POST, the page the form belongs to). */
export function viewOf(c: Context<UiEnv>, timeZone: string): View {
  const url = new URL(c.req.url)
  const path = c.req.method === 'POST' ? pageOfAction(url.pathname) : `${url.pathname}${url.search}`
  const names = c.get('reasonNames') ?? {}
  const lang = c.get('lang')
  return {
    t: c.get('t'),
    lang,
    session: c.get('session'),
    path,
    timeZone,
    format: formatterFor(lang, timeZone),
    requestId: c.get('requestId') ?? 'unknown',
    reasonName: (code) => names[code] ?? code,
  }
}

/** A whole HTML document; pages show people's data, so no cache keeps them. */
export async function page(c: Context<UiEnv>, status: number, element: HtmlEscapedString | Promise<HtmlEscapedString>): Promise<Response> {
  c.header('Cache-Control', 'no-store')
  return c.html(`<!DOCTYPE html>${await element}`, status as 200)
}
