// CSV downloads of the knowledge-gap and training-needs reports, through the one writer in csv.ts (the
// examples are customers' words, so its formula guard matters here too).
import { type CsvValue, toCsv } from './csv.js'
import type { KnowledgeGaps } from './knowledge-gaps.js'
import type { TrainingNeeds } from './training-needs.js'

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
  const rows: CsvValue[][] = []
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
