import type { EmbeddingSpace } from '../providers/embeddings/embedder.js'

/**
 * Topics in a set of inquiries, found so that a lead can follow every step: each inquiry's vector is
 * compared with the topics found so far (the mean vector of their members), oldest inquiry first; it
 * joins the most similar topic when the cosine similarity reaches the threshold, else it starts a new
 * one. The same inquiries in the same order give the same topics. A topic is named by the words that
 * are frequent in it and rare in the other inquiries (TF-IDF over the topic against all of them).
 */

/** One inquiry to group: its unit vector and its text for the label. */
export interface TopicItem {
  vector: Float32Array
  text: string
  /** Words never to use in a label (the customer's name, say). */
  exclude?: readonly string[]
}

/**
 * Cosine similarity to a topic's mean at which an inquiry joins it, per embedding provider. Paraphrases
 * of one question share most content words (hashing) or sit close in a multilingual model's space;
 * the model values are starting points like defaultNoKnowledgeSimilarity, the hashing one is tested.
 */
export const topicSimilarity: Record<EmbeddingSpace['provider'], number> = {
  hashing: 0.25,
  transformers: 0.88,
  openai: 0.55,
  // bge-m3 puts paraphrases around 0.75-0.9 and unrelated texts near 0.4; a starting point, not measured here.
  'workers-ai': 0.75,
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!
  return sum
}

function norm(vector: Float32Array): number {
  return Math.sqrt(dot(vector, vector))
}

/**
 * Groups the vectors (unit length, in the order given) into topics; returns each topic's member
 * indexes, the largest topic first (ties: the one whose first member came first).
 */
export function clusterTopics(vectors: readonly Float32Array[], threshold: number): number[][] {
  const sums: Float32Array[] = []
  const members: number[][] = []
  vectors.forEach((vector, index) => {
    let best = -1
    let bestSimilarity = threshold
    sums.forEach((sum, topic) => {
      const length = norm(sum)
      const similarity = length > 0 ? dot(sum, vector) / length : 0
      if (similarity >= bestSimilarity) {
        best = topic
        bestSimilarity = similarity
      }
    })
    if (best === -1) {
      sums.push(Float32Array.from(vector))
      members.push([index])
      return
    }
    const sum = sums[best]!
    for (let dimension = 0; dimension < sum.length; dimension++) sum[dimension]! += vector[dimension]!
    members[best]!.push(index)
  })
  return members.sort((a, b) => b.length - a.length || a[0]! - b[0]!)
}

// Words that say nothing about a topic: function words, greetings, and what every support message says.
const stopWords = new Set(
  (
    'aber alle als also am an auch auf aus bei bin bis bitte da damit dank danke das dass dem den der des die dies diese diesem diesen dieser ' +
    'doch du ein eine einem einen einer eines er es etwas euch für gibt grüße gruß guten hallo hat hatte habe haben heute hier ich ihr ihre ' +
    'ihnen im immer in ist ja jetzt kann keine kein können könnte leider mal man mehr mein meine meinem meinen meiner mich mir mit muss nach ' +
    'nicht noch nun nur ob oder schon sehr sein seit sie sind so soll über um und uns unser unsere viele vielen vom von vor war waren was ' +
    'weil wenn wie wieder wir wird wo wurde würde zu zum zur freundlichen freundliche herzliche damen herren geehrte geehrter sehr ' +
    'frage fragen problem anfrage hilfe geht gehen lässt lassen machen macht mache tun gibt worden sollte möchte bekomme kommt ' +
    'a about after all also am an and any are as at be been but by can could dear do does for from get got has have hello help hi how i if ' +
    'in is it its just me my no not now of on or our please problem question regards since so some still thank thanks that the their them ' +
    'there this to too up us was we were what when where which why will with would you your yours best kind want need does get make'
  ).split(' '),
)

/** Lower-cased words of a text as a label may use them: letters (digits inside allowed), at least three long. */
export function labelWords(text: string): string[] {
  return (text.normalize('NFC').match(/\p{L}[\p{L}\p{N}]*(?:-\p{L}[\p{L}\p{N}]*)*/gu) ?? [])
    .map((word) => word.toLowerCase())
    .filter((word) => word.length >= 3 && !stopWords.has(word))
}

/**
 * Up to `count` words that mark a topic: the share of its inquiries that use the word, times how rare the
 * word is among the other inquiries (log (M + 2) / (df + 1) over the M others). With no other inquiries
 * that is the share alone. Ties go alphabetically, so the label is stable.
 */
export function topicKeywords(items: readonly TopicItem[], topic: readonly number[], count = 3): string[] {
  const documents = items.map((item) => {
    const excluded = new Set((item.exclude ?? []).flatMap((name) => labelWords(name)))
    return new Set(labelWords(item.text).filter((word) => !excluded.has(word)))
  })
  const frequency = new Map<string, number>()
  for (const words of documents) for (const word of words) frequency.set(word, (frequency.get(word) ?? 0) + 1)
  const inTopic = new Map<string, number>()
  for (const index of topic) for (const word of documents[index]!) inTopic.set(word, (inTopic.get(word) ?? 0) + 1)
  const others = items.length - topic.length
  return [...inTopic.entries()]
    .map(([word, n]) => ({ word, score: (n / topic.length) * Math.log((others + 2) / (frequency.get(word)! - n + 1)) }))
    .sort((a, b) => b.score - a.score || a.word.localeCompare(b.word))
    .slice(0, count)
    .map((entry) => entry.word)
}

/** How a keyword is written most often in the texts ("Router", "WLAN"), so a title keeps nouns capitalised. */
export function surfaceForm(word: string, texts: readonly string[]): string {
  const forms = new Map<string, number>()
  for (const text of texts)
    for (const match of text.normalize('NFC').matchAll(/\p{L}[\p{L}\p{N}]*(?:-\p{L}[\p{L}\p{N}]*)*/gu))
      if (match[0].toLowerCase() === word) forms.set(match[0], (forms.get(match[0]) ?? 0) + 1)
  return [...forms.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? word
}

/** A proposed article title from the topic's words, in German for 'de' and English otherwise. */
export function proposeTitle(words: readonly string[], language: string): string {
  const german = language.toLowerCase().startsWith('de')
  if (words.length === 0) return german ? 'Häufige Fragen ohne passenden Artikel' : 'Frequent questions without an article'
  const head = words.slice(0, -1).join(', ')
  const list = words.length === 1 ? words[0]! : `${head} ${german ? 'und' : 'and'} ${words[words.length - 1]}`
  return german ? `Fragen zu ${list}` : `Questions about ${list}`
}

/** The `count` members closest to the topic's mean, most typical first (ties: earlier member): its examples. */
export function representatives(vectors: readonly Float32Array[], topic: readonly number[], count = 3): number[] {
  const mean = new Float32Array(vectors[topic[0]!]!.length)
  for (const index of topic) for (let dimension = 0; dimension < mean.length; dimension++) mean[dimension]! += vectors[index]![dimension]!
  return topic
    .map((index, order) => ({ index, order, similarity: dot(mean, vectors[index]!) }))
    .sort((a, b) => b.similarity - a.similarity || a.order - b.order)
    .slice(0, count)
    .map((entry) => entry.index)
}
