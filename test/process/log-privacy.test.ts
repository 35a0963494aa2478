// Personal data sent in every way the service refuses must not reach its log. A real server process,
// its whole output written to a file, and that file searched for each personal value afterwards.
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../helpers/app.js'
import { killStartedProcesses, startServer, tempDataDir } from '../helpers/process.js'
import { uiClient } from '../helpers/ui-client.js'
import { secretFor, signedHeaders } from '../helpers/webhooks.js'

const adminKey = `itk-test-${randomBytes(24).toString('base64url')}`
const person = {
  name: 'Hildegard Oberpfaffenhofen',
  email: 'hildegard.oberpfaffenhofen@example.org',
  phone: '+49 170 5550123',
  iban: 'DE89370400440532013000',
  street: 'Waldweg 77a',
}
const personalValues = Object.values(person)
const text = `Bitte buchen Sie von ${person.iban} ab. Ich wohne ${person.street}, Telefon ${person.phone}, ${person.name}`

describe('log privacy of a real server process', () => {
  let server: Awaited<ReturnType<typeof startServer>>
  let logFile: string
  let log: string
  const statuses: Record<string, number> = {}

  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${server.url}${path}`, { method: 'POST', body, headers })

  beforeAll(async () => {
    const dataDir = await tempDataDir()
    logFile = join(dataDir, 'server.log')
    server = await startServer({
      DATA_DIR: dataDir,
      ADMIN_API_KEY: adminKey,
      LOG_LEVEL: 'debug',
      BODY_LIMIT_BYTES: '4096',
      EMBEDDINGS_PROVIDER: 'hashing',
      KB_LOAD_DEMO: 'false',
      TRAINING_LOAD_DEFAULTS: 'false',
    })
    // The first start on a machine trains the escalation detector (cached afterwards): minutes on a busy one.
    await server.waitFor(/"msg":"ready"/, 300_000)
    const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }
    const secret = secretFor('generic')
    const created = await post('/v1/integrations', JSON.stringify({ name: 'crm', type: 'generic', secret }), admin)
    expect(created.status).toBe(201)

    const payload = JSON.stringify({
      externalId: 'T-1',
      subject: `Kündigung ${person.name}`,
      body: text,
      customer: { name: person.name, email: person.email },
    })
    const unmappable = JSON.stringify({
      subject: `Kündigung ${person.name}`,
      body: text,
      customer: { name: person.name, email: person.email, phone: person.phone },
    })
    const malformed = `{"body": "${text}", "email": "${person.email}"`
    const send = async (label: string, body: string, headers: Record<string, string>, path = '/v1/webhooks/crm') => {
      statuses[label] = (await post(path, body, headers)).status
    }
    await send('bad signature', payload, { ...signedHeaders('generic', secret, payload), 'webhook-signature': 'v1,AAAA' })
    await send('signed, unmappable', unmappable, signedHeaders('generic', secret, unmappable))
    await send('signed, malformed JSON', malformed, signedHeaders('generic', secret, malformed))
    await send('signed, not JSON', text, signedHeaders('generic', secret, text, { contentType: 'text/plain' }))
    await send('unknown integration', payload, signedHeaders('generic', secret, payload), '/v1/webhooks/nobody')
    const huge = JSON.stringify({ externalId: 'T-2', body: text.repeat(100), customer: { email: person.email } })
    await send('oversized', huge, signedHeaders('generic', secret, huge))
    await send('accepted and triaged', payload, signedHeaders('generic', secret, payload))
    await send(
      'triage, bad input',
      JSON.stringify({ body: text, language: person.name, customer: { email: `${person.email} x`, name: person.name } }),
      admin,
      '/v1/triage',
    )
    await send('triage, malformed JSON', malformed, admin, '/v1/triage')
    await send('API, wrong key', payload, { authorization: `Bearer ${person.email}`, 'content-type': 'application/json' }, '/v1/triage')
    const browser = uiClient({
      app: { request: (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, { ...init, redirect: 'manual' }) },
    } as unknown as TestApp)
    statuses['sign-in, wrong key'] = (await browser.signIn(`${person.email}:${person.iban}`)).status
    // Wait until the accepted delivery was triaged, so its worker's log lines are in the file too.
    await server.waitFor(/inquiry triaged/)
    await server.stop()
    await writeFile(logFile, server.output())
    log = await readFile(logFile, 'utf8')
  }, 420_000)

  afterAll(killStartedProcesses)

  it('refused every delivery and request as it should', () => {
    expect(statuses).toEqual({
      'bad signature': 401,
      'signed, unmappable': 422,
      'signed, malformed JSON': 400,
      'signed, not JSON': 415,
      'unknown integration': 401,
      oversized: 413,
      'accepted and triaged': 202,
      'triage, bad input': 422,
      'triage, malformed JSON': 400,
      'API, wrong key': 401,
      'sign-in, wrong key': 401,
    })
  })

  it('logs none of the personal values, in any spelling a JSON line would hold them', () => {
    for (const value of personalValues) {
      expect(log, value).not.toContain(value)
      expect(log, value).not.toContain(JSON.stringify(value).slice(1, -1))
    }
    expect(log).not.toContain(person.email.split('@')[0])
  })

  it('says which fields a refused delivery had and a hash to find it by, not their content', () => {
    const refused = log.split('\n').filter((line) => line.includes('webhook refused') && line.includes('"received"'))
    expect(refused.length).toBe(3)
    const unmapped = refused.find((line) => line.includes('does not map'))!
    expect(JSON.parse(unmapped)).toMatchObject({
      received: { sha256: expect.stringMatching(/^[0-9a-f]{16}$/), fields: expect.arrayContaining(['customer.email', 'body']) },
    })
  })
})
