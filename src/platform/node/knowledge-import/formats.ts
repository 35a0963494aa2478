import { parse as parseCsvText } from 'csv-parse/sync'
import matter from 'gray-matter'
import { convert as htmlToText } from 'html-to-text'
import { withoutNulDeep } from '../../../storage/nul.js'

/** An article as read from a file: not yet validated (the ingest step does that, per article). */
export type RawArticle = Record<string, unknown>

export const supportedExtensions = ['.md', '.markdown', '.html', '.htm', '.csv', '.jsonl', '.ndjson'] as const

/** Field names other exports use for ours, so common exports import without editing. */
const aliases: Record<string, string> = {
  id: 'externalId',
  external_id: 'externalId',
  externalid: 'externalId',
  text: 'body',
  content: 'body',
  lang: 'language',
  locale: 'language',
}
const known = new Set(['externalId', 'title', 'body', 'language', 'department', 'tags', 'url'])

/** Keeps our fields (under their aliases too) and drops the rest, so foreign exports do not fail `.strict()`. */
export function normalizeRecord(record: Record<string, unknown>): RawArticle {
  const article: RawArticle = {}
  for (const [key, value] of Object.entries(record)) {
    const name = aliases[key] ?? aliases[key.toLowerCase()] ?? key
    if (!known.has(name) || value === undefined || value === null || value === '') continue
    if (!(name in article)) article[name] = value
  }
  if (typeof article.tags === 'string')
    article.tags = article.tags
      .split(/[;,]/)
      .map((tag) => tag.trim())
      .filter(Boolean)
  if (typeof article.language === 'string') article.language = article.language.slice(0, 2).toLowerCase()
  return article
}

export function parseMarkdown(text: string, baseName: string): RawArticle[] {
  const { data, content } = matter(text)
  const heading = /^#\s+(.+)$/m.exec(content)?.[1]?.trim()
  return [{ externalId: baseName, ...(heading ? { title: heading } : {}), ...normalizeRecord(data), body: content.trim() }]
}

export function parseHtml(text: string, baseName: string): RawArticle[] {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1] ?? /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(text)?.[1]
  const language = /<html[^>]*\blang=["']?([a-zA-Z]{2})/i.exec(text)?.[1]
  // Headings become Markdown markers first, so the chunker still sees the article's structure.
  const marked = text.replace(
    /<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/gi,
    (_, level: string, inner: string) => `<p>${'#'.repeat(Number(level))} ${stripTags(inner)}</p>`,
  )
  const body = htmlToText(marked, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
    ],
  })
  return [
    {
      externalId: baseName,
      ...(title ? { title: stripTags(title) } : {}),
      ...(language ? { language: language.toLowerCase() } : {}),
      body,
    },
  ]
}

export function parseCsv(text: string): RawArticle[] {
  const rows = parseCsvText(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Array<Record<string, unknown>>
  return rows.map(normalizeRecord)
}

export function parseJsonLines(text: string): RawArticle[] {
  return text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, number }) => {
      try {
        return normalizeRecord(withoutNulDeep(JSON.parse(line) as Record<string, unknown>))
      } catch {
        throw new Error(`line ${number} is not valid JSON`)
      }
    })
}

/** Parses one file's text by its extension; throws with a readable reason when the file is unusable. */
export function parseArticles(text: string, fileName: string): RawArticle[] {
  const extension = fileName.slice(fileName.lastIndexOf('.')).toLowerCase()
  const baseName = fileName.slice(fileName.lastIndexOf('/') + 1, fileName.lastIndexOf('.'))
  if (text.includes('\u0000')) throw new Error('binary file, not text')
  switch (extension) {
    case '.md':
    case '.markdown':
      return parseMarkdown(text, baseName)
    case '.html':
    case '.htm':
      return parseHtml(text, baseName)
    case '.csv':
      return parseCsv(text)
    case '.jsonl':
    case '.ndjson':
      return parseJsonLines(text)
    default:
      throw new Error(`unsupported file type ${extension || '(none)'}; use ${supportedExtensions.join(', ')}`)
  }
}

function stripTags(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim()
}
