/**
 * Word material for the synthetic knowledge base: customer-service words of a household-appliance and
 * electronics retailer in German and English, product names, error codes and the function words that
 * glue sentences together (most of them are stop words, as in real text).
 */
export interface LanguageWords {
  /** Content words, most frequent first (sampled Zipf-like by their position). */
  words: string[]
  /** Articles, prepositions, pronouns and auxiliaries. */
  glue: string[]
  /** Section headings. */
  headings: string[]
  /** Question openers for the search queries. */
  openers: string[]
  /** Product kind per product, by index into `products`. */
  kinds: string[]
}

/** Product names, the same in both languages. */
export const products = ['WM-7', 'GS-5', 'KS-9', 'Barista B3', 'Nordbook 14', 'HomeHub', 'R2', 'NetBox 6', 'TR-3', 'BO-4', 'MW-2', 'KF-8', 'SB-1', 'Vision 55', 'ST-6', 'LR-2', 'Nordphone X', 'Tab 10', 'Cam 2', 'Aqua 3']

/** Error codes as they appear on displays: E10..E49 and F01..F19. */
export const errorCodes = [
  ...Array.from({ length: 40 }, (_, i) => `E${10 + i}`),
  ...Array.from({ length: 19 }, (_, i) => `F${String(i + 1).padStart(2, '0')}`),
]

const split = (text: string) => text.trim().split(/\s+/)

export const german: LanguageWords = {
  words: split(`
    Gerät Bestellung Lieferung Rechnung Garantie Rückerstattung Fehler Kundenkonto Passwort Reparatur
    Ersatzteil Retoure Rücksendung Paket Termin Techniker Anschluss Wasser Tür Display Anzeige Programm
    Pumpe Filter Schlauch Dichtung Heizung Temperatur Motor Akku Ladegerät Netzteil Firmware Update WLAN
    Verbindung Router App Kopplung Bluetooth Zahlung Lastschrift Kreditkarte Ratenkauf Mahnung Gutschrift
    Widerruf Frist Versand Sendungsverfolgung Lieferzeit Spedition Transportschaden Kratzer Verpackung
    Austausch Gewährleistung Kaufbeleg Seriennummer Typenschild Modell Zubehör Kalk Entkalkung Reinigung
    Wartung Geräusch Vibration Trommel Waschgang Spülgang Schleudern Trocknung Kühlschrank Gefrierfach
    Eis Abtauen Kompressor Lüfter Sensor Steckdose Sicherung Stromausfall Neustart Werkseinstellungen
    Bildschirm Tastatur Ladekabel Lautsprecher Mikrofon Kamera Speicher Betriebssystem Anmeldung
    Bestätigung Stornierung Adresse Lieferadresse Rechnungsadresse Umsatzsteuer Geschäftskunde Angebot
    Preis Rabatt Gutschein Aktion Servicevertrag Garantieverlängerung Kündigung Laufzeit Datenschutz
    Auskunft Löschung Einwilligung Newsletter Hotline Rückruf Ticket Anfrage Beschwerde Kulanz Wartezeit
    Waschmaschine Geschirrspüler Kaffeevollautomat Saugroboter Trockner Backofen Mikrowelle Kochfeld
    Soundbar Fernseher Staubsauger Luftreiniger Smartphone Tablet Überwachungskamera Wasserfilter
    Aquastop Leck Überlauf Ablauf Zulauf Wasserhahn Siphon Flusensieb Bohnenbehälter Mahlwerk Milchschaum
    Brüheinheit Wassertank Saugleistung Bürste Ladestation Karte Sperrzone Kanal Frequenz Signal
    Lieferschein Abholung Zustellung Nachnahme Vorkasse Überweisung Kontoauszug Zahlungseingang
    funktioniert startet blinkt piept tropft leckt heizt kühlt lädt verbindet reagiert schleudert pumpt
    zurückgeben erstatten stornieren bestellen liefern reparieren austauschen reinigen entkalken
    zurücksetzen aktualisieren koppeln anmelden kündigen bezahlen reklamieren prüfen melden
    defekt kaputt laut warm kalt nass langsam beschädigt falsch doppelt fehlend verspätet neu gebraucht
    kostenlos kostenpflichtig dringend sofort automatisch manuell regelmäßig komplett
  `),
  glue: split(`der die das den dem des ein eine einen einem und oder aber nicht kein keine zu zum zur im in am an
    auf aus bei mit von vom für über nach seit wenn dann weil dass Sie Ihr Ihre Ihren wir uns es ist sind
    wird werden kann können muss sollte hat haben bitte noch auch nur sehr schon`),
  headings: split(`Ursachen Lösung Fehlerbehebung Voraussetzungen Ablauf Kosten Fristen Hinweise Kontakt Sicherheit
    Übersicht Schritte Häufige_Fragen Garantiefall Ersatz`).map((word) => word.replace(/_/g, ' ')),
  openers: ['Wie kann ich', 'Warum', 'Was tun, wenn', 'Mein', 'Wo finde ich', 'Wann bekomme ich', 'Ich habe ein Problem:', 'Hilfe,'],
  kinds: split(`Waschmaschine Geschirrspüler Kühlschrank Kaffeevollautomat Laptop Smarthome-Zentrale Saugroboter
    Router Trockner Backofen Mikrowelle Kochfeld Soundbar Fernseher Staubsauger Luftreiniger Smartphone Tablet
    Kamera Wasserfilter`),
}

export const english: LanguageWords = {
  words: split(`
    device order delivery invoice warranty refund error account password repair
    part return shipment parcel appointment technician connection water door display screen program
    pump filter hose seal heater temperature motor battery charger adapter firmware update Wi-Fi
    network router app pairing Bluetooth payment debit card instalment reminder credit
    withdrawal deadline shipping tracking courier damage scratch packaging
    replacement guarantee receipt serial label model accessory limescale descaling cleaning
    maintenance noise vibration drum cycle rinse spin drying fridge freezer
    ice defrost compressor fan sensor socket fuse outage restart reset
    keyboard cable speaker microphone camera storage system login
    confirmation cancellation address billing VAT business quote
    price discount voucher promotion contract extension term privacy
    access erasure consent newsletter hotline callback ticket request complaint goodwill waiting
    washer dishwasher coffee vacuum dryer oven microwave hob
    soundbar television cleaner purifier smartphone tablet
    leak overflow drain inlet tap trap lint beans grinder milk
    brewer tank suction brush dock map zone channel frequency signal
    pickup collection transfer statement
    works starts blinks beeps drips leaks heats cools charges connects responds spins pumps
    return refund cancel order deliver repair replace clean descale
    reset upgrade pair sign cancel pay claim check report
    broken faulty loud warm cold wet slow damaged wrong duplicate missing late new used
    free paid urgent immediately automatic manual regular complete
  `),
  glue: split(`the a an and or but not no to of in on at for with from by after since if then because that you
    your we us it is are will be can must should has have please still also only very already`),
  headings: split(`Causes Solution Troubleshooting Requirements Steps Costs Deadlines Notes Contact Safety
    Overview How_it_works FAQ Warranty_claims Replacement`).map((word) => word.replace(/_/g, ' ')),
  openers: ['How do I', 'Why does', 'What to do when', 'My', 'Where can I find', 'When will I get', 'I have a problem:', 'Help,'],
  kinds: split(`washing-machine dishwasher fridge coffee-machine laptop smart-hub robot-vacuum router dryer oven
    microwave hob soundbar TV vacuum-cleaner air-purifier phone tablet camera water-filter`).map((word) => word.replace(/-/g, ' ')),
}
