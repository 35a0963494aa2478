import type { Context } from 'hono'
import type { z } from 'zod'
import { AppError } from '../errors.js'
import { withoutNul } from '../storage/nul.js'
import type { FormValues, UiEnv } from './env.js'
import { isLabelKey, type Translate } from './i18n.js'

/** Field name → the message shown next to it, already in the page's language. */
export type FieldErrors = Record<string, string>

/** Reads a url-encoded or multipart form into one string per field; files and anything else are ignored. */
export async function readForm(c: Context<UiEnv>): Promise<FormValues> {
  const type = c.req.header('content-type') ?? ''
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return {}
  const body = await c.req.parseBody({ all: true })
  const values: FormValues = {}
  for (const [name, value] of Object.entries(body)) {
    const last = Array.isArray(value) ? value[value.length - 1] : value
    // NULs cannot be stored; see storage/nul.ts.
    if (typeof last === 'string') values[name] = withoutNul(last)
  }
  return values
}

export type Validated<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors }

/**
 * Checks a form against a zod schema whose messages are label keys ('error.required'), so the
 * messages come out in the page's language; the first problem of each field wins.
 */
export function validateForm<S extends z.ZodType>(schema: S, values: FormValues, t: Translate): Validated<z.output<S>> {
  const result = schema.safeParse(values)
  if (result.success) return { ok: true, data: result.data }
  const errors: FieldErrors = {}
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_form')
    errors[field] ??= isLabelKey(issue.message) ? t(issue.message) : t('error.invalid')
  }
  return { ok: false, errors }
}

/** The field errors a verb reported (422), in the shape the form shows; other errors are rethrown. */
export function fieldErrorsOf(error: unknown, t: Translate): FieldErrors {
  if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error
  const errors: FieldErrors = {}
  for (const item of error.errors ?? [{ field: '_form', message: error.message }])
    errors[item.field.split('.')[0]!] ??= item.message || t('error.invalid')
  return errors
}

/** True for paths of this UI only: the target of `next` and of a resumed form, never another site. */
export function isUiPath(value: unknown): value is string {
  return typeof value === 'string' && /^\/ui(?:[/?#]|$)/.test(value) && !/[\\\u0000-\u001f]/.test(value) && value.length <= 2000
}

/** The page a form's action belongs to: where to go back to after it, or instead of it. */
export function pageOfAction(action: string): string {
  if (action === '/ui/sign-out') return '/ui'
  if (action === '/ui/reports/knowledge-gaps/drafts') return '/ui/reports/knowledge-gaps'
  return action.replace(/\/(claim|release|resolve|feedback|publish)$/, '') || '/ui'
}
