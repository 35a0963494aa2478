import type { TestApp } from './app.js'

/** A page as the tests look at it: status, headers, and the HTML text. */
export interface UiPage {
  status: number
  headers: Headers
  html: string
  location: string | null
}

/**
 * A minimal browser for the web UI, in-process: keeps cookies like a browser would (name=value, deleted
 * by Max-Age=0) and sends forms url-encoded. No JavaScript, which is the point: the UI must work without.
 */
export function uiClient(t: TestApp, options: { headers?: Record<string, string> } = {}) {
  const jar = new Map<string, string>()
  const store = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';')
      const at = pair.indexOf('=')
      const name = pair.slice(0, at)
      const value = pair.slice(at + 1)
      if (/max-age=0\b/i.test(cookie) || value === '') jar.delete(name)
      else jar.set(name, value)
    }
  }
  async function request(
    method: string,
    path: string,
    form?: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<UiPage> {
    const all: Record<string, string> = { ...options.headers, ...headers }
    if (jar.size) all.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
    if (form) all['content-type'] = 'application/x-www-form-urlencoded'
    const response = await t.app.request(path, { method, headers: all, body: form ? new URLSearchParams(form).toString() : undefined })
    store(response)
    return { status: response.status, headers: response.headers, html: await response.text(), location: response.headers.get('location') }
  }
  const client = {
    jar,
    get: (path: string, headers?: Record<string, string>) => request('GET', path, undefined, headers),
    post: (path: string, form: Record<string, string>, headers?: Record<string, string>) => request('POST', path, form, headers),
    /** Opens the sign-in page and sends the key with the page's CSRF token; returns the answer to the POST. */
    async signIn(key: string, extra: Record<string, string> = {}) {
      const signInPage = await client.get('/ui/sign-in')
      return client.post('/ui/sign-in', { _csrf: hiddenValue(signInPage.html, '_csrf'), key, ...extra })
    },
    /** The CSRF token of the forms on a signed-in page. */
    async csrf(path = '/ui/kb') {
      return hiddenValue((await client.get(path)).html, '_csrf')
    },
  }
  return client
}

/** The value of a hidden input (or any input) by name; HTML entities for quotes and ampersands undone. */
export function hiddenValue(html: string, name: string): string {
  const match =
    new RegExp(`<input[^>]*name="${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*value="([^"]*)"`).exec(html) ??
    new RegExp(`<input[^>]*value="([^"]*)"[^>]*name="${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`).exec(html)
  if (!match) throw new Error(`no input named ${name} in the page`)
  return decode(match[1]!)
}

export const decode = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
