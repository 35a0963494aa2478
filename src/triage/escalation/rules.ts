import { acronyms, type RuleHit } from './detector/text-features.js'

/**
 * The hand-written patterns of earlier versions (German and English; umlauts written out or dropped).
 * They no longer decide anything: each hit is a feature of the learned detector (detector/), which
 * learns from labelled examples how much a hit is worth and where it misleads ("Fire TV", "firewall",
 * "our legal department"). Each rule names the reason it was written for, so its feature reads
 * `<reason>:<label>`.
 */

type Rule = { reason: string; label: string; pattern: RegExp }

const rule = (reason: string, label: string, source: string): Rule => ({ reason, label, pattern: new RegExp(source, 'giu') })

const rules: Rule[] = [
  rule(
    'anger',
    'angry wording (de)',
    '\\b(unversch(ä|ae|a)mt\\w*|frechheit|sauerei|skandal\\w*|katastroph\\w*|inakzeptabel|unzumutbar|w(ü|ue|u)tend|stinksauer|verarsch\\w*|abzocke\\w*|betr(ü|ue|u)ger\\w*|mist\\s?laden|sch(ei|ie)(ß|ss)\\w*|zum letzten mal|reicht mir|die nase voll|l(ä|ae|a)cherlich)\\b',
  ),
  rule(
    'anger',
    'angry wording (en)',
    '\\b(unacceptable|outrageous|ridiculous|disgusting|furious|livid|fed up|sick of|worst (service|company|experience)|scam(mers?)?|rip[- ]?off|pathetic|useless|incompetent|a joke|last time i|never again|shame on you|wtf|damn|crap)\\b',
  ),
  rule(
    'legal_threat',
    'lawyer or court (de)',
    '\\b(rechts)?anw(a|ä|ae)lt\\w*|\\bkanzlei\\b|\\bklage\\b|\\bverklagen\\b|vor gericht|gerichtlich\\w*|(amts|land)gericht|rechtliche schritte|juristisch\\w*|mahnverfahren',
  ),
  rule(
    'legal_threat',
    'lawyer or court (en)',
    '\\b(lawyers?|attorneys?|solicitors?|legal action|legal steps|sue|suing|lawsuit|small claims|take (you|this) to court)\\b',
  ),
  rule(
    'legal_threat',
    'consumer protection body',
    'verbraucherzentrale|verbraucherschutz|schlichtungsstelle|consumer (protection|rights (group|organi[sz]ation))|trading standards|ombudsman',
  ),
  rule(
    'legal_threat',
    'chargeback',
    '\\b(chargeback|charge back|dispute the (charge|payment)|r(ü|ue|u)ckbuchung|zur(ü|ue|u)ckbuchen|lastschrift zur(ü|ue|u)ck\\w*|widerspruch (bei|gegen) (der|die|meine) (bank|lastschrift)|paypal[- ]k(ä|ae|a)uferschutz)',
  ),
  rule(
    'public_exposure',
    'press',
    'an die (presse|zeitung|medien)|presse (informieren|einschalten|kontaktieren)|journalist\\w*|reporter\\w*|fernsehen|(go(ing)?|went) to the (press|media|newspapers?)|(contact|inform|tell)(ing)? the (press|media|newspapers?)',
  ),
  rule(
    'public_exposure',
    'public reviews or social media',
    '(schlechte|negative|1[- ]sterne?|ein[- ]stern\\w*) bewertung|bewertung (auf|bei) (google|trustpilot|amazon)|trustpilot|(bad|negative|1[- ]star|one[- ]star) (review|rating)|(review|rate you) (on|at) (google|trustpilot|amazon)|(post|share|write|warn|tell)\\w*[^.!?]{0,40}(social media|facebook|twitter|instagram|tiktok|youtube|in (allen )?foren|on (all )?forums)',
  ),
  rule('safety', 'smoke', '\\b(rauch(?!melder)\\w*|qualm\\w*)\\b|\\bsmok(e|es|ing|y)\\b(?! (detector|alarm))'),
  rule(
    'safety',
    'fire or burning',
    '\\b(feuer|flammen?|brennt|brannte|in brand|brandgeruch|brandfleck\\w*|verschmort\\w*|verkohlt\\w*|kokelt|funkenflug|funken (sprühen|fliegen|kommen))\\b|\\b(fire|flames?|burning smell|smell(s|ed)? (of |like )?burning|sparks?|sparking|melted)\\b',
  ),
  rule(
    'safety',
    'sparks or burnt smell',
    'gefunkt|verbrannt (gerochen|riecht)|riecht (verbrannt|nach verbranntem)|smells? (burnt|of burnt)',
  ),
  rule(
    'safety',
    'electric shock',
    'stromschlag|elektrischen schlag|(einen )?schlag (bekommen|gekriegt)|gewischt|unter strom|electric(al)? shock|(got|get|gave me) (a )?shock|shocked me|electrocut\\w*',
  ),
  rule(
    'safety',
    'water leaking into the home',
    'wasser (l(ä|ae|a)uft|lief|tritt|dringt|steht)[^.!?]{0,40}(wohnung|boden|k(ü|ue|u)che|keller|nachbar|parkett)|(wohnung|k(ü|ue|u)che|keller)[^.!?]{0,30}(unter wasser|(ü|ue|u)berschwemm\\w*|geflutet)|(ü|ue|u)berschwemmung|water (is )?(leak\\w*|pour\\w*|running|spreading)[^.!?]{0,40}(flat|apartment|floor|kitchen|downstairs|neighbou?r|ceiling)|flooded|flooding|wasser[^.!?]{0,40}steht[^.!?]{0,20}(flur|bad|wohnzimmer|zimmer)|(nachbar\\w*|decke)[^.!?]{0,50}(wasser|nass|feucht|tropft)|wasser[^.!?]{0,60}(nachbar\\w*|zimmerdecke)|(pour\\w*|leak\\w*|spill\\w*|gush\\w*|com(e|ing)) [^.!?]{0,50}(into|across|through) the (hall|hallway|living room|corridor|bedroom|ceiling|flat|apartment|floor below)|(ceiling|flat below|downstairs|neighbou?rs?)[^.!?]{0,40}(water|wet|leak\\w*|drip\\w*)|water[^.!?]{0,60}(ceiling|flat below|downstairs neighbou?r)',
  ),
  rule(
    'safety',
    'gas',
    '\\bgas(geruch|leck\\w*)?\\b[^.!?]{0,30}(riech\\w*|stink\\w*|smell\\w*|leak\\w*|austr\\w*)|(riech\\w*|stink\\w*|smell\\w*)[^.!?]{0,30}\\bgas\\b|kohlenmonoxid|carbon monoxide|\\bco[- ](melder|alarm|detector)',
  ),
  rule(
    'safety',
    'swollen battery or casing',
    '(akku|batterie)[^.!?]{0,30}(aufgebl(ä|ae|a)ht|bl(ä|ae|a)ht|gew(ö|oe|o)lbt|geschwollen|dick geworden|explod\\w*)|aufgebl(ä|ae|a)ht\\w* (akku|batterie)|(swollen|swelling|bulging|puffed[- ]up|expanded) (laptop )?battery|battery[^.!?]{0,30}(swollen|swelling|bulging|puff(ed|ing)|explod\\w*)|\\baufgebl(ä|ae|a)ht\\w*|\\b(bulging|swollen)\\b',
  ),
  rule(
    'data_protection_request',
    'GDPR article 15/17',
    '\\b(dsgvo|ds-gvo|gdpr|datenschutz-?grundverordnung)\\b[^.!?]{0,40}\\b(art(\\.|ikel|icle)?\\s*(15|17))\\b|\\bart(\\.|ikel|icle)?\\s*(15|17)\\s*(dsgvo|ds-gvo|gdpr)',
  ),
  rule(
    'data_protection_request',
    'GDPR access or erasure request',
    '\\b(dsgvo|ds-gvo|gdpr)\\b[^.!?]{0,60}(auskunft|l(ö|oe|o)sch\\w*|access|erasure|delet\\w*|eras\\w*|copy)|(auskunft|l(ö|oe|o)sch\\w*|access request|erasure|delet\\w*)[^.!?]{0,60}\\b(dsgvo|ds-gvo|gdpr)\\b|(l(ö|oe|o)schen sie|l(ö|oe|o)schung)[^.!?]{0,30}(alle|s(ä|ae|a)mtliche) (meine|meiner)[^.!?]{0,20}daten',
  ),
  rule(
    'data_protection_request',
    'access or erasure request (de)',
    'auskunft (über|ueber|uber) (die |alle )?(meine|zu meiner person) ?(gespeicherten |personenbezogenen )?daten|welche daten (sie )?(über|ueber|uber) mich|(l(ö|oe|o)schung|l(ö|oe|o)schen) (aller |sämtlicher )?(meiner|meine) (personenbezogenen |persönlichen )?daten|meine daten (bitte )?l(ö|oe|o)schen|recht auf (vergessenwerden|l(ö|oe|o)schung|auskunft)',
  ),
  rule(
    'data_protection_request',
    'access or erasure request (en)',
    '(right (of|to) (access|erasure|be forgotten))|((delete|erase|remove) (all )?(of )?my (personal )?(data|information))|(what (personal )?data (do )?you (hold|have|store|keep) (on|about) me)|(copy of (all )?(the )?(personal )?data you hold)|(subject access request|\\bdsar\\b)',
  ),
  rule(
    'repeated_failure',
    'customer says they have been waiting',
    "(immer noch|noch immer|bis heute|seit \\d+ (tagen|wochen)|seit (einer|zwei|drei) wochen)[^.!?]{0,40}(keine antwort|nichts gehört|nicht(s)? passiert|warte)|(zum (zweiten|dritten|vierten) mal|schon mehrfach|wiederholt) (geschrieben|angerufen|nachgefragt|gemeldet)|still (no|not|waiting)[^.!?]{0,30}(answer|reply|response|heard|fixed|resolved)|(for|over) (\\d+|two|three|several) (days|weeks)[^.!?]{0,30}(no|without) (answer|reply|response)|(third|fourth|second) time (i am|i'm|writing|asking|contacting)|no one (has )?(answered|replied|got back)|already (written|wrote|called|emailed) (several|multiple|\\d+) times",
  ),
]

/** Every rule hit in the text, with its place, as detector features named `<reason>:<label>`. */
export function ruleHits(text: string): RuleHit[] {
  const hits: RuleHit[] = []
  for (const { reason, label, pattern } of rules) {
    for (const match of text.matchAll(pattern))
      hits.push({ feature: `${reason}:${label}`, start: match.index, end: match.index + match[0].length })
  }
  const shout = shouting(text)
  if (shout) hits.push(shout)
  return hits
}

/** Several words in capitals that are not acronyms: shouting (a feature, never anger on its own). */
function shouting(text: string): RuleHit | undefined {
  const capitals = [...text.matchAll(/\b[A-ZÄÖÜ]{4,}\b/g)].filter((match) => !acronyms.test(match[0]))
  if (capitals.length < 3) return undefined
  return {
    feature: 'anger:words in capitals',
    start: capitals[0]!.index,
    end: capitals[capitals.length - 1]!.index + capitals[capitals.length - 1]![0].length,
  }
}
