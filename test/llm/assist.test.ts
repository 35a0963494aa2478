import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { promptVersions } from '../../prompts/index.js'
import { createOpenAIChat } from '../../src/providers/llm/openai-chat.js'
import { departmentOpinion, draftReply } from '../../src/triage/llm/assist.js'
import { startFakeOpenAI, type FakeOpenAI, type RecordedRequest } from '../helpers/fake-openai.js'
import { apiKey, json, messagesOf, rejection, requestsSince } from './support.js'

const personal = {
  name: 'Erika Mustermann',
  email: 'erika.mustermann@example.de',
  phone: '0171 1234567',
  iban: 'DE89 3704 0044 0532 0130 00',
  card: '4111 1111 1111 1111',
  customerNo: '4711081',
  orderNo: '2024-1234',
}

const inquiryText = [
  'Guten Tag,',
  `meine Waschmaschine WM-7 aus der Bestellnummer ${personal.orderNo} zeigt seit gestern den Fehler E18 und pumpt nicht ab.`,
  `Meine Kundennummer ist ${personal.customerNo}. Bezahlt habe ich mit der Karte ${personal.card}, eine Erstattung bitte auf ${personal.iban}.`,
  `Sie erreichen mich unter ${personal.phone} oder ${personal.email}.`,
  `Mit freundlichen Grüßen\n${personal.name}`,
].join('\n')

const passages = [
  {
    title: 'Fehler E18: Pumpe blockiert',
    content: 'E18 bedeutet, dass das Wasser nicht abgepumpt wird. Reinigen Sie das Flusensieb unten rechts.',
    url: 'https://kb.example/e18',
  },
  {
    title: 'Flusensieb reinigen',
    content: 'Stellen Sie ein flaches Gefäß bereit, öffnen Sie die Serviceklappe und drehen Sie das Sieb heraus.',
  },
]

/** Every form in which a value could leave: as written, and without spaces or dashes. */
const forms = (value: string) => [value, value.replace(/[\s-]/g, '')]

/** Answers like a model that uses the placeholders it was given. */
function politeReply(request: RecordedRequest) {
  const { user } = messagesOf(request)
  expect(user).toContain('[ORDER_NO_1]')
  return json({
    reply:
      '[GREETING]\n\nder Fehler E18 zu Ihrer Bestellung [ORDER_NO_1] bedeutet, dass das Wasser nicht abgepumpt wird [1]. Bitte reinigen Sie das Flusensieb [2].\n\nMit freundlichen Grüßen\nIhr Kundenservice',
    citations: [1, 2],
  })
}

describe('draftReply and departmentOpinion against the fake OpenAI server', () => {
  let server: FakeOpenAI
  beforeAll(async () => {
    server = await startFakeOpenAI()
  })
  afterAll(async () => server.close())
  const llm = () => createOpenAIChat({ apiKey, baseURL: server.url, model: 'gpt-4o-mini', timeoutMs: 2_000, maxRetries: 0 })
  const draft = (reply: unknown, overrides: Partial<Parameters<typeof draftReply>[1]> = {}) => {
    server.scriptChat(typeof reply === 'string' ? reply : json(reply))
    return draftReply(llm(), { inquiryText, language: 'de', customerName: personal.name, passages, ...overrides })
  }

  it('drafts a cited reply with structured output and puts the personal data back', async () => {
    const sent = requestsSince(server)
    server.scriptChat(politeReply)
    const result = await draftReply(llm(), { inquiryText, language: 'de', customerName: personal.name, passages })
    expect(result.promptId).toBe('draft-reply@2')
    expect(result.citations).toEqual([1, 2])
    // No title in the data: a neutral salutation, never "Guten Tag Erika Mustermann,".
    expect(result.reply).toMatch(/^Guten Tag,\n\nder Fehler E18/)
    expect(result.reply).toContain(`Bestellung ${personal.orderNo} bedeutet`)
    expect(result.reply).not.toMatch(/\[(?:NAME|ORDER_NO)_\d+\]/)
    const [call] = sent()
    expect(call!.body.response_format.json_schema).toMatchObject({ name: 'draft_reply', strict: true })
    const { user } = messagesOf(call!)
    expect(user).toContain('Reply language: German (de), formal "Sie".')
    expect(user).toContain('Greeting: begin the reply with the line [GREETING] exactly as written')
    expect(user).toContain('<<<PASSAGE 2\nTitle: Flusensieb reinigen\n\n')
    expect(promptVersions).toContainEqual({ id: 'draft-reply', version: 2 })
  })

  it('opens with the formal salutation when the name carries a title, and names a passage in another language', async () => {
    const sent = requestsSince(server)
    server.scriptChat(politeReply)
    const english = { title: 'Error E18: drain pump blocked', content: 'E18 means the water is not pumped out.', language: 'en' }
    const result = await draftReply(llm(), {
      inquiryText,
      language: 'de',
      customerName: `Frau Dr. ${personal.name}`,
      passages: [english, { ...passages[1]!, language: 'de' }],
    })
    expect(result.reply).toMatch(/^Sehr geehrte Frau Dr\. Mustermann,\n\nder Fehler E18/)
    const { user } = messagesOf(sent()[0]!)
    expect(user).toContain('<<<PASSAGE 1\nTitle: Error E18: drain pump blocked\nLanguage: English (en)\n')
    expect(user).toContain('<<<PASSAGE 2\nTitle: Flusensieb reinigen\n\n') // same language as the reply: no line
    expect(user).not.toContain('Mustermann')
  })

  it('leaves the greeting to the model in languages without our salutations', async () => {
    const sent = requestsSince(server)
    server.scriptChat(json({ reply: 'Bonjour [NAME_1],\n\nE18 signifie que la pompe est bloquée [1].', citations: [1] }))
    const result = await draftReply(llm(), {
      inquiryText: 'Ma machine affiche E18.',
      language: 'fr',
      customerName: 'Erika Mustermann',
      passages,
    })
    expect(result.reply).toBe('Bonjour Erika Mustermann,\n\nE18 signifie que la pompe est bloquée [1].')
    const { user } = messagesOf(sent()[0]!)
    expect(user).toContain('Customer name: [NAME_1]')
    expect(user).not.toContain('[GREETING]')
  })

  it('never sends the personal data to the server', async () => {
    const sent = requestsSince(server)
    server.scriptChat(politeReply, json({ department: 'technical', confidence: 0.8, rationale: 'Error code E18 on [ORDER_NO_1].' }))
    await draftReply(llm(), { inquiryText, language: 'de', customerName: personal.name, passages })
    const opinion = await departmentOpinion(llm(), { inquiryText, language: 'de', customerName: personal.name })
    expect(opinion).toMatchObject({
      department: 'technical',
      promptId: 'department-opinion@1',
      rationale: 'Error code E18 on [ORDER_NO_1].',
    })

    const bodies = sent().map((request) => JSON.stringify(request.body))
    expect(bodies).toHaveLength(2)
    const secrets = [...Object.values(personal).flatMap(forms), 'Mustermann', 'Erika']
    for (const body of bodies) for (const secret of secrets) expect(body, `request body contains ${secret}`).not.toContain(secret)
    // What the model does get: the facts it needs, and placeholders standing in for the rest.
    for (const body of bodies)
      for (const kept of ['WM-7', 'E18', '[EMAIL_1]', '[PHONE_1]', '[IBAN_1]', '[CARD_1]', '[CUSTOMER_NO_1]']) expect(body).toContain(kept)
  })

  it('drops citations of passages that do not exist, and rejects a reply citing none that do', async () => {
    const partly = await draft({ reply: 'E18 bedeutet, dass nicht abgepumpt wird [1]. Siehe auch [7].', citations: [1, 7] })
    expect(partly.citations).toEqual([1])
    expect(partly.reply).toBe('E18 bedeutet, dass nicht abgepumpt wird [1]. Siehe auch.')

    const none = await rejection(draft({ reply: 'Bitte lesen Sie Abschnitt [7].', citations: [7] }))
    expect(none).toMatchObject({
      name: 'LlmError',
      kind: 'invalid_output',
      message: expect.stringContaining('cites none of the 2 passages'),
    })
    const uncited = await rejection(draft({ reply: 'Bitte reinigen Sie das Sieb.', citations: [] }))
    expect(uncited).toMatchObject({ kind: 'invalid_output' })
  })

  it('rejects empty replies, malformed JSON and schema-mismatched JSON as invalid_output', async () => {
    expect(await rejection(draft({ reply: '   ', citations: [1] }))).toMatchObject({
      kind: 'invalid_output',
      message: expect.stringContaining('empty'),
    })
    expect(await rejection(draft('{"reply": "Guten Tag [1]", "citations": [1'))).toMatchObject({ kind: 'invalid_output' })
    expect(await rejection(draft({ reply: 'Guten Tag [1]', citations: '1' }))).toMatchObject({ kind: 'invalid_output' })
    expect(await rejection(draft({ text: 'Guten Tag [1]' }))).toMatchObject({ kind: 'invalid_output' })
  })

  it('accepts an ordinary English reply to an inquiry without a customer name', async () => {
    const sent = requestsSince(server)
    server.scriptChat(
      json({
        reply:
          '[GREETING]\n\nthank you for your message. E18 means that the water is not pumped out [1]; please clean the lint filter [2].\n\nKind regards\nYour customer service team',
        citations: [2, 1, 2],
      }),
    )
    const result = await draftReply(llm(), { inquiryText: `My washer shows E18. Call me on +49 171 1234567.`, language: 'en', passages })
    expect(result.citations).toEqual([1, 2])
    expect(result.reply).toMatch(/^Hello,\n\nthank you/)
    const { user } = messagesOf(sent()[0]!)
    expect(user).toContain('Greeting: begin the reply with the line [GREETING]')
    expect(user).toContain('[PHONE_1]')
  })

  it('drops NUL characters from a drafted reply, which could not be stored', async () => {
    const result = await draft({ reply: 'Guten Tag,\u0000 bitte reinigen Sie das Flusensieb [1].', citations: [1] })
    expect(result.reply).toBe('Guten Tag, bitte reinigen Sie das Flusensieb [1].')
  })

  it('needs at least one passage', async () => {
    await expect(draftReply(llm(), { inquiryText, language: 'de', passages: [] })).rejects.toThrow(RangeError)
  })
})
