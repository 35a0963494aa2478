/** Names of article languages in the customer's language, for the note that an article is in another language. */
const languageNames: Record<'de' | 'en', Record<string, string>> = {
  de: { en: 'Englisch', de: 'Deutsch', fr: 'Französisch', it: 'Italienisch', es: 'Spanisch', nl: 'Niederländisch' },
  en: { de: 'German', en: 'English', fr: 'French', it: 'Italian', es: 'Spanish', nl: 'Dutch' },
}

/**
 * "Der Artikel ist auf Englisch." when the cited article is not in the customer's language (cross-lingual
 * search found it), as a paragraph of the reply; nothing when it is.
 */
export function articleLanguageNote(language: 'de' | 'en', articleLanguage: string | undefined): string[] {
  if (!articleLanguage || articleLanguage === language) return []
  const name = languageNames[language][articleLanguage] ?? articleLanguage
  return [language === 'de' ? `Der Artikel ist auf ${name}.` : `The article is in ${name}.`]
}
