/** A piece of an article small enough to embed well, with the headings it sits under. */
export interface Chunk {
  ordinal: number
  headingPath: string
  content: string
}

export interface ChunkOptions {
  /** Target size; a chunk is closed once it passes this many tokens. */
  maxTokens: number
  /** Tokens of the previous chunk repeated at the start of the next, so no answer is cut in half. */
  overlapTokens: number
}

const defaults: ChunkOptions = { maxTokens: 320, overlapTokens: 48 }

/** Rough token count: words and punctuation runs, about what a WordPiece tokenizer sees. */
export function countTokens(text: string): number {
  return Math.ceil((text.match(/\S+/g)?.length ?? 0) * 1.3)
}

/**
 * Splits Markdown or plain text along headings, then paragraphs, into chunks of about
 * `maxTokens` with some overlap. Each chunk keeps its heading path ("Fehlercodes > E18").
 */
export function chunkArticle(body: string, options: Partial<ChunkOptions> = {}): Chunk[] {
  const settings = { ...defaults, ...options }
  const chunks: Chunk[] = []
  for (const section of splitSections(body)) {
    let current: string[] = []
    let tokens = 0
    let fresh = false // holds more than the overlap carried over from the previous chunk
    const flush = () => {
      const content = current.join('\n\n').trim()
      if (content) chunks.push({ ordinal: chunks.length, headingPath: section.headingPath, content })
      const tail = overlapTail(content, settings.overlapTokens)
      current = tail ? [tail] : []
      tokens = countTokens(tail)
      fresh = false
    }
    for (const paragraph of splitLong(section.paragraphs, settings.maxTokens)) {
      const size = countTokens(paragraph)
      if (fresh && tokens + size > settings.maxTokens) flush()
      current.push(paragraph)
      tokens += size
      fresh = true
    }
    if (fresh) flush()
  }
  return chunks
}

interface Section {
  headingPath: string
  paragraphs: string[]
}

function splitSections(body: string): Section[] {
  const sections: Section[] = []
  const headings: string[] = []
  let paragraphs: string[] = []
  let buffer: string[] = []
  const endParagraph = () => {
    const text = buffer.join('\n').trim()
    if (text) paragraphs.push(text)
    buffer = []
  }
  const endSection = () => {
    endParagraph()
    if (paragraphs.length) sections.push({ headingPath: headings.filter(Boolean).join(' > '), paragraphs })
    paragraphs = []
  }
  for (const line of body.replace(/\r\n?/g, '\n').split('\n')) {
    const heading = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line)
    if (heading) {
      endSection()
      const level = heading[1]!.length
      headings.length = level
      headings[level - 1] = heading[2]!
      continue
    }
    if (line.trim() === '') endParagraph()
    else buffer.push(line)
  }
  endSection()
  return sections
}

/** Paragraphs longer than a chunk are cut at sentence ends (or word boundaries as a last resort). */
function splitLong(paragraphs: string[], maxTokens: number): string[] {
  return paragraphs.flatMap((paragraph) => {
    if (countTokens(paragraph) <= maxTokens) return [paragraph]
    const pieces: string[] = []
    let current = ''
    for (const sentence of paragraph.match(/[^.!?\n]+[.!?]*\s*/g) ?? [paragraph]) {
      if (current && countTokens(current + sentence) > maxTokens) {
        pieces.push(current.trim())
        current = ''
      }
      current += sentence
      while (countTokens(current) > maxTokens) {
        const words = current.split(/\s+/)
        const keep = Math.floor(maxTokens / 1.3)
        pieces.push(words.slice(0, keep).join(' '))
        current = words.slice(keep).join(' ')
      }
    }
    if (current.trim()) pieces.push(current.trim())
    return pieces
  })
}

function overlapTail(content: string, overlapTokens: number): string {
  if (overlapTokens <= 0 || !content) return ''
  const words = content.split(/\s+/)
  return words.slice(-Math.floor(overlapTokens / 1.3)).join(' ')
}
