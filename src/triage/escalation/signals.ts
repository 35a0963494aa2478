/**
 * Text signals that a case needs a lead, each with the evidence that triggered it so the lead can see
 * why. German and English; umlauts may be written out (ae, oe, ue) or dropped, as customers do.
 */
export interface Signal {
  code: 'anger' | 'legal_threat' | 'safety' | 'data_protection_request' | 'key_account' | 'sla_risk'
  detail: string
}

type Rule = { pattern: RegExp; label: string }

const rule = (source: string, label: string): Rule => ({ pattern: new RegExp(source, 'iu'), label })

const angerWords: Rule[] = [
  rule('\\b(unversch(ä|ae|a)mt\\w*|frechheit|sauerei|skandal\\w*|katastroph\\w*|inakzeptabel|unzumutbar|w(ü|ue|u)tend|stinksauer|verarsch\\w*|abzocke\\w*|betr(ü|ue|u)ger\\w*|mist\\s?laden|sch(ei|ie)(ß|ss)\\w*|zum letzten mal|reicht mir|die nase voll|l(ä|ae|a)cherlich)\\b', 'angry wording (de)'),
  rule('\\b(unacceptable|outrageous|ridiculous|disgusting|furious|livid|fed up|sick of|worst (service|company|experience)|scam(mers?)?|rip[- ]?off|pathetic|useless|incompetent|a joke|last time i|never again|shame on you|wtf|damn|crap)\\b', 'angry wording (en)'),
]

const legalWords: Rule[] = [
  rule('\\b(rechts)?anw(a|ä|ae)lt\\w*|\\bkanzlei\\b|\\bklage\\b|\\bverklagen\\b|vor gericht|gerichtlich\\w*|(amts|land)gericht|rechtliche schritte|juristisch\\w*|mahnverfahren', 'lawyer or court (de)'),
  rule('\\b(lawyers?|attorneys?|solicitors?|legal action|legal steps|sue|suing|lawsuit|small claims|take (you|this) to court)\\b', 'lawyer or court (en)'),
  rule('verbraucherzentrale|verbraucherschutz|schlichtungsstelle|consumer (protection|rights (group|organi[sz]ation))|trading standards|ombudsman', 'consumer protection body'),
  rule('\\b(chargeback|charge back|dispute the (charge|payment)|r(ü|ue|u)ckbuchung|zur(ü|ue|u)ckbuchen|lastschrift zur(ü|ue|u)ck\\w*|widerspruch (bei|gegen) (der|die|meine) (bank|lastschrift)|paypal[- ]k(ä|ae|a)uferschutz)', 'chargeback'),
  rule('an die (presse|zeitung|medien)|presse (informieren|einschalten|kontaktieren)|journalist\\w*|reporter\\w*|fernsehen|(go(ing)?|went) to the (press|media|newspapers?)|(contact|inform|tell)(ing)? the (press|media|newspapers?)', 'press'),
  rule('(schlechte|negative|1[- ]sterne?|ein[- ]stern\\w*) bewertung|bewertung (auf|bei) (google|trustpilot|amazon)|trustpilot|(bad|negative|1[- ]star|one[- ]star) (review|rating)|(review|rate you) (on|at) (google|trustpilot|amazon)|(post|share|write|warn|tell)\\w*[^.!?]{0,40}(social media|facebook|twitter|instagram|tiktok|youtube|in (allen )?foren|on (all )?forums)', 'public reviews or social media'),
]

const safetyWords: Rule[] = [
  rule('\\b(rauch(?!melder)\\w*|qualm\\w*)\\b|\\bsmok(e|es|ing|y)\\b(?! (detector|alarm))', 'smoke'),
  rule('\\b(feuer|flammen?|brennt|brannte|in brand|brandgeruch|brandfleck\\w*|verschmort\\w*|verkohlt\\w*|kokelt|funkenflug|funken (sprühen|fliegen|kommen))\\b|\\b(fire|flames?|burning smell|smell(s|ed)? (of |like )?burning|sparks?|sparking|melted)\\b', 'fire or burning'),
  rule('gefunkt|verbrannt (gerochen|riecht)|riecht (verbrannt|nach verbranntem)|smells? (burnt|of burnt)', 'sparks or burnt smell'),
  rule('stromschlag|elektrischen schlag|(einen )?schlag (bekommen|gekriegt)|gewischt|unter strom|electric(al)? shock|(got|get|gave me) (a )?shock|shocked me|electrocut\\w*', 'electric shock'),
  rule('wasser (l(ä|ae|a)uft|lief|tritt|dringt|steht)[^.!?]{0,40}(wohnung|boden|k(ü|ue|u)che|keller|nachbar|parkett)|(wohnung|k(ü|ue|u)che|keller)[^.!?]{0,30}(unter wasser|(ü|ue|u)berschwemm\\w*|geflutet)|(ü|ue|u)berschwemmung|water (is )?(leak\\w*|pour\\w*|running|spreading)[^.!?]{0,40}(flat|apartment|floor|kitchen|downstairs|neighbou?r|ceiling)|flooded|flooding|wasser[^.!?]{0,40}steht[^.!?]{0,20}(flur|bad|wohnzimmer|zimmer)|(nachbar\\w*|decke)[^.!?]{0,50}(wasser|nass|feucht|tropft)|wasser[^.!?]{0,60}(nachbar\\w*|zimmerdecke)|(pour\\w*|leak\\w*|spill\\w*|gush\\w*|com(e|ing)) [^.!?]{0,50}(into|across|through) the (hall|hallway|living room|corridor|bedroom|ceiling|flat|apartment|floor below)|(ceiling|flat below|downstairs|neighbou?rs?)[^.!?]{0,40}(water|wet|leak\\w*|drip\\w*)|water[^.!?]{0,60}(ceiling|flat below|downstairs neighbou?r)', 'water leaking into the home'),
  rule('(akku|batterie)[^.!?]{0,30}(aufgebl(ä|ae|a)ht|bl(ä|ae|a)ht|gew(ö|oe|o)lbt|geschwollen|dick geworden|explod\\w*)|aufgebl(ä|ae|a)ht\\w* (akku|batterie)|(swollen|swelling|bulging|puffed[- ]up|expanded) (laptop )?battery|battery[^.!?]{0,30}(swollen|swelling|bulging|puff(ed|ing)|explod\\w*)|\\baufgebl(ä|ae|a)ht\\w*|\\b(bulging|swollen)\\b', 'swollen battery or casing'),
]

const dataProtectionWords: Rule[] = [
  rule('\\b(dsgvo|ds-gvo|gdpr|datenschutz-?grundverordnung)\\b[^.!?]{0,40}\\b(art(\\.|ikel|icle)?\\s*(15|17))\\b|\\bart(\\.|ikel|icle)?\\s*(15|17)\\s*(dsgvo|ds-gvo|gdpr)', 'GDPR article 15/17'),
  rule('\\b(dsgvo|ds-gvo|gdpr)\\b[^.!?]{0,60}(auskunft|l(ö|oe|o)sch\\w*|access|erasure|delet\\w*|eras\\w*|copy)|(auskunft|l(ö|oe|o)sch\\w*|access request|erasure|delet\\w*)[^.!?]{0,60}\\b(dsgvo|ds-gvo|gdpr)\\b|(l(ö|oe|o)schen sie|l(ö|oe|o)schung)[^.!?]{0,30}(alle|s(ä|ae|a)mtliche) (meine|meiner)[^.!?]{0,20}daten', 'GDPR access or erasure request'),
  rule('auskunft (über|ueber|uber) (die |alle )?(meine|zu meiner person) ?(gespeicherten |personenbezogenen )?daten|welche daten (sie )?(über|ueber|uber) mich|(l(ö|oe|o)schung|l(ö|oe|o)schen) (aller |sämtlicher )?(meiner|meine) (personenbezogenen |persönlichen )?daten|meine daten (bitte )?l(ö|oe|o)schen|recht auf (vergessenwerden|l(ö|oe|o)schung|auskunft)', 'access or erasure request (de)'),
  rule('(right (of|to) (access|erasure|be forgotten))|((delete|erase|remove) (all )?(of )?my (personal )?(data|information))|(what (personal )?data (do )?you (hold|have|store|keep) (on|about) me)|(copy of (all )?(the )?(personal )?data you hold)|(subject access request|\\bdsar\\b)', 'access or erasure request (en)'),
]

// A quantity, up to three words (a model name such as "NetBox 6"), then what is ordered.
const largeOrder = /\b(\d{2,5})\s*(x\s*)?(?:[\p{L}\d-]+\s+){0,3}?(st(ü|ue|u)ck|stk\.?|ger(ä|ae|a)te|einheiten|exemplare|laptops?|notebooks?|router|routers|maschinen|units|pieces|pcs|devices|machines|licen[cs]es|seats|nordbooks?|netbox(es)?|homehubs?|k(ü|ue|u)hlschr(ä|ae|a)nke|waschmaschinen|sp(ü|ue|u)lmaschinen|kaffeemaschinen|fridges|washing machines|dishwashers|coffee machines|vacuums|rooms|zimmer|filialen|branches|offices)\b/iu
const volumeWords = rule('gro(ß|ss)bestellung|gro(ß|ss)kunde|rahmenvertrag|mengenrabatt|volumenbestellung|bulk order|volume (order|discount|pricing)|framework agreement|corporate (order|account)|enterprise (order|account)|fleet order', 'B2B volume order')
const waitingWords = rule('(immer noch|noch immer|bis heute|seit \\d+ (tagen|wochen)|seit (einer|zwei|drei) wochen)[^.!?]{0,40}(keine antwort|nichts gehört|nicht(s)? passiert|warte)|(zum (zweiten|dritten|vierten) mal|schon mehrfach|wiederholt) (geschrieben|angerufen|nachgefragt|gemeldet)|still (no|not|waiting)[^.!?]{0,30}(answer|reply|response|heard|fixed|resolved)|(for|over) (\\d+|two|three|several) (days|weeks)[^.!?]{0,30}(no|without) (answer|reply|response)|(third|fourth|second) time (i am|i\'m|writing|asking|contacting)|no one (has )?(answered|replied|got back)|already (written|wrote|called|emailed) (several|multiple|\\d+) times', 'customer says they have been waiting')

function firstMatch(rules: Rule[], text: string): string | undefined {
  for (const { pattern, label } of rules) {
    const match = pattern.exec(text)
    if (match) return `${label}: "${match[0].trim().slice(0, 60)}"`
  }
  return undefined
}

/** Shouting: many exclamation marks, or several words in capitals that are not codes or acronyms. */
function shouting(text: string): string | undefined {
  const exclamations = text.match(/!/g)?.length ?? 0
  const runs = /!{2,}|\?!|!\?/.test(text)
  const capsWords = (text.match(/\b[A-ZÄÖÜ]{4,}\b/g) ?? []).filter((word) => !/^(DSGVO|GDPR|WLAN|HDMI|SEPA|IBAN|HOMEHUB|NETBOX|BARISTA|NORDBOOK|NORDWERK|USB|PDF|LED|DSL|ASAP|EU|MWST|UST|AGB)$/.test(word))
  const evidence: string[] = []
  if (exclamations >= 3 || runs) evidence.push(`${exclamations} exclamation marks`)
  if (capsWords.length >= 3) evidence.push(`words in capitals: ${capsWords.slice(0, 4).join(', ')}`)
  return evidence.length ? evidence.join('; ') : undefined
}

/** The text-based escalation signals of one inquiry, with their evidence. */
export function detectSignals(text: string, customer: { tier?: string | undefined } = {}): Signal[] {
  const signals: Signal[] = []
  const anger = [firstMatch(angerWords, text), shouting(text)].filter(Boolean)
  if (anger.length) signals.push({ code: 'anger', detail: anger.join('; ') })
  const legal = firstMatch(legalWords, text)
  if (legal) signals.push({ code: 'legal_threat', detail: legal })
  const safety = firstMatch(safetyWords, text)
  if (safety) signals.push({ code: 'safety', detail: safety })
  const privacy = firstMatch(dataProtectionWords, text)
  if (privacy) signals.push({ code: 'data_protection_request', detail: privacy })
  const keyAccount = keyAccountEvidence(text, customer.tier)
  if (keyAccount) signals.push({ code: 'key_account', detail: keyAccount })
  const waiting = firstMatch([waitingWords], text)
  if (waiting) signals.push({ code: 'sla_risk', detail: waiting })
  return signals
}

function keyAccountEvidence(text: string, tier: string | undefined): string | undefined {
  if (tier === 'key_account') return 'customer tier is key_account'
  const quantity = largeOrder.exec(text)
  const count = Number(quantity?.[1])
  // 50 units or more is a B2B volume; four-digit numbers that look like years are not quantities.
  if (quantity && count >= 50 && !(count >= 1900 && count <= 2100)) return `large order: "${quantity[0]}"`
  return firstMatch([volumeWords], text)
}
