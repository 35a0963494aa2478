import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createNodeLogger } from '../src/platform/node/node-logger.js'
import { summariseBody } from '../src/intake/body-summary.js'
import { scrubText } from '../src/logger.js'

function capturedLogger() {
  const lines: string[] = []
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  return { logger: createNodeLogger({ logLevel: 'debug' }, destination), lines }
}

describe('the Node logger', () => {
  it('censors personal fields at the top level and nested, and keeps the rest', () => {
    const { logger, lines } = capturedLogger()
    logger.warn(
      {
        email: 'a.person@example.org',
        customer: { name: 'Ada' },
        payload: { ticket: { requester: { email: 'x@example.org' } } },
        headers: { authorization: 'Bearer abc' },
        status: 422,
      },
      'refused',
    )
    const record = JSON.parse(lines[0]!)
    expect(record).toMatchObject({
      email: '[redacted]',
      customer: '[redacted]',
      headers: { authorization: '[redacted]' },
      status: 422,
      msg: 'refused',
    })
    expect(lines[0]).not.toMatch(/example\.org|Ada|abc/)
  })

  it('scrubs values that error messages quote, in messages, errors and stacks', () => {
    const { logger, lines } = capturedLogger()
    let parseError: Error | undefined
    try {
      JSON.parse('hildegard@example.org wants a refund')
    } catch (error) {
      parseError = error as Error
    }
    logger.error({ err: parseError!.message, stack: parseError!.stack }, `could not store "Kündigung von Hildegard Oberpfaffenhofen"`)
    expect(lines[0]).not.toMatch(/hildegard|Oberpfaffenhofen/i)
  })

  it('scrubs e-mail addresses, IBANs and phone numbers from free text', () => {
    expect(scrubText('from a.b@example.org, IBAN DE89 3704 0044 0532 0130 00, call +49 170 5550123')).toBe(
      'from [email], IBAN [iban], call [number]',
    )
  })
})

describe('a refused body in the log', () => {
  it('is its size, a hash prefix and its field names, never its values', async () => {
    const body = new TextEncoder().encode(
      JSON.stringify({ ticket: { requester: { email: 'p@example.org' }, 'weird key with spaces': 1 }, body: 'hello' }),
    )
    const summary = await summariseBody(body)
    expect(summary).toEqual({
      bytes: body.byteLength,
      sha256: expect.stringMatching(/^[0-9a-f]{16}$/),
      fields: ['ticket', 'ticket.requester', 'ticket.requester.email', 'ticket.?', 'body'],
    })
    expect(JSON.stringify(summary)).not.toContain('example.org')
  })
})
