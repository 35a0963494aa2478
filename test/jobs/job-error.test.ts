// What a failed job stores as lastError (shown by GET /v1/jobs): the message, one line, no stack trace,
// no file of the installation, nothing an upstream answered after its status, at most 300 characters.
import { describe, expect, it } from 'vitest'
import { jobErrorText, sanitizeJobError } from '../../src/jobs/job-error.js'

describe('lastError text', () => {
  it('keeps the name and message of an error, never its stack', () => {
    const error = new TypeError('handler failed')
    expect(error.stack).toContain('job-error.test.ts')
    expect(jobErrorText(error)).toBe('TypeError: handler failed')
    expect(jobErrorText('plain words')).toBe('plain words')
  })

  it.each([
    [
      'WriteBackError: zendesk write-back: GET /api/v2/tickets/7.json answered 500: {"error":"Erika Mustermann erika@example.com"}',
      'WriteBackError: zendesk write-back: GET /api/v2/tickets/7.json answered 500',
    ],
    ['Error: boom\n    at run (/srv/app/src/jobs/run-job.ts:50:11)\n    at file:///srv/app/dist/x.js:1:1', 'Error: boom'],
    [
      "Error: ENOENT: no such file or directory, open '/srv/app/dist/model.node'",
      "Error: ENOENT: no such file or directory, open '[path]'",
    ],
    ['Error: cannot load file:///srv/app/dist/worker.js', 'Error: cannot load [path]'],
    ['Error: failed in C:\\app\\dist\\worker.js', 'Error: failed in [path]'],
    ['Error: \u0000nul', 'Error: nul'],
  ])('%j reads %j', (stored, shown) => {
    expect(sanitizeJobError(stored)).toBe(shown)
  })

  it('cuts long messages', () => {
    const text = sanitizeJobError(`Error: ${'x'.repeat(1000)}`)
    expect(text).toHaveLength(300)
    expect(text.endsWith('…')).toBe(true)
  })
})
