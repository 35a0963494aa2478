import { describe, expect, it } from 'vitest'
import { renderMarkdown } from '../../src/ui/markdown.js'

describe('renderMarkdown', () => {
  it('renders the Markdown articles are written in', () => {
    const html = renderMarkdown(
      '## Schritte\n\n1. Gerät **ausschalten**\n2. `Reset` drücken\n\n| Code | Bedeutung |\n| --- | --- |\n| E18 | Pumpe |',
    )
    expect(html).toContain('<h2>Schritte</h2>')
    expect(html).toContain('<li>Gerät <strong>ausschalten</strong></li>')
    expect(html).toContain('<code>Reset</code>')
    expect(html).toContain('<td>E18</td>')
  })

  it('shows raw HTML as text, whatever its disguise', () => {
    for (const attack of [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '<svg onload=alert(1)>',
      '<a href="javascript:alert(1)">x</a>',
      '<iframe src="https://evil.example"></iframe>',
      '<div style="background:url(javascript:alert(1))">x</div>',
    ]) {
      const html = renderMarkdown(`Text\n\n${attack}\n\nmore`)
      expect(html, attack).not.toMatch(/<(script|img|svg|iframe|div)\b/i)
      expect(html, attack).not.toMatch(/<a [^>]*href="javascript:/i)
    }
  })

  it('links only to web and mail addresses, and never passes the page on', () => {
    const html = renderMarkdown(
      '[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](data:text/html;base64,PHNjcmlwdD4=) [d](vbscript:x) [e](/ui/sign-out) [f](https://example.com/x) [g](mailto:service@example.com)',
    )
    expect(html).not.toMatch(/href="(?!https:|mailto:)/i)
    expect(html).toContain('<a href="https://example.com/x" rel="noopener noreferrer nofollow">f</a>')
    expect(html).toContain('<a href="mailto:service@example.com" rel="noopener noreferrer nofollow">g</a>')
  })

  it('turns images into links, since the UI loads no image from elsewhere', () => {
    const html = renderMarkdown('![Schaltplan](https://example.com/plan.png)')
    expect(html).not.toContain('<img')
    expect(html).toContain('<a href="https://example.com/plan.png"')
  })
})
