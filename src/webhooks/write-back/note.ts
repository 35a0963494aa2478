// The internal note and the tags a triage result becomes in a helpdesk. The note's first line is the
// marker plus the inquiry id: a retried write-back finds it and knows the note is already there.
import type { TriageResult } from '../../triage/triage-result.js'
import { writeBackMarker, writeBackTag } from '../types.js'

export interface RenderedNote {
  text: string
  html: string
}

type NoteLanguage = 'de' | 'en'

const labels = {
  de: {
    summary: (department: string, confidence: string) => `KI-Triage: Abteilung ${department}, Konfidenz ${confidence}`,
    departments: { technical: 'Technik', commercial: 'Kaufmännisch' },
    escalated: (score: string, due: string | undefined) =>
      `Eskalation: ja (Score ${score}).${due ? ` Bitte bearbeiten Sie diese Anfrage bis ${due}.` : ''}`,
    notEscalated: 'Eskalation: nein',
    reasons: 'Gründe:',
    suggestions: 'Antwortvorschläge (bitte prüfen Sie jeden Vorschlag vor dem Versenden):',
    noKnowledge: 'Kein passender Wissensartikel gefunden; bitte beantworten Sie die Anfrage selbst.',
    relevance: 'Relevanz',
    safetyFirst: 'Sicherheit zuerst: die Kundin oder der Kunde meldet eine Gefahr',
    article: 'Artikel',
  },
  en: {
    summary: (department: string, confidence: string) => `AI triage: department ${department}, confidence ${confidence}`,
    departments: { technical: 'technical', commercial: 'commercial' },
    escalated: (score: string, due: string | undefined) => `Escalation: yes (score ${score}).${due ? ` Please act by ${due}.` : ''}`,
    notEscalated: 'Escalation: no',
    reasons: 'Reasons:',
    suggestions: 'Suggested replies (review each before sending):',
    noKnowledge: 'No matching knowledge-base article; please answer this inquiry yourself.',
    relevance: 'relevance',
    safetyFirst: 'safety first: the customer reports a hazard',
    article: 'Article',
  },
} as const

/** The note's first line; exactly this text is searched for in the ticket before a note is added. */
export function noteMarker(inquiryId: string): string {
  return `${writeBackMarker} inquiry ${inquiryId}`
}

/** True when any of the texts (note bodies in any form the helpdesk returns) is our note for this inquiry. */
export function containsNoteFor(inquiryId: string, texts: Iterable<unknown>): boolean {
  const marker = noteMarker(inquiryId)
  for (const text of texts) if (typeof text === 'string' && text.includes(marker)) return true
  return false
}

function noteLanguage(language: string): NoteLanguage {
  return language.toLowerCase().startsWith('de') ? 'de' : 'en'
}

function decimal(value: number, language: NoteLanguage): string {
  const text = value.toFixed(2)
  return language === 'de' ? text.replace('.', ',') : text
}

function percent(value: number, language: NoteLanguage): string {
  const rounded = Math.round(value * 100)
  return language === 'de' ? `${rounded} %` : `${rounded}%`
}

// ISO-like and in UTC for both languages: agents across time zones read it the same way.
function dueText(dueAt: string | null): string | undefined {
  if (!dueAt) return undefined
  const date = new Date(dueAt)
  return Number.isNaN(date.getTime()) ? undefined : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

interface NoteParts {
  marker: string
  summary: string
  escalation: string
  reasons: Array<{ code: string; detail: string }>
  reasonsLabel: string
  suggestionsLabel: string
  suggestions: Array<{ heading: string; reference: string; reply: string }>
}

function noteParts(inquiryId: string, result: TriageResult): NoteParts {
  const language = noteLanguage(result.language)
  const words = labels[language]
  const escalation = result.escalation.escalate
    ? words.escalated(decimal(result.escalation.score, language), dueText(result.escalation.dueAt))
    : words.notEscalated
  return {
    marker: noteMarker(inquiryId),
    summary: words.summary(words.departments[result.department], percent(result.confidence, language)),
    escalation,
    reasons: result.escalation.reasons.map((reason) => ({ code: reason.code, detail: reason.detail })),
    reasonsLabel: words.reasons,
    suggestionsLabel: result.suggestions.length > 0 ? words.suggestions : words.noKnowledge,
    suggestions: result.suggestions.map((suggestion, index) => ({
      heading: `${index + 1}. ${suggestion.title} (${suggestion.pinned === 'safety' ? words.safetyFirst : `${words.relevance} ${decimal(suggestion.score, language)}`})`,
      reference: `${words.article}: ${suggestion.url ?? suggestion.articleId}${suggestion.url ? ` (${suggestion.articleId})` : ''}`,
      reply: suggestion.reply.trim(),
    })),
  }
}

/** The internal note in the inquiry's language (German in the formal "Sie", otherwise English), as text and HTML. */
export function renderNote(inquiryId: string, result: TriageResult): RenderedNote {
  const parts = noteParts(inquiryId, result)
  const reasonLines = parts.reasons.map((reason) => `- ${reason.code}: ${reason.detail}`)
  const text = [
    parts.marker,
    parts.summary,
    parts.escalation,
    ...(reasonLines.length ? [parts.reasonsLabel, ...reasonLines] : []),
    '',
    parts.suggestionsLabel,
    ...parts.suggestions.flatMap((suggestion) => ['', suggestion.heading, suggestion.reference, suggestion.reply]),
  ].join('\n')
  const reasonsHtml = parts.reasons.length
    ? `<p>${escapeHtml(parts.reasonsLabel)}</p><ul>${parts.reasons.map((reason) => `<li><b>${escapeHtml(reason.code)}</b>: ${escapeHtml(reason.detail)}</li>`).join('')}</ul>`
    : ''
  const suggestionsHtml = parts.suggestions
    .map(
      (suggestion) =>
        `<p><b>${escapeHtml(suggestion.heading)}</b><br>${escapeHtml(suggestion.reference)}</p><blockquote>${multiline(suggestion.reply)}</blockquote>`,
    )
    .join('')
  const html = [
    `<p>${escapeHtml(parts.marker)}</p>`,
    `<p>${escapeHtml(parts.summary)}<br>${escapeHtml(parts.escalation)}</p>`,
    reasonsHtml,
    `<p>${escapeHtml(parts.suggestionsLabel)}</p>`,
    suggestionsHtml,
  ].join('')
  return { text, html }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

function multiline(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>')
}

// Freshdesk caps tags at 32 characters; the same cap everywhere keeps one tag vocabulary across helpdesks.
const maxTagLength = 32

/** A tag every helpdesk accepts: lower case; no spaces, commas or other punctuation besides `_ : . -`. */
export function sanitizeTag(tag: string): string {
  return tag
    .toLowerCase()
    .replace(/[^a-z0-9_:.-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, maxTagLength)
}

/** ai_triaged, triage:<department>, triage:escalated, triage:lang:<code> and triage:<reason> per escalation reason. */
export function triageTags(result: TriageResult): string[] {
  const tags = [
    writeBackTag,
    `triage:${result.department}`,
    ...(result.escalation.escalate ? ['triage:escalated'] : []),
    `triage:lang:${result.language}`,
    ...result.escalation.reasons.map((reason) => `triage:${reason.code}`),
  ]
  return [...new Set(tags.map(sanitizeTag).filter(Boolean))]
}
