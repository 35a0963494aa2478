import type { UiSession } from '../auth/sessions.js'
import type { AppEnv } from '../http/env.js'
import type { Language, Translate } from './i18n.js'

/** What every UI handler can read from the context: the language, its labels and the session, if any. */
export interface UiEnv {
  Variables: AppEnv['Variables'] & {
    lang: Language
    t: Translate
    session: UiSession | undefined
    /** Names of the escalation reasons in the reader's language, from the policy in force (signed-in pages). */
    reasonNames: Record<string, string>
    /** The form fields of a POST, read once (the CSRF check needs them before the handler does). */
    form: FormValues
  }
}

/** A submitted form: one string per field (a repeated field keeps its last value). */
export type FormValues = Record<string, string>
