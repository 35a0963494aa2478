import { describe, expect, it } from 'vitest'
import { replyTemplate } from '../../prompts/reply-template.js'
import { normaliseCase, salutation } from '../../prompts/salutation.js'

// [customer name as sent, German salutation, English salutation]
const cases: Array<[string | undefined, string, string]> = [
  // persons with a title
  ['Frau Kraus', 'Sehr geehrte Frau Kraus,', 'Dear Ms Kraus,'],
  ['Frau Anna Kraus', 'Sehr geehrte Frau Kraus,', 'Dear Ms Kraus,'],
  ['Herr Jens Hartmann', 'Sehr geehrter Herr Hartmann,', 'Dear Mr Hartmann,'],
  ['Herrn Jens Hartmann', 'Sehr geehrter Herr Hartmann,', 'Dear Mr Hartmann,'],
  ['Hr. Jens Hartmann', 'Sehr geehrter Herr Hartmann,', 'Dear Mr Hartmann,'],
  ['Fr. A. Kraus', 'Sehr geehrte Frau Kraus,', 'Dear Ms Kraus,'],
  ['Mrs Jane Smith', 'Sehr geehrte Frau Smith,', 'Dear Mrs Smith,'],
  ['Ms. Jane Smith', 'Sehr geehrte Frau Smith,', 'Dear Ms Smith,'],
  ['Mr John Smith Jr.', 'Sehr geehrter Herr Smith,', 'Dear Mr Smith,'],
  ['Mx Sam Taylor', 'Guten Tag,', 'Dear Mx Taylor,'],
  // academic titles
  ['Frau Dr. Anna Kraus', 'Sehr geehrte Frau Dr. Kraus,', 'Dear Dr Kraus,'],
  ['Frau Dr.Kraus', 'Sehr geehrte Frau Dr. Kraus,', 'Dear Dr Kraus,'],
  ['Herr Prof. Dr. med. Klaus Berger', 'Sehr geehrter Herr Prof. Dr. Berger,', 'Dear Professor Berger,'],
  ['Dr. Anna Kraus', 'Guten Tag,', 'Dear Dr Kraus,'],
  // persons without a title: no gender guessed from the first name
  ['Jens Hartmann', 'Guten Tag,', 'Hello,'],
  ['Anna Kraus', 'Guten Tag,', 'Hello,'],
  ['Kraus, Anna', 'Guten Tag,', 'Hello,'],
  ['Kraus, Frau', 'Sehr geehrte Frau Kraus,', 'Dear Ms Kraus,'],
  // capitals and lower case
  ['FRAU ANNA KRAUS', 'Sehr geehrte Frau Kraus,', 'Dear Ms Kraus,'],
  ['Frau Anna KRAUS', 'Sehr geehrte Frau Kraus,', 'Dear Ms Kraus,'],
  ['herr jens hartmann', 'Sehr geehrter Herr Hartmann,', 'Dear Mr Hartmann,'],
  ['frau müller-lüdenscheidt', 'Sehr geehrte Frau Müller-Lüdenscheidt,', 'Dear Ms Müller-Lüdenscheidt,'],
  ['MR PATRICK O’BRIEN', 'Sehr geehrter Herr O’Brien,', 'Dear Mr O’Brien,'],
  ['mr sean mcdonald', 'Sehr geehrter Herr McDonald,', 'Dear Mr McDonald,'],
  // particles
  ['Herr Carl von Weizsäcker', 'Sehr geehrter Herr von Weizsäcker,', 'Dear Mr von Weizsäcker,'],
  ['HERR HANS VON DER HEIDE', 'Sehr geehrter Herr von der Heide,', 'Dear Mr von der Heide,'],
  ['Frau Ine van der Berg', 'Sehr geehrte Frau van der Berg,', 'Dear Ms van der Berg,'],
  ['Herr De Boer', 'Sehr geehrter Herr De Boer,', 'Dear Mr De Boer,'],
  ['Herr von', 'Guten Tag,', 'Hello,'],
  // companies and other non-persons
  ['Hotel Seeblick GmbH', 'Guten Tag,', 'Hello,'],
  ['Müller GmbH & Co. KG', 'Guten Tag,', 'Hello,'],
  ['Schreinerei Holz e.K.', 'Guten Tag,', 'Hello,'],
  ['Praxis Dr. Kraus', 'Guten Tag,', 'Hello,'],
  ['Kanzlei Berger', 'Guten Tag,', 'Hello,'],
  ['Team Einkauf', 'Guten Tag,', 'Hello,'],
  ['Holm Design Ltd', 'Guten Tag,', 'Hello,'],
  ['Acme Inc.', 'Guten Tag,', 'Hello,'],
  ['Harbourside Lettings LLC', 'Guten Tag,', 'Hello,'],
  ['Herr IBM Kraus', 'Guten Tag,', 'Hello,'],
  ['Frau Kraus 2', 'Guten Tag,', 'Hello,'],
  ['Familie Roth', 'Guten Tag,', 'Hello,'],
  ['Herr und Frau Kraus', 'Guten Tag,', 'Hello,'],
  ['kraus@example.com', 'Guten Tag,', 'Hello,'],
  // empty
  [undefined, 'Guten Tag,', 'Hello,'],
  ['', 'Guten Tag,', 'Hello,'],
  ['   ', 'Guten Tag,', 'Hello,'],
  ['Frau', 'Guten Tag,', 'Hello,'],
  ['Frau K.', 'Guten Tag,', 'Hello,'],
]

describe('salutation', () => {
  it.each(cases)('%j → %s / %s', (name, german, english) => {
    expect(salutation(name, 'de')).toBe(german)
    expect(salutation(name, 'en')).toBe(english)
  })

  it('normalises shouted and lower-case words and keeps names written in mixed case', () => {
    expect(['KRAUS', 'kraus', 'McDonald', 'DeLuca', 'o’neill', 'SCHMIDT-KÖNIG'].map(normaliseCase)).toEqual([
      'Kraus',
      'Kraus',
      'McDonald',
      'DeLuca',
      'O’Neill',
      'Schmidt-König',
    ])
  })

  it('opens the template reply with it', () => {
    const render = (language: string, customerName?: string) =>
      replyTemplate.render({ language, customerName, title: 'E18', passage: 'Reinigen Sie das Flusensieb.' }).text.split('\n')[0]
    expect(render('de', 'Frau Berger')).toBe('Sehr geehrte Frau Berger,')
    expect(render('de', 'Hotel Seeblick GmbH')).toBe('Guten Tag,')
    expect(render('de')).toBe('Guten Tag,')
    expect(render('en', 'Mrs Jane Smith')).toBe('Dear Mrs Smith,')
    expect(render('fr', 'Jens Hartmann')).toBe('Hello,')
  })
})
