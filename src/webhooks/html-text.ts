import { convert } from 'html-to-text'

// Only real tag names count, so plain text such as "if a<b and c>d" is not mistaken for HTML.
const htmlTag =
  /<\/?(p|div|br|span|a|b|i|u|strong|em|ul|ol|li|table|thead|tbody|tr|td|th|h[1-6]|blockquote|pre|code|img|html|body|font|hr|center|small|sup|sub)\b[^>]*>/i

export function looksLikeHtml(text: string): boolean {
  return htmlTag.test(text)
}

/**
 * Plain text of an HTML message body for triage: entities decoded, block structure kept as line breaks,
 * link targets and images dropped (they add tokens, not meaning), and no hard wrapping.
 */
export function htmlToPlainText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'script', format: 'skip' },
    ],
  })
    .replace(/\u00a0/g, ' ') // &nbsp; is layout, not meaning; a plain space keeps tokenisers and regexes simple
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
