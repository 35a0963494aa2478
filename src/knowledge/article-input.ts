import { z } from 'zod'
import { webUrl } from '../web-url.js'

export const departments = ['technical', 'commercial', 'both'] as const
export type ArticleDepartment = (typeof departments)[number]

export const maxArticleBodyBytes = 1024 * 1024

/** Bodies that are really binary (a PDF pasted as text, say) carry NULs or many control characters. */
function looksBinary(text: string): boolean {
  if (text.includes('\u0000') || text.includes('\uFFFD')) return true
  const controls = text.match(/[\u0001-\u0008\u000E-\u001F\u007F]/g)?.length ?? 0
  return controls > Math.max(2, text.length * 0.01)
}

// Intl knows the ISO 639 codes it can name; "xx" or "zz" are two letters but no language.
const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' })
export const isKnownLanguage = (code: string) => languageNames.of(code) !== undefined

/** The editable fields of an article, each validated once: the upsert and the draft editor share them. */
export const articleFields = {
  title: z.string().trim().min(1, 'must not be empty').max(500),
  body: z
    .string()
    .refine((body) => body.trim().length > 0, 'must not be empty')
    .refine((body) => new TextEncoder().encode(body).length <= maxArticleBodyBytes, 'must be at most 1 MB')
    .refine((body) => !looksBinary(body), 'looks like binary data, not text'),
  language: z
    .string()
    .regex(/^[a-z]{2}$/, { message: 'must be a two-letter ISO 639-1 code such as "de" or "en"', abort: true })
    .refine(isKnownLanguage, 'is not a known ISO 639-1 language code'),
  department: z.enum(departments),
  tags: z.array(z.string().trim().min(1).max(100)).max(50),
}

/** One knowledge-base article as callers send it; `externalId` is their id, the upsert key. */
export const ArticleInputSchema = z
  .object({
    externalId: z.string().trim().min(1).max(200),
    title: articleFields.title,
    body: articleFields.body,
    language: articleFields.language.default('en'),
    department: articleFields.department.default('both'),
    tags: articleFields.tags.default([]),
    url: webUrl.optional(),
  })
  .strict()

export type ArticleInput = z.output<typeof ArticleInputSchema>

/** Full-text configuration for a language: stemming for German and English, plain words otherwise. */
export function textSearchConfig(language: string): 'german' | 'english' | 'simple' {
  if (language === 'de') return 'german'
  if (language === 'en') return 'english'
  return 'simple'
}
