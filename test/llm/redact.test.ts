import { describe, expect, it } from 'vitest'
import { ibanChecksumValid, luhnValid } from '../../src/triage/llm/personal-data.js'
import { redactPersonalData } from '../../src/triage/llm/redact.js'

/** Redacts `text` and checks that `values` are gone, replaced by placeholders of `label`, and come back on restore. */
function expectRedacted(text: string, label: string, values: string[]) {
  const result = redactPersonalData(text)
  for (const value of values) expect(result.text, `${value} should be redacted`).not.toContain(value)
  expect(result.text).toMatch(new RegExp(`\\[${label}_1\\]`))
  expect(result.restore(result.text)).toBe(text)
  return result
}

describe('redactPersonalData, per kind in German and English', () => {
  it('e-mail addresses', () => {
    expectRedacted('Bitte antworten Sie an anna.schmidt+service@beispiel-firma.de.', 'EMAIL', ['anna.schmidt+service@beispiel-firma.de'])
    expectRedacted('Please reply to j.doe@example.co.uk, thanks.', 'EMAIL', ['j.doe@example.co.uk'])
  })

  it('phone numbers in German and international formats', () => {
    const german = 'Erreichbar unter 0171 1234567, (040) 123 45 67, 030-12345678 oder 089/1234567.'
    const { found } = expectRedacted(german, 'PHONE', ['0171 1234567', '(040) 123 45 67', '030-12345678', '089/1234567'])
    expect(found.filter((entry) => entry.kind === 'phone')).toHaveLength(4)
    expectRedacted('Call me on +49 171 1234567 or +49 (0)40 1234567, or +44 20 7946 0958.', 'PHONE', [
      '+49 171 1234567',
      '+49 (0)40 1234567',
      '+44 20 7946 0958',
    ])
    expectRedacted('US office: +1 (555) 123-4567; from abroad 0049 30 12345678.', 'PHONE', ['+1 (555) 123-4567', '0049 30 12345678'])
  })

  it('IBANs, German and others, with and without spaces', () => {
    expectRedacted('Meine IBAN lautet DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX.', 'IBAN', ['DE89 3704 0044 0532 0130 00'])
    const english = expectRedacted('Refund to GB29NWBK60161331926819 or AT61 1904 3002 3457 3201 please.', 'IBAN', [
      'GB29NWBK60161331926819',
      'AT61 1904 3002 3457 3201',
    ])
    expect(english.text).toBe('Refund to [IBAN_1] or [IBAN_2] please.')
    // The BIC after the IBAN is not swallowed into it.
    expect(redactPersonalData('IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX').text).toBe('IBAN [IBAN_1] BIC COBADEFFXXX')
  })

  it('card numbers only when they pass the Luhn check', () => {
    expectRedacted('Abgebucht von Karte 4111 1111 1111 1111 am Montag.', 'CARD', ['4111 1111 1111 1111'])
    expectRedacted('Charged to card 5500-0000-0000-0004 twice.', 'CARD', ['5500-0000-0000-0004'])
    expectRedacted('Amex 378282246310005 was used.', 'CARD', ['378282246310005'])
    const notLuhn = 'Card 4111 1111 1111 1112 and reference 1234567890123 stay.'
    expect(redactPersonalData(notLuhn).text).toBe(notLuhn)
    expect(luhnValid('4111111111111111')).toBe(true)
    expect(luhnValid('4111111111111112')).toBe(false)
  })

  it('customer numbers after a label and in the KD-/K-number shapes', () => {
    expectRedacted('Meine Kundennummer ist 4711081, Kunden-Nr.: 99-1234, Kd.-Nr. 556677.', 'CUSTOMER_NO', ['4711081', '99-1234', '556677'])
    expectRedacted('My customer number is 55443322 (customer no. A-99812).', 'CUSTOMER_NO', ['55443322', 'A-99812'])
    expectRedacted('Bitte unter KD-20931 bzw. K1234567 nachsehen.', 'CUSTOMER_NO', ['KD-20931', 'K1234567'])
    // The label stays, so the model still knows what the placeholder stood for.
    expect(redactPersonalData('Kundennummer: 4711081').text).toBe('Kundennummer: [CUSTOMER_NO_1]')
  })

  it('order numbers after a label, and dashed numbers following an order word', () => {
    expectRedacted('Bestellnummer 2024-1234, Bestellnr.: 8877665, Auftragsnummer AB-12345.', 'ORDER_NO', [
      '2024-1234',
      '8877665',
      'AB-12345',
    ])
    expectRedacted('Order no. 99887766 and order number: 2023-5555 are both missing.', 'ORDER_NO', ['99887766', '2023-5555'])
    expectRedacted('Meine Bestellung mit der Nummer 2023-9876 kam nicht an.', 'ORDER_NO', ['2023-9876'])
    expectRedacted('My order 4711-0815 arrived broken.', 'ORDER_NO', ['4711-0815'])
  })
})

describe('redactPersonalData, placeholders and restore', () => {
  it('gives the same value the same placeholder, also written differently, and restores it', () => {
    const text = 'Mail an max@example.de, nochmal: MAX@example.de. Tel 0171 1234567 oder 0171-1234567.'
    const result = redactPersonalData(text)
    expect(result.text).toBe('Mail an [EMAIL_1], nochmal: [EMAIL_1]. Tel [PHONE_1] oder [PHONE_1].')
    expect(result.found).toEqual([
      { kind: 'email', placeholder: '[EMAIL_1]' },
      { kind: 'phone', placeholder: '[PHONE_1]' },
    ])
    expect(result.restore('Wir rufen Sie unter [PHONE_1] an und schreiben an [EMAIL_1].')).toBe(
      'Wir rufen Sie unter 0171 1234567 an und schreiben an max@example.de.',
    )
  })

  it('numbers distinct values of one kind and leaves unknown placeholders alone', () => {
    const result = redactPersonalData('a@example.de und b@example.de')
    expect(result.text).toBe('[EMAIL_1] und [EMAIL_2]')
    expect(result.restore('[EMAIL_2] [EMAIL_3]')).toBe('b@example.de [EMAIL_3]')
  })

  it('redacts given names, whole and by part, with names[0] always [NAME_1]', () => {
    const result = redactPersonalData('Guten Tag,\nmein Gerät ist defekt.\nGruß, Mustermann', { names: ['Erika Mustermann'] })
    expect(result.text).not.toContain('Mustermann')
    expect(result.found[0]).toEqual({ kind: 'name', placeholder: '[NAME_1]' })
    expect(result.restore('Sehr geehrte Frau [NAME_1]')).toBe('Sehr geehrte Frau Erika Mustermann')
  })

  it('neutralises text that only looks like a placeholder, so restore cannot fill it', () => {
    const result = redactPersonalData('Mein Code ist [EMAIL_1], meine Adresse x@example.de')
    expect(result.text).toBe('Mein Code ist (EMAIL_1), meine Adresse [EMAIL_1]')
  })

  it('checks IBAN checksums (ISO 13616)', () => {
    expect(ibanChecksumValid('DE89370400440532013000')).toBe(true)
    expect(ibanChecksumValid('DE89370400440532013001')).toBe(false)
  })
})

describe('redactPersonalData leaves device and order facts alone', () => {
  const untouched = [
    'Fehlercode E18 und F02 am Geschirrspüler GS-5, die Waschmaschine WM-7 zeigt E-21.',
    'Error codes E18 and F02 on the GS-5; model WM-7 shows E-21.',
    'Firmware 2.4.1 statt 2.3.0, Version v0.9.1, Build 20240312.',
    'Gekauft am 12.03.2024 (bzw. 2024-03-12, 01/03/2024, 3. März 2024) um 09:30 Uhr.',
    'Bought on March 3, 2024 at 9:30; delivered 2024-03-15.',
    'Preis 199,00 €, Versand 4,99 €, Rabatt 0,99 € – zusammen 203,00 EUR.',
    'Price €1,299.00 plus 19 % VAT; 2 Geräte, 3 Jahre Garantie, PLZ 01067 Dresden.',
    'Seriennummer SN12345678, Artikel 4006381333931 gibt es nicht.',
  ]
  it.each(untouched)('%s', (text) => {
    const result = redactPersonalData(text)
    expect(result.text).toBe(text)
    expect(result.found).toEqual([])
  })
})

describe('redactPersonalData, runs of numbers', () => {
  it('separates two phone numbers and stops before unrelated figures', () => {
    const result = redactPersonalData('Tel. 040 123456 / 0171 1234567 oder 0171 7654321 0221 998877, 2 Geräte.')
    expect(result.text).toBe('Tel. [PHONE_1] / [PHONE_2] oder [PHONE_3] [PHONE_4], 2 Geräte.')
    expect(redactPersonalData('Ruf 0171 1234567 2 mal an').text).toBe('Ruf [PHONE_1] 2 mal an')
  })

  it('separates an IBAN from a second one right after it', () => {
    expect(redactPersonalData('GB29NWBK60161331926819 AT611904300234573201').text).toBe('[IBAN_1] [IBAN_2]')
  })
})
