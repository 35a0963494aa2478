import MarkdownIt from 'markdown-it'

// Articles are imported from anywhere and drafts come from replies, so their Markdown is untrusted.
// markdown-it with `html: false` never passes raw HTML through (a <script> or onerror= stays text) and
// refuses javascript:/vbscript:/data: links; on top, links may only be web or mail addresses. Images
// render as links: the UI's CSP loads none from elsewhere, and a broken image helps no editor.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false })
markdown.disable('image')
markdown.validateLink = (url) => /^(https?:|mailto:)/i.test(url.trim())

const defaultLinkOpen =
  markdown.renderer.rules.link_open ?? ((tokens, index, options, _env, self) => self.renderToken(tokens, index, options))
markdown.renderer.rules.link_open = (tokens, index, options, env, self) => {
  tokens[index]!.attrSet('rel', 'noopener noreferrer nofollow')
  return defaultLinkOpen(tokens, index, options, env, self)
}

/** An article's Markdown as HTML that is safe to put into a page as is. */
export function renderMarkdown(source: string): string {
  return markdown.render(source)
}
