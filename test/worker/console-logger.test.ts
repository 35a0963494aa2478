import { afterEach, describe, expect, it, vi } from 'vitest'
import { createConsoleLogger } from '../../src/platform/workers/console-logger.js'

describe("the Worker's console logger", () => {
  afterEach(() => vi.restoreAllMocks())

  const capture = () => {
    const lines: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line))
    return lines
  }

  it('writes JSON lines at or above LOG_LEVEL, with personal fields censored at depth', () => {
    const lines = capture()
    const logger = createConsoleLogger('info').child({ requestId: 'r1' })
    logger.debug({ detail: 'hidden' }, 'not written')
    logger.warn({ email: 'ann@example.com', inquiry: { subject: 'Invoice', customer: { name: 'Ann' } }, attempts: 2 }, 'retrying')
    expect(lines).toHaveLength(1)
    const record = JSON.parse(lines[0]!)
    expect(record).toMatchObject({ level: 'warn', msg: 'retrying', requestId: 'r1', email: '[redacted]', attempts: 2 })
    expect(record.inquiry).toEqual({ subject: '[redacted]', customer: '[redacted]' })
  })

  it('writes nothing when silent, and only errors at fatal', () => {
    const lines = capture()
    createConsoleLogger('silent').error({}, 'quiet')
    createConsoleLogger('fatal').warn({}, 'quiet too')
    createConsoleLogger('fatal').error({}, 'written')
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['written'])
  })
})
