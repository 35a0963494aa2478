import { seededRandom, shuffleInPlace } from '../../src/triage/classifier/random.js'

/**
 * The long tail of a real support knowledge base: product line names, part numbers, error codes and
 * firmware versions (shared by both languages) and German compound nouns. Each is rare, so a question
 * naming one has a selective word for the full-text leg, as real questions do. Generated from a fixed
 * seed: the same words on every run.
 */
export interface LongTail {
  /** Product names per product kind (same index as the kinds lists): line name and model number. */
  productsByKind: string[][]
  /** Display codes (E123) and part numbers (KX48211): each article names one of each. */
  errorCodes: string[]
  parts: string[]
  /** Rare words of running text in German (compounds) and English, plus line names and versions in both. */
  german: string[]
  english: string[]
}

const onsets = [
  'b',
  'br',
  'd',
  'dr',
  'f',
  'fl',
  'g',
  'gr',
  'h',
  'k',
  'kl',
  'kr',
  'l',
  'm',
  'n',
  'p',
  'pl',
  'r',
  's',
  'st',
  't',
  'tr',
  'v',
  'w',
  'z',
]
const vowels = ['a', 'e', 'i', 'o', 'u', 'ai', 'au', 'ea', 'io']
const codas = ['', '', 'n', 'r', 'l', 's', 'x', 'm', 'nd', 'rt', 'v']

/** German compound parts: modifiers (in their joining form) and heads. 56 × 44 = 2 464 compounds. */
const modifiers = `Pumpen Tür Wasser Filter Schlauch Dichtungs Heiz Temperatur Motor Akku Lade Netz Firmware Verbindungs
  Router Zahlungs Liefer Rechnungs Garantie Reparatur Ersatzteil Kunden Service Geräte Sicherheits Strom Spül Wasch
  Kühl Gefrier Trommel Lüfter Kalk Reinigungs Wartungs Display Programm Kaffee Milch Mahl Brüh Saug Bürsten Kamera
  Speicher Tastatur Versand Paket Rücksende Widerrufs Vertrags Daten Konto Passwort Software Abfluss`
  .trim()
  .split(/\s+/)
const heads = `dichtung sensor pumpe filter ventil schlauch klappe platine modul kabel stecker halterung abdeckung lager
  riemen feder schalter anzeige leuchte fehler meldung störung prüfung frist gebühr pauschale nummer bestätigung
  einstellung funktion zyklus kammer behälter düse motor einheit leitung anschluss schutz sperre stufe sieb wanne`
  .trim()
  .split(/\s+/)

/** Feature names as makers coin them (AquaGuard, SteamBoost): closed compounds in both languages. 40 × 40. */
const featureStarts = `Aqua Steam Quick Eco Smart Power Silent Turbo Flex Hygiene Auto Cool Fresh Pure Direct Easy Multi Super Ultra
  Max Dual Hyper Crystal Vario Perfect Intelli Opti Nano Air Soft Active Deep Rapid Home Care Vital Zen Prime Net Volt`
  .trim()
  .split(/\s+/)
const featureEnds = `Guard Boost Drive Sense Link Zone Flow Dry Wash Heat Lock Start Clean Light Touch Control Plus Care Shield Cycle
  Jet Mix Dose Fit Pro Stop Save Scan Sync Cook Brew Foam Cool Air View Charge Connect Mode Speed Pilot`
  .trim()
  .split(/\s+/)

/** English technical words beyond the head vocabulary: rarer, but real. */
const englishRare = `gasket impeller solenoid thermistor thermostat capacitor relay bearing gearbox latch hinge nozzle manifold
  agitator baffle detergent dispenser softener rinse-aid spray-arm float-switch heating-element pressure-switch
  circuit-board touchpad backlight bootloader checksum handshake firewall subnet gateway DHCP DNS SSID passphrase
  encryption certificate token two-factor chargeback proration dunning remittance escrow invoice-number
  purchase-order consignment waybill customs tariff surcharge depot warehouse backorder preorder restock
  recall advisory bulletin schematic torque clearance calibration diagnostics telemetry watchdog overheating
  short-circuit earth-leakage residual-current surge brownout firmware-rollback factory-image sideload`
  .trim()
  .split(/\s+/)

/** `count` different invented line names (two or three syllables, capitalised). */
function lineNames(random: () => number, count: number): string[] {
  const names = new Set<string>()
  const syllable = () =>
    `${onsets[Math.floor(random() * onsets.length)]}${vowels[Math.floor(random() * vowels.length)]}${codas[Math.floor(random() * codas.length)]}`
  while (names.size < count) {
    const word = Array.from({ length: 2 + Math.floor(random() * 2) }, syllable).join('')
    names.add(`${word[0]!.toUpperCase()}${word.slice(1)}`)
  }
  return [...names]
}

export function buildLongTail(kinds: number): LongTail {
  const random = seededRandom(0x5eed)
  const lines = lineNames(random, kinds * 12)
  // 12 lines per kind, two or three model numbers per line: "Kravo 740".
  const productsByKind = Array.from({ length: kinds }, (_, kind) =>
    lines
      .slice(kind * 12, kind * 12 + 12)
      .flatMap((line) => Array.from({ length: 2 + Math.floor(random() * 2) }, () => `${line} ${100 + Math.floor(random() * 900)}`)),
  )
  const errorCodes = [
    ...new Set(Array.from({ length: 3000 }, () => `${'EFHCP'[Math.floor(random() * 5)]}${100 + Math.floor(random() * 900)}`)),
  ]
  const parts = [
    ...new Set(
      Array.from(
        { length: 20000 },
        () =>
          `${'ABCDEFGHKLMNPRSTVWXZ'[Math.floor(random() * 20)]}${'ABCDEFGHKLMNPRSTVWXZ'[Math.floor(random() * 20)]}${10000 + Math.floor(random() * 90000)}`,
      ),
    ),
  ]
  const versions = Array.from(
    { length: 300 },
    () => `${1 + Math.floor(random() * 6)}.${Math.floor(random() * 30)}.${Math.floor(random() * 20)}`,
  )
  const features = featureStarts.flatMap((start) => featureEnds.filter((end) => end !== start).map((end) => `${start}${end}`))
  // Names of components, services, places and people: invented words stand in for the tens of thousands
  // of rare terms a real knowledge base of this size holds.
  const names = lineNames(random, 30_000).filter((name) => !lines.includes(name))
  const shared = [...features, ...new Set(versions), ...names]
  const compounds = modifiers.flatMap((modifier) => heads.map((head) => `${modifier}${head}`))
  return {
    productsByKind,
    errorCodes,
    parts,
    german: shuffleInPlace([...compounds, ...shared], random),
    english: shuffleInPlace([...englishRare, ...shared], random),
  }
}
