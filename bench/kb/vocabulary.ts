/**
 * Word material for the synthetic knowledge base: customer-service words of a household-appliance and
 * electronics retailer in German and English, product kinds and the function words that glue sentences
 * together (most of them are stop words, as in real text). These are the frequent words; the rare ones
 * (product names, error codes, part numbers, compounds) come from long-tail.ts.
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
  /** Product kinds (washing machine, router, …), the same kind at the same index in both languages. */
  kinds: string[]
}

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
    Kamera Wasserfilter Gefrierschrank Weinkühlschrank Dunstabzugshaube Dampfgarer Wasserkocher Toaster
    Küchenmaschine Standmixer Bügelstation Haartrockner Rasierer Zahnbürste Monitor Drucker Beamer Kopfhörer
    Smartwatch Repeater Netzwerkspeicher Klimagerät`),
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
    microwave hob soundbar TV vacuum-cleaner air-purifier phone tablet camera water-filter freezer wine-cooler
    cooker-hood steam-oven kettle toaster food-processor blender steam-iron hair-dryer shaver toothbrush monitor
    printer projector headphones smartwatch repeater NAS air-conditioner`).map((word) => word.replace(/-/g, ' ')),
}
