// What a failed job records as its lastError, which admins read through GET /v1/jobs: the error's
// message, one line, without a stack trace (file paths of the installation), without what an upstream
// answered after its status (an answer may quote the customer), short, and storable (no NUL).
import { withoutNul } from '../storage/nul.js'

const maxChars = 300

// `... answered 502: <body>`, as write-back errors were stored before they left the body out.
const answeredWithBody = /\b(answered \d{3})\b:.*$/s
// The installation's own files (file:///srv/app/x.js, /srv/app/src/x.ts:12:5, C:\app\x.js), as a
// message may quote them; an API path such as /api/v2/tickets/7.json stays, it says what failed.
const filePath = /file:\/\/\S+|(?:\/[\w.@~+-]+)+\.(?:[cm]?[jt]sx?|node)\b(?::\d+)*|\b[A-Za-z]:\\[^\s'"]+/g

/** The lastError text of a failure: the message only, sanitised. */
export function jobErrorText(error: unknown): string {
  return sanitizeJobError(error instanceof Error ? `${error.name}: ${error.message}` : String(error))
}

/** Also applied when jobs are listed, so rows stored before this rule show no more than new ones. */
export function sanitizeJobError(text: string): string {
  const firstLine = withoutNul(text).split('\n', 1)[0]!.trim()
  const cleaned = firstLine.replace(answeredWithBody, '$1').replace(filePath, '[path]')
  return cleaned.length > maxChars ? `${cleaned.slice(0, maxChars - 1)}…` : cleaned
}
