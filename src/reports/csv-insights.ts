// CSV downloads of the knowledge-gap and training-needs reports (RFC 4180: comma-separated, CRLF, quoted
// when needed). A spreadsheet runs a cell starting with = + - @ (or a tab or CR) as a formula, and the
// examples are customers' words, so such a text cell gets a leading apostrophe and stays text.
// To be folded into src/reports/csv.ts (same toCsv signature) when both land.
import type { KnowledgeGaps } from './knowledge-gaps.js'
import type { TrainingNeeds } from './training-needs.js'

function cell(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  const raw = String(value)
  const text = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** A whole CSV document: the header row, then each row, every line ending in CRLF. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((row) => `${row.map(cell).join(',')}\r\n`).join('')
}

/** One row per topic, its examples in the last three columns. */
export function knowledgeGapsCsv(report: KnowledgeGaps): string {
  return toCsv(
    [
      'topic',
      'proposed_title',
      'keywords',
      'count',
      'no_knowledge',
      'not_used',
      'first_half',
      'second_half',
      'trend',
      'languages',
      'departments',
      'example_1',
      'example_2',
      'example_3',
    ],
    report.topics.map((topic) => [
      topic.id,
      topic.proposedTitle,
      topic.keywords.join(' '),
      topic.count,
      topic.reasons.noKnowledge,
      topic.reasons.notUsed,
      topic.trend.firstHalf,
      topic.trend.secondHalf,
      topic.trend.direction,
      topic.languages.map((entry) => `${entry.language}:${entry.count}`).join(' '),
      topic.departments.map((entry) => `${entry.department}:${entry.count}`).join(' '),
      ...[0, 1, 2].map((index) => topic.examples[index]?.excerpt ?? ''),
    ]),
  )
}

/** One long table (section, key, measure, value, example): departments, topics and, when switched on, agents. */
export function trainingNeedsCsv(report: TrainingNeeds): string {
  const rows: unknown[][] = []
  for (const department of report.departments)
    for (const measure of [
      'inquiries',
      'withFeedback',
      'escalated',
      'edited',
      'rejected',
      'corrected',
      'handedBack',
      'reEscalated',
    ] as const)
      rows.push(['department', department.department, measure, department[measure], ''])
  for (const topic of report.topics)
    for (const [measure, value] of Object.entries({ count: topic.count, ...topic.signals }))
      rows.push(['topic', topic.label, measure, value, measure === 'count' ? (topic.examples[0]?.excerpt ?? '') : ''])
  for (const agent of report.agents ?? [])
    for (const measure of ['feedback', 'edited', 'rejected', 'corrected'] as const)
      rows.push(['agent', agent.name, measure, agent[measure], ''])
  return toCsv(['section', 'key', 'measure', 'value', 'example'], rows)
}
