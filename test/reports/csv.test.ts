import { describe, expect, it } from 'vitest'
import { prefersCsv } from '../../src/http/csv-response.js'
import { csvCell, toCsv } from '../../src/reports/csv.js'

describe('CSV writer', () => {
  it('quotes per RFC 4180 only where needed and ends every line in CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['plain', 3],
          ['with, comma', 'say "hi"'],
          ['two\nlines', null],
        ],
      ),
    ).toBe('a,b\r\nplain,3\r\n"with, comma","say ""hi"""\r\n"two\nlines",\r\n')
    expect(csvCell(undefined)).toBe('')
    expect(csvCell(0.25)).toBe('0.25')
    expect(csvCell(Number.NaN)).toBe('')
  })

  it('keeps text that a spreadsheet would run as a formula as text', () => {
    expect(csvCell('=1+2')).toBe("'=1+2")
    expect(csvCell('+49 30 123')).toBe("'+49 30 123")
    expect(csvCell('-x')).toBe("'-x")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('\tcmd')).toBe("'\tcmd")
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`)
    expect(csvCell(-1)).toBe('-1') // a number is a number
    expect(csvCell('e-mail')).toBe('e-mail')
  })

  it('answers CSV only when Accept ranks it at least as high as JSON', () => {
    expect(prefersCsv('text/csv')).toBe(true)
    expect(prefersCsv('text/csv, application/json;q=0.5')).toBe(true)
    expect(prefersCsv('application/json, text/csv;q=0.9')).toBe(false)
    expect(prefersCsv('text/html,application/xhtml+xml,*/*;q=0.8')).toBe(false)
    expect(prefersCsv('text/csv;q=0')).toBe(false)
    expect(prefersCsv(undefined)).toBe(false)
  })
})
