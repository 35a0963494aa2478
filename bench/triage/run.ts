import type { BenchApp } from './setup.js'
import { Trace, tracing } from './instrument.js'

/** One written case of test/fixtures/triage-cases.json. */
export interface TriageCase {
  id: string
  subject?: string
  body: string
  customer?: Record<string, string>
  expected: { department: string; escalate: boolean; reasons: string[] }
}

interface TriageResponse {
  department: string
  escalation: { escalate: boolean; reasons: Array<{ code: string }> }
  timings: Record<string, number>
}

/** What one request cost, in ms per step (see steps in report.ts), and what it answered. */
export interface Sample {
  steps: Record<string, number>
  result: TriageResponse
}

/**
 * The customer's id and e-mail get a per-pass prefix, so repeating the set does not turn every inquiry
 * into a repeat contact: each pass triages what the acceptance test triages, to the same answers.
 */
export function requestBody(entry: TriageCase, pass: number): Record<string, unknown> {
  const prefix = pass === 0 ? '' : `p${pass}.`
  const customer = entry.customer && {
    ...entry.customer,
    ...(entry.customer.id ? { id: `${prefix}${entry.customer.id}` } : {}),
    ...(entry.customer.email ? { email: `${prefix}${entry.customer.email}` } : {}),
  }
  return { subject: entry.subject, body: entry.body, ...(customer ? { customer } : {}) }
}

/** Sends one inquiry through app.request, as the acceptance test does, and reads the body. */
export async function sendCase(bench: BenchApp, body: Record<string, unknown>): Promise<Sample> {
  const trace = new Trace()
  const init = {
    method: 'POST',
    headers: { authorization: `Bearer ${bench.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }
  tracing.current = trace
  const cpu = process.cpuUsage()
  const started = performance.now()
  const response = await bench.app.request('/v1/triage', init)
  const text = await response.text()
  const total = performance.now() - started
  const { user, system } = process.cpuUsage(cpu)
  tracing.current = undefined
  trace.add('cpu', (user + system) / 1000)
  if (response.status !== 200) throw new Error(`${bench.name}: POST /v1/triage answered ${response.status}: ${text}`)
  const result = JSON.parse(text) as TriageResponse
  return { steps: stepsOf(total, result.timings, trace), result }
}

function stepsOf(total: number, timings: Record<string, number>, trace: Trace): Record<string, number> {
  const span = (name: string) => trace.spans.get(name) ?? 0
  const store = span('sql.store')
  const pipeline = timings.totalMs! + store
  const steps: Record<string, number> = { total, http: total - pipeline, pipeline }
  for (const [name, value] of Object.entries(timings)) if (name !== 'totalMs') steps[`pipeline.${name}`] = value
  for (const [name, value] of trace.spans) steps[name] = value
  steps['classify.cpu'] = span('classify') - span('sql.knnExamples')
  return steps
}

/** Department accuracy and escalation recall/precision of one pass, to show a change kept the answers. */
export function scoreAnswers(cases: TriageCase[], samples: Sample[]) {
  const pairs = cases.map((entry, index) => ({ entry, result: samples[index]!.result }))
  const truePositives = pairs.filter(({ entry, result }) => entry.expected.escalate && result.escalation.escalate).length
  const missingReasons = pairs.flatMap(({ entry, result }) =>
    entry.expected.reasons
      .filter((code) => !result.escalation.reasons.some((reason) => reason.code === code))
      .map((code) => `${entry.id}:${code}`),
  )
  return {
    departmentAccuracy: pairs.filter(({ entry, result }) => entry.expected.department === result.department).length / pairs.length,
    escalationRecall: truePositives / pairs.filter(({ entry }) => entry.expected.escalate).length,
    escalationPrecision: truePositives / pairs.filter(({ result }) => result.escalation.escalate).length,
    missingReasons,
  }
}
