// The inquiries `npm run bench:worker` sends to both targets: German and English, technical and
// commercial, short and long, a few that should escalate. Written for the bench, not taken from the
// test fixtures, so the set stays fixed while those change.

/** One inquiry as POST /v1/triage takes it, without a customer (each target and round gets its own). */
export interface BenchInquiry {
  subject: string
  body: string
}

export const benchInquiries: BenchInquiry[] = [
  {
    subject: 'Rechnung doppelt abgebucht',
    body: 'Guten Tag, mir wurde die Rechnung für März zweimal abgebucht. Bitte erstatten Sie den doppelten Betrag.',
  },
  {
    subject: 'Login funktioniert nicht',
    body: 'Seit dem Update kann ich mich nicht mehr anmelden. Die Seite lädt und zeigt dann "Sitzung abgelaufen".',
  },
  {
    subject: 'Invoice address change',
    body: 'Please change the billing address on our invoices to Hauptstraße 12, 10115 Berlin, from next month.',
  },
  {
    subject: 'API returns 500',
    body: 'Since this morning every call to the orders endpoint returns HTTP 500. Our integration is down and customers cannot check out.',
  },
  {
    subject: 'Kündigung zum Monatsende',
    body: 'Hiermit kündige ich meinen Vertrag fristgerecht zum Monatsende. Bitte bestätigen Sie mir die Kündigung schriftlich.',
  },
  {
    subject: 'Upgrade to the business plan',
    body: 'We would like to upgrade from the starter plan to business. What does it cost for 25 users per year?',
  },
  {
    subject: 'Drucker verbindet sich nicht mit WLAN',
    body: 'Der Drucker findet unser WLAN nicht mehr, obwohl alle anderen Geräte verbunden sind. Neustart hat nichts gebracht.',
  },
  {
    subject: 'Third complaint, considering legal steps',
    body: 'This is the third time I write about the broken device. Nobody answers. If I do not get a refund this week I will contact my lawyer.',
  },
  {
    subject: 'Passwort zurücksetzen',
    body: 'Wie kann ich mein Passwort zurücksetzen? Die E-Mail zum Zurücksetzen kommt nicht an, auch nicht im Spam.',
  },
  {
    subject: 'Quote for 200 licences',
    body: 'Could you send us a quote for 200 licences with a three-year term? We need it for our budget meeting on Friday.',
  },
  {
    subject: 'Synchronisation bricht ab',
    body: 'Die Synchronisation mit dem Kalender bricht nach etwa 50 Einträgen ab. Im Protokoll steht "timeout while fetching events". Betriebssystem Windows 11, App-Version 4.2.',
  },
  {
    subject: 'Refund for damaged delivery',
    body: 'The package arrived damaged and the screen is cracked. I would like a refund or a replacement, please.',
  },
  { subject: 'Zahlungsart ändern', body: 'Ich möchte künftig per SEPA-Lastschrift statt mit Kreditkarte zahlen. Was muss ich dafür tun?' },
  {
    subject: 'Data export for GDPR request',
    body: 'Under Article 15 GDPR I request a copy of all personal data you hold about me, and information about how it is processed.',
  },
  {
    subject: 'Fehlermeldung beim Export',
    body: 'Beim Export als PDF erscheint "Fehler 0x80070005 Zugriff verweigert". Das passiert nur bei Berichten mit mehr als 100 Seiten.',
  },
  {
    subject: 'Slow dashboard',
    body: 'The dashboard takes more than 30 seconds to load since yesterday. Other pages are fine. Is there an outage?',
  },
  {
    subject: 'Rabatt für Bildungseinrichtungen',
    body: 'Wir sind eine Schule mit 40 Lehrkräften. Gibt es einen Rabatt für Bildungseinrichtungen, und wie weisen wir ihn nach?',
  },
  {
    subject: 'Two-factor authentication lost phone',
    body: 'I lost my phone and cannot log in because of two-factor authentication. How can I recover my account?',
  },
  {
    subject: 'Vertrag und Störung',
    body: 'Unsere Anlage steht seit drei Tagen still, der Techniker ist nicht gekommen. Laut Vertrag gilt eine Reaktionszeit von 24 Stunden. Wir erwarten eine Gutschrift und prüfen die Kündigung.',
  },
  { subject: 'Question about delivery time', body: 'How long does delivery to Austria usually take, and can I track the parcel?' },
]
