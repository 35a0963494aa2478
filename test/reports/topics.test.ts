import { describe, expect, it } from 'vitest'
import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'
import { clusterTopics, proposeTitle, surfaceForm, topicKeywords, topicSimilarity, type TopicItem } from '../../src/reports/topics.js'

const router = [
  'Wie setze ich das WLAN-Passwort am Router zurück?',
  'Ich habe das Passwort für den Router vergessen, wie kann ich es zurücksetzen?',
  'Router Passwort zurücksetzen geht nicht, bitte um Hilfe',
  'Router-Passwort vergessen. Zurücksetzen auf Werkseinstellungen?',
]
const invoice = [
  'Meine Rechnung enthält eine doppelte Abbuchung für März.',
  'Auf der Rechnung wurde doppelt abgebucht, bitte die Abbuchung erstatten.',
  'Doppelte Abbuchung auf meiner Rechnung – wann wird erstattet?',
]
const english = ['How do I cancel my subscription contract?', 'I want to cancel the subscription contract, how does that work?']

async function itemsOf(texts: string[]): Promise<TopicItem[]> {
  const vectors = await createHashingEmbedder(1024).embed(texts)
  return texts.map((text, index) => ({ vector: vectors[index]!, text }))
}

describe('topics', () => {
  it('groups paraphrases of one question and separates different questions, whatever the order', async () => {
    const texts = [router[0]!, invoice[0]!, english[0]!, router[1]!, invoice[1]!, router[2]!, english[1]!, invoice[2]!, router[3]!]
    const items = await itemsOf(texts)
    const topics = clusterTopics(
      items.map((item) => item.vector),
      topicSimilarity.hashing,
    )
    const asTexts = topics.map((topic) => topic.map((index) => texts[index]!).sort())
    expect(asTexts).toEqual([[...router].sort(), [...invoice].sort(), [...english].sort()])
    // Deterministic: the same input gives the same topics.
    expect(
      clusterTopics(
        items.map((item) => item.vector),
        topicSimilarity.hashing,
      ),
    ).toEqual(topics)
  })

  it('names a topic by its distinctive words and proposes a title in its language', async () => {
    const texts = [...router, ...invoice]
    const items = await itemsOf(texts)
    const routerTopic = router.map((_, index) => index)
    const words = topicKeywords(items, routerTopic)
    expect(words).toHaveLength(3)
    expect(words).toContain('router')
    expect(words).toContain('passwort')
    expect(words).not.toContain('rechnung')
    expect(surfaceForm('router', texts)).toBe('Router')
    expect(proposeTitle(['Router', 'Passwort', 'zurücksetzen'], 'de')).toBe('Fragen zu Router, Passwort und zurücksetzen')
    expect(proposeTitle(['subscription', 'cancel'], 'en')).toBe('Questions about subscription and cancel')
    expect(proposeTitle([], 'en')).toBe('Frequent questions without an article')
  })

  it('labels the only topic by its most frequent words, not by the rarest', async () => {
    const texts = [
      'Wie stelle ich die Zeitschaltuhr am Backofen ein?',
      'Zeitschaltuhr am Backofen einstellen, wie geht das?',
      'Backofen Zeitschaltuhr lässt sich nicht einstellen',
    ]
    expect(topicKeywords(await itemsOf(texts), [0, 1, 2])).toEqual(['backofen', 'zeitschaltuhr', 'einstellen'])
  })

  it('never labels a topic with a word it was told to leave out (a customer name)', async () => {
    const texts = ['Kraus: Router Passwort vergessen', 'Kraus fragt: Router Passwort zurücksetzen', 'Rechnung doppelt']
    const items = (await itemsOf(texts)).map((item) => ({ ...item, exclude: ['Anna Kraus'] }))
    expect(topicKeywords(items, [0, 1])).not.toContain('kraus')
  })
})
