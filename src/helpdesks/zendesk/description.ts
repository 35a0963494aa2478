// {{ticket.description}} is the ticket's first comment as Zendesk renders comments in notifications: a
// rule of dashes, a blank line, "<author>, <date and time>" in the account's language (English
// "May 14, 2024, 11:30", German "14. Mai 2024, 11:30"), a blank line, then the text. Left in, the
// header's name and month word outweigh a short text and language detection guesses wrong.

/** The dashes, blank lines, and one line with a comma and a four-digit year; nothing less counts as the header. */
const commentHeader = /^\s*-{10,}[ \t]*\r?\n(?:[ \t]*\r?\n)*[ \t]*[^\r\n]{1,200},[^\r\n]*\b(?:19|20)\d{2}\b[^\r\n]{0,40}\r?\n/

/** The comment text without Zendesk's rendered header; anything else (a non-string, a text without it) unchanged. */
export function withoutCommentHeader(description: unknown): unknown {
  if (typeof description !== 'string') return description
  const header = commentHeader.exec(description)
  return header ? description.slice(header[0].length) : description
}
