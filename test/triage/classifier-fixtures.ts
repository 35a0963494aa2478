import { createHashingEmbedder } from '../../src/providers/embeddings/hashing.js'
import { seededRandom } from '../../src/triage/classifier/random.js'
import type { Department, LabelledExample } from '../../src/triage/classifier/types.js'

const embedder = createHashingEmbedder(1024)

/** Template inquiries with random products and numbers, about 60 % technical. */
export async function syntheticExamples(count: number): Promise<LabelledExample[]> {
  const random = seededRandom(7)
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!
  const things = ['router', 'printer', 'Waschmaschine', 'app', 'server', 'Laptop', 'Heizung', 'camera', 'modem', 'Drucker']
  const faults = ['does not start', 'shows error E{n}', 'stürzt ab', 'verliert die Verbindung', 'is overheating', 'keeps rebooting']
  const business = [
    'invoice {n} is wrong',
    'Rechnung {n} ist falsch',
    'please refund order {n}',
    'Bestellung {n} stornieren',
    'delivery is late',
  ]
  const rows = Array.from({ length: count }, () => {
    const department: Department = random() < 0.6 ? 'technical' : 'commercial'
    const phrase = pick(department === 'technical' ? faults : business).replace('{n}', String(Math.floor(random() * 9000) + 1000))
    return ['en', `${pick(['Hello,', 'Hallo,', ''])} my ${pick(things)}: ${phrase}. ${pick(['Thanks', 'Danke', ''])}`, department] as const
  })
  const embeddings = await embedder.embed(rows.map((row) => row[1]))
  return rows.map(([language, text, department], index) => ({ text, department, language, embedding: embeddings[index]! }))
}
