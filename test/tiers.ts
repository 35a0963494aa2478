// The test tiers (vitest projects, see vitest.config.ts and docs/development.md). Paths are relative to the
// project root. A test file not listed in `unit` or `slow` runs in `db`, the tier that is safe for anything.

/** Pure modules: no database, no child process, no listening socket, no shared data. Well under a minute. */
export const unitFiles = [
  'test/auth/key-cache.test.ts',
  'test/bench/stand-in-model.test.ts',
  'test/config.test.ts',
  'test/cut-text.test.ts',
  'test/helpdesks/registry.test.ts',
  'test/jobs/job-error.test.ts',
  'test/knowledge/chunk.test.ts',
  'test/knowledge/neutral-draft.test.ts',
  'test/knowledge/translate-query.test.ts',
  'test/knowledge/vector-candidates.test.ts',
  'test/llm/circuit-breaker.test.ts',
  'test/llm/redact.test.ts',
  'test/logger-redaction.test.ts',
  'test/nul.test.ts',
  'test/outbound/policy.test.ts',
  'test/providers/batching.test.ts',
  'test/providers/cache.test.ts',
  'test/providers/download-arguments.test.ts',
  'test/providers/hashing.test.ts',
  'test/providers/padding.test.ts',
  'test/providers/transformers.test.ts',
  'test/providers/workers-ai.test.ts',
  'test/reports/csv.test.ts',
  'test/reports/topics.test.ts',
  'test/secrets/secret-box.test.ts',
  'test/staffing/erlang-c.test.ts',
  'test/staffing/forecast.test.ts',
  'test/storage/unavailable.test.ts',
  'test/tiers.test.ts',
  'test/triage/classifier-parts.test.ts',
  'test/triage/classifier.test.ts',
  'test/triage/escalation-detector.test.ts',
  'test/triage/language.test.ts',
  'test/triage/relevance.test.ts',
  'test/triage/salutation.test.ts',
  'test/ui/format.test.ts',
  'test/ui/markdown.test.ts',
  'test/webhooks/content-hash.test.ts',
  'test/webhooks/helpdesk-signatures.test.ts',
  'test/webhooks/own-write-back.test.ts',
  'test/webhooks/payloads-freshdesk-generic.test.ts',
  'test/webhooks/payloads-zammad.test.ts',
  'test/webhooks/payloads-zendesk.test.ts',
  'test/webhooks/standard-webhooks.test.ts',
  'test/worker/bindings.test.ts',
  'test/worker/console-logger.test.ts',
  'test/worker/migration-list.test.ts',
]

/**
 * Child processes, the browser, the eval and the shared ticket data, files that retrain models per test, and
 * the bad-input sweep (thousands of requests): each of the last ones alone takes minutes on PostgreSQL.
 */
export const slowFiles = [
  'test/http/bad-input-sweep.test.ts',
  'test/http/data-subjects.test.ts',
  'test/process/**/*.test.ts',
  'test/e2e/**/*.test.ts',
  'test/eval/**/*.test.ts',
  'test/http/escalation-policy.test.ts',
  'test/http/escalation-verdicts.test.ts',
  'test/knowledge/adobe-kb.test.ts',
  'test/triage/classifier-tickets.test.ts',
  'test/worker/worker.test.ts',
  'test/worker/workers-ai.test.ts',
]

/** Every test file; `db` is this minus the two lists above. */
export const allTestFiles = 'test/**/*.test.ts'
