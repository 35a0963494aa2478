/**
 * `text` cut to at most `maxLength` characters, ending in an ellipsis: at the last space when that keeps
 * more than half of it, otherwise mid-word (a long token, a URL). Short enough text comes back unchanged.
 */
export function cutAtWord(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text
  const cut = text.slice(0, maxLength - 1)
  const lastSpace = cut.lastIndexOf(' ')
  return `${(lastSpace > maxLength / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`
}
