import { eld } from 'eld/medium'

/** The languages the service is tuned for; short texts lean towards them when the detector hesitates. */
const primary = ['de', 'en'] as const
// Function words and the service vocabulary short inquiries consist of ("Router kaputt", "refund please").
const germanMarks =
  /[äöüß]|\b(und|ich|nicht|bitte|mein|meine|ist|der|die|das|kein|keine|wie|geht|danke|hallo|sehr geehrte|kaputt|defekt|funktioniert|rechnung|bestellung|lieferung|zahlung|geraet|kuendigung|stornieren|rueckgabe)\b/i
const englishMarks =
  /\b(the|and|my|is|not|please|thanks|hello|dear|how|does|doesn't|can't|won't|your|broken|working|invoice|order|delivery|payment|refund|cancel|return)\b/i

export interface DetectedLanguage {
  language: string
  /** `given` when the caller named it, `detected` otherwise; `default` when the text gave no clue. */
  source: 'given' | 'detected' | 'default'
}

/**
 * ISO 639-1 code of the inquiry. eld (Efficient Language Detector) is accurate on whole sentences, but on
 * three words ("Router kaputt") any n-gram detector guesses; there a close second place for German or
 * English, or a German/English function word or umlaut, decides, because nearly all inquiries are in
 * one of the two.
 */
export function detectLanguage(text: string, given?: string): DetectedLanguage {
  if (given) return { language: given.toLowerCase(), source: 'given' }
  const result = eld.detect(text)
  const scores = result.getScores() as Record<string, number>
  const top = result.language
  if (!top) return { language: fallback(text) ?? 'en', source: 'default' }
  if ((primary as readonly string[]).includes(top)) return { language: top, source: 'detected' }
  const words = text.trim().split(/\s+/).length
  const hint = fallback(text)
  const bestPrimary = primary.map((code) => ({ code, score: scores[code] ?? 0 })).sort((a, b) => b.score - a.score)[0]!
  if (words <= 6 && (hint || bestPrimary.score >= 0.9 * (scores[top] ?? 0))) {
    return { language: hint ?? bestPrimary.code, source: 'detected' }
  }
  return { language: top, source: 'detected' }
}

function fallback(text: string): 'de' | 'en' | undefined {
  const german = germanMarks.test(text)
  const english = englishMarks.test(text)
  if (german && !english) return 'de'
  if (english && !german) return 'en'
  return undefined
}
