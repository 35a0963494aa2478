/**
 * Customer text and knowledge-base passages reach the model as DATA between explicit markers:
 * <<<INQUIRY … INQUIRY>>> and <<<PASSAGE n … PASSAGE n>>>. The system prompts say so; this module
 * makes sure no data can forge or close a marker, so an inquiry cannot step outside its fence.
 */

export const markerPattern = /<<<|>>>/

// Zero-width and soft-hyphen characters can hide a marker from a check while the model still reads it.
const invisible = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g
// Chat-template control tokens (<|im_start|>, <|eot_id|>): some self-hosted servers tokenise them as real control tokens.
const controlToken = /<\|[^|<>\n]{0,40}\|>/g
const markerRun = /<{3,}|>{3,}/g

/**
 * Removes forged markers and control tokens. NFKC first, so fullwidth ＜＜＜ counts as <<<; repeated
 * until nothing changes, because removing one piece can join two others into a new marker.
 */
export function sanitizeData(text: string): string {
  let current = text.normalize('NFKC').replace(invisible, '')
  for (let previous = ''; previous !== current; ) {
    previous = current
    current = current.replace(controlToken, '').replace(markerRun, '')
  }
  return current.trim()
}

/** `text` between an opening and a closing marker for `label`, e.g. fence('PASSAGE 2', …). */
export function fence(label: string, text: string): string {
  return `<<<${label}\n${sanitizeData(text)}\n${label}>>>`
}
