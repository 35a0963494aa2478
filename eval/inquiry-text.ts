import type { TriageInput } from '../src/triage/triage-input.js'

/**
 * The text triage embeds, classifies and searches with: subject and body, as analyzeInquiry joins
 * them, and the length its retrieval query is cut to. The pipeline keeps both private; if it changes
 * how it builds the text, change this too (the eval's retrieval would otherwise query something else).
 */
export function inquiryText(input: Pick<TriageInput, 'subject' | 'body'>): string {
  return [input.subject?.trim(), input.body.trim()].filter(Boolean).join('\n\n')
}

export const retrievalQueryLength = 2000
