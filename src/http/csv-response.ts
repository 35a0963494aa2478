import type { Context } from 'hono'

// Every report answers JSON by default and CSV when the client ranks text/csv above JSON (a spreadsheet's
// download or `Accept: text/csv`): one negotiation and one response shape for all of them.

/** True when Accept ranks text/csv above JSON (`*` wildcards stand for JSON, the default). */
export function prefersCsv(accept: string | undefined): boolean {
  let csv = 0
  let json = 0
  for (const part of (accept ?? '').split(',')) {
    const [type = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase())
    const q = Number(parameters.find((parameter) => parameter.startsWith('q='))?.slice(2) ?? '1')
    const weight = Number.isFinite(q) ? q : 0
    if (type === 'text/csv') csv = Math.max(csv, weight)
    else if (['application/json', 'application/*', '*/*'].includes(type)) json = Math.max(json, weight)
  }
  return csv > 0 && csv >= json
}

/** A CSV document as a download named `fileName`. */
export function csvDownload(c: Context, body: string, fileName: string) {
  return c.body(body, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${fileName}"`,
  })
}
