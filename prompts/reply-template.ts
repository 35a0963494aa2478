import { articleLanguageNote } from './article-language-note.js'
import { salutation } from './salutation.js'

/**
 * The reply an agent gets when no LLM is configured: salutation, the knowledge-base passage that answers,
 * a link, and a closing. Formal "Sie" in German. Versioned like the LLM prompts, because a changed
 * wording changes what agents send (version 2: salutations from salutation.ts instead of "Guten Tag <name>,").
 */
export const replyTemplate = {
  id: 'reply-template',
  version: 2,
  render(input: {
    language: string
    customerName?: string | undefined
    title: string
    passage: string
    url?: string | null | undefined
    articleLanguage?: string
  }): {
    text: string
    language: 'de' | 'en'
  } {
    const language = input.language === 'de' ? 'de' : 'en'
    const passage = cleanPassage(input.passage)
    if (language === 'de') {
      return {
        language,
        text: [
          salutation(input.customerName, language),
          `vielen Dank für Ihre Nachricht. Die folgende Information aus unserem Hilfebereich („${input.title}“) sollte Ihnen weiterhelfen:`,
          passage,
          ...articleLanguageNote(language, input.articleLanguage),
          ...(input.url ? [`Ausführliche Informationen finden Sie hier: ${input.url}`] : []),
          'Sollten Sie weitere Fragen haben, antworten Sie gern auf diese Nachricht.',
          'Mit freundlichen Grüßen\nIhr Kundenservice',
        ].join('\n\n'),
      }
    }
    return {
      language,
      text: [
        salutation(input.customerName, language),
        `Thank you for your message. The following information from our help centre ("${input.title}") should help:`,
        passage,
        ...articleLanguageNote(language, input.articleLanguage),
        ...(input.url ? [`You can find more details here: ${input.url}`] : []),
        'If you have any further questions, simply reply to this message.',
        'Kind regards\nYour customer service team',
      ].join('\n\n'),
    }
  },
}

const maxPassageLength = 900

/** Markdown markers out, whitespace tidied, cut at a sentence end so the reply stays readable. */
function cleanPassage(passage: string): string {
  const text = passage
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
  if (text.length <= maxPassageLength) return text
  const cut = text.slice(0, maxPassageLength)
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('.\n'))
  return end > maxPassageLength / 2 ? cut.slice(0, end + 1) : `${cut.trimEnd()} …`
}
