import { describe, expect, it } from 'vitest'
import { detectLanguage } from '../../src/triage/language.js'

describe('detectLanguage', () => {
  const german = [
    'Rechnung falsch',
    'Wo ist mein Paket?',
    'Router kaputt',
    'Kündigung',
    'Danke!',
    'WLAN geht nicht',
    'Bestellung stornieren bitte',
    'Gerät defekt',
    'Ich möchte widerrufen',
    'Bitte um Rückruf',
    'Hallo, meine Waschmaschine zeigt E18',
    'Spülmaschine pumpt nicht ab',
  ]
  const english = [
    'invoice wrong',
    'Where is my parcel?',
    'refund please',
    'WiFi not working',
    'cancel my order',
    'device broken',
    'my dishwasher shows F02',
    'The coffee machine leaks water',
    'How do I reset the router?',
    'payment failed twice',
  ]

  it.each(german)('reads %j as German', (text) => expect(detectLanguage(text).language).toBe('de'))
  it.each(english)('reads %j as English', (text) => expect(detectLanguage(text).language).toBe('en'))

  it('reports other languages by ISO code', () => {
    expect(detectLanguage('Mon routeur ne marche plus depuis hier soir, pouvez-vous m’aider ?').language).toBe('fr')
    expect(detectLanguage('El pedido que hice la semana pasada todavía no ha llegado a mi casa').language).toBe('es')
    expect(detectLanguage('Mijn wasmachine geeft een foutmelding en de deur gaat niet meer open').language).toBe('nl')
  })

  it('lets a given language win and copes with text without letters', () => {
    expect(detectLanguage('Rechnung falsch', 'EN')).toEqual({ language: 'en', source: 'given' })
    expect(detectLanguage('🙂🙂 12345 !!!').language).toMatch(/^[a-z]{2}$/)
    expect(detectLanguage('').language).toMatch(/^[a-z]{2}$/)
  })
})
