/**
 * Recognises inquiries that try to instruct the model instead of asking customer service something.
 *
 * Documented behaviour: for a suspicious inquiry the pipeline does not ask the LLM for a department
 * opinion (departmentOpinion refuses it too), so injected text can never change the department, and
 * the rules alone decide escalation. A reply may still be drafted, because it only draws on the
 * passages and draftReply rejects replies that leak the instructions.
 *
 * A heuristic, tuned to miss little on the common phrasings in German and English; paraphrases,
 * other languages and obfuscation (s p a c e d letters, leetspeak) get through, which is why the
 * prompts fence data and the outputs are checked regardless.
 */

export interface InjectionCheck {
  suspicious: boolean
  /** The phrases that matched, as written (after normalising case and spaces), for the lead to see. */
  matches: string[]
}

const instructions = String.raw`(?:instructions?|prompts?|rules|directions|guidelines|commands)`
const anweisungen = String.raw`(?:anweisungen|anweisung|instruktionen|regeln|vorgaben|befehle|prompts?)`

// Precision matters in this domain: "show me the installation instructions" and "Sie sind jetzt drei Wochen
// im Verzug" are ordinary inquiries, so determiners like "the"/"die" and the formal "Sie sind" are left out.
const patterns: RegExp[] = [
  // English
  new RegExp(
    String.raw`\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}?\b(?:previous|prior|above|earlier|preceding|all|your|system)\b.{0,30}?\b${instructions}`,
  ),
  /\byou are now\b/,
  /\bfrom now on,? you\b/,
  /\b(?:pretend|act) (?:to be|as)(?: an?| the)? (?:system|admin|administrator|developer|different|new)\b/,
  /\bnew instructions?\b/,
  /\bsystem ?prompt\b/,
  new RegExp(
    String.raw`\b(?:reveal|show|print|repeat|output|tell me|display|leak)\b.{0,30}?\b(?:your|initial|hidden|original|system)\b.{0,20}?\b${instructions}`,
  ),
  /\bclassify (?:this|it|me|the (?:inquiry|request|message|ticket))\b.{0,30}?\bas\b/,
  /\b(?:mark|label|route|flag|treat|tag) (?:this|it|me|the (?:inquiry|request|message|ticket))\b.{0,30}?\bas\b.{0,20}?\b(?:technical|commercial|urgent|low|high|not urgent|spam)\b/,
  /\b(?:do not|don't|dont|never|must not) escalate\b/,
  // German; (?<!\p{L}) instead of \b, which does not see ü or ß as letters
  new RegExp(
    String.raw`(?<!\p{L})(?:ignoriere|ignorier|ignorieren sie|vergiss|vergessen sie|missachte|übergehe|überschreibe)(?!\p{L}).{0,40}?(?<!\p{L})(?:vorherigen|vorigen|bisherigen|obigen|früheren|alle|alles|deine|ihre|system)\p{L}*.{0,30}?${anweisungen}`,
    'u',
  ),
  /\bdu bist (?:jetzt|nun|ab sofort|ab jetzt)\b/,
  /\bab sofort bist du\b/,
  /\bneue anweisung(?:en)?\b/,
  /\bsystem-?(?:prompt|anweisung)/,
  new RegExp(String.raw`\b(?:zeig|zeige|verrate|nenne|gib|wiederhole)\b.{0,30}?\b(?:deine|ihre)\b.{0,20}?${anweisungen}`),
  /\bstufe (?:dies|das|diese[ns]? \p{L}+|es|mich|meine \p{L}+)(?!\p{L}).{0,40}?\bein\b/u,
  /\b(?:klassifiziere|kategorisiere|ordne)\b.{0,40}?\b(?:als|ein|zu)\b/,
  /\bnicht eskalieren\b/,
  /\bkeine eskalation\b/,
  // Role-play and chat-template markers, and forged copies of our own data markers
  /^\s*#{2,}\s*(?:system|assistant|user|instructions?|anweisung(?:en)?)\b/m,
  /<\|[a-z_]{2,30}\|>/,
  /\[\/?inst\]|<<\/?sys>>|<\/?(?:system|assistant)>/,
  /<<<\s*(?:inquiry|passage)|(?:inquiry|passage(?: \d+)?)\s*>>>/,
]

/** Flags inquiries that read like prompt injection; see the module comment for what the pipeline does with it. */
export function looksLikePromptInjection(text: string): InjectionCheck {
  const normalized = normalize(text)
  const matches = patterns.flatMap((pattern) => {
    const match = pattern.exec(normalized)
    return match ? [match[0].trim().slice(0, 80)] : []
  })
  return { suspicious: matches.length > 0, matches }
}

// NFKC folds fullwidth and compatibility forms; invisible characters are dropped so they cannot split a phrase.
function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g, '')
    .toLowerCase()
    .replace(/[ \t]+/g, ' ')
}
