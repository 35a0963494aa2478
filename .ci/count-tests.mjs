// Prints how many tests ran against each database, from vitest's JSON report: the contract suites
// name their database in brackets ("[pglite]", "[postgres]").
import { readFileSync } from 'node:fs'

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const counts = {}
for (const file of report.testResults) {
  for (const test of file.assertionResults) {
    const database = /\['?(pglite|postgres)'?\]/.exec(test.fullName)?.[1] ?? 'other'
    const entry = (counts[database] ??= { passed: 0, failed: 0, skipped: 0 })
    if (test.status === 'passed') entry.passed++
    else if (test.status === 'failed') entry.failed++
    else entry.skipped++
  }
}
for (const [database, entry] of Object.entries(counts)) {
  console.log(`tests by database: ${database}: ${entry.passed} passed, ${entry.failed} failed, ${entry.skipped} skipped`)
}
const total = Object.values(counts).reduce((sum, entry) => ({ passed: sum.passed + entry.passed, failed: sum.failed + entry.failed, skipped: sum.skipped + entry.skipped }), { passed: 0, failed: 0, skipped: 0 })
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`)
