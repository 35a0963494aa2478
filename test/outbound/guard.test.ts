// The outbound guard with DNS faked (an injected resolver) and a real server on 127.0.0.1: names that
// resolve to loopback, metadata or a mix are refused at configuration time and at connect time; the
// connection goes to the address that was checked (a name rebound between check and call is refused);
// redirects are handed back, never followed.
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.js'
import { createNodeOutboundGuard } from '../../src/platform/node/node-outbound.js'
import { createOutboundGuard, type ResolveHost } from '../../src/outbound/guard.js'
import { OutboundRefusedError, strictOutboundPolicy, type OutboundPolicy } from '../../src/outbound/policy.js'

/** A resolver that answers from a table and counts its calls; a name it does not know fails like NXDOMAIN. */
function fakeDns(table: Record<string, string[] | string[][]>) {
  const calls: string[] = []
  const resolveHost: ResolveHost = async (host) => {
    const answers = table[host]
    const nth = calls.filter((name) => name === host).length
    calls.push(host)
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
    // A list of lists answers differently on each call (the last one repeats): DNS rebinding.
    return Array.isArray(answers[0]) ? (answers as string[][])[Math.min(nth, answers.length - 1)]! : (answers as string[])
  }
  return { resolveHost, calls }
}

const policyOf = (env: Record<string, string>): OutboundPolicy => parseConfig(env).outbound

let server: Server
let port = 0
const seen: Array<{ path: string; host: string | undefined }> = []

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', host: req.headers.host })
    if (req.url === '/redirect') return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end()
    if (req.url === '/empty') return void res.writeHead(204).end()
    res
      .writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] })
      .end(JSON.stringify({ ok: true, path: req.url }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  seen.length = 0
})

describe('at configuration time (check)', () => {
  const dns = fakeDns({
    'loopback.test': ['127.0.0.1'],
    'metadata.test': ['169.254.169.254'],
    'mixed.test': ['93.184.215.14', '10.0.0.7'],
    'mapped.test': ['::ffff:127.0.0.1'],
    'public.test': ['93.184.215.14', '2606:4700:4700::1111'],
  })
  const guard = createOutboundGuard({ policy: strictOutboundPolicy, resolveHost: dns.resolveHost })

  it.each([
    ['https://loopback.test/', 'host loopback.test resolves to 127.0.0.1, which is loopback'],
    ['https://metadata.test/latest', 'host metadata.test resolves to 169.254.169.254, which is cloud metadata'],
    ['https://mixed.test/', 'host mixed.test resolves to 10.0.0.7, which is private'],
    ['https://mapped.test/', 'the IPv4-mapped form of 127.0.0.1), which is loopback'],
    ['https://127.1/', 'address 127.0.0.1 is loopback'],
    ['http://public.test/', 'plain http is not allowed'],
  ])('refuses %s: %s', async (url, reason) => {
    expect(await guard.check(url)).toContain(reason)
  })

  it('allows a name whose every address is public, and one that does not resolve now (the call decides)', async () => {
    expect(await guard.check('https://public.test/api')).toBeUndefined()
    expect(await guard.check('https://unknown.test/api')).toBeUndefined()
  })

  it('gives up on a resolver that does not answer, without refusing', async () => {
    const silent = createOutboundGuard({
      policy: strictOutboundPolicy,
      resolveHost: () => new Promise<string[]>(() => {}),
      resolveTimeoutMs: 20,
    })
    expect(await silent.check('https://slow.test/')).toBeUndefined()
  })

  it('does not resolve listed names or literal addresses', async () => {
    const listed = fakeDns({ 'zammad.intern': ['10.0.0.5'] })
    const onPremises = createOutboundGuard({
      policy: policyOf({ OUTBOUND_ALLOWED_HOSTS: 'zammad.intern' }),
      resolveHost: listed.resolveHost,
    })
    expect(await onPremises.check('https://zammad.intern/')).toBeUndefined()
    expect(await onPremises.check('https://93.184.215.14/')).toBeUndefined()
    expect(listed.calls).toEqual([])
  })

  it('checks literal addresses only where there is no resolver (Workers)', async () => {
    const literalOnly = createOutboundGuard({ policy: strictOutboundPolicy })
    expect(literalOnly.resolvesNames).toBe(false)
    expect(await literalOnly.check('https://[::ffff:169.254.169.254]/')).toContain('cloud metadata')
    expect(await literalOnly.check('https://loopback.test/')).toBeUndefined()
  })
})

describe('at connect time (fetch on Node)', () => {
  const refusedWith = async (promise: Promise<unknown>): Promise<OutboundRefusedError> => {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(OutboundRefusedError)
    return error as OutboundRefusedError
  }
  const get = (url: string) => ({ url: new URL(url), init: { method: 'GET' } })

  it('refuses a name that resolves to loopback before a byte is sent', async () => {
    const guard = createNodeOutboundGuard(
      policyOf({ OUTBOUND_ALLOW_HTTP: 'true' }),
      fakeDns({ 'helpdesk.test': ['127.0.0.1'] }).resolveHost,
    )
    const { url, init } = get(`http://helpdesk.test:${port}/ok`)
    const error = await refusedWith(guard.fetch(url, init))
    expect(error.message).toBe('refused by outbound policy: host helpdesk.test resolves to 127.0.0.1, which is loopback')
    expect(error.permanent).toBe(true)
    expect(seen).toEqual([])
  })

  it('refuses a name that passed its check and resolves to loopback when called (DNS rebinding)', async () => {
    const dns = fakeDns({ 'rebind.test': [['93.184.215.14'], ['127.0.0.1']] })
    const guard = createNodeOutboundGuard(policyOf({ OUTBOUND_ALLOW_HTTP: 'true' }), dns.resolveHost)
    expect(await guard.check(`http://rebind.test:${port}/ok`)).toBeUndefined()
    const { url, init } = get(`http://rebind.test:${port}/ok`)
    expect((await refusedWith(guard.fetch(url, init))).message).toContain('resolves to 127.0.0.1, which is loopback')
    expect(dns.calls).toEqual(['rebind.test', 'rebind.test'])
    expect(seen).toEqual([])
  })

  it('refuses a literal address without resolving anything', async () => {
    const dns = fakeDns({})
    const guard = createNodeOutboundGuard(policyOf({ OUTBOUND_ALLOW_HTTP: 'true' }), dns.resolveHost)
    const { url, init } = get(`http://127.1:${port}/ok`)
    expect((await refusedWith(guard.fetch(url, init))).message).toContain('address 127.0.0.1 is loopback')
    expect(dns.calls).toEqual([])
  })

  it('connects to the address it resolved and checked: a listed name answered with 127.0.0.1 reaches the server there', async () => {
    const dns = fakeDns({ 'zammad.intern': ['127.0.0.1'] })
    const guard = createNodeOutboundGuard(
      policyOf({ OUTBOUND_ALLOWED_HOSTS: 'zammad.intern', OUTBOUND_ALLOW_HTTP: 'allowed-hosts' }),
      dns.resolveHost,
    )
    const { url } = get(`http://zammad.intern:${port}/ok`)
    const response = await guard.fetch(url, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ ok: true, path: '/ok' })
    expect(response.headers.get('set-cookie')).toBe('a=1, b=2')
    expect(seen).toEqual([{ path: '/ok', host: `zammad.intern:${port}` }])
    expect(dns.calls).toEqual(['zammad.intern'])
  })

  it('hands a redirect back instead of following it', async () => {
    const guard = createNodeOutboundGuard(policyOf({ OUTBOUND_ALLOWED_HOSTS: '127.0.0.1', OUTBOUND_ALLOW_HTTP: 'allowed-hosts' }))
    const response = await guard.fetch(new URL(`http://127.0.0.1:${port}/redirect`), { method: 'GET', redirect: 'follow' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('http://169.254.169.254/latest/meta-data/')
    expect(seen.map((request) => request.path)).toEqual(['/redirect'])
    const empty = await guard.fetch(new URL(`http://127.0.0.1:${port}/empty`), { method: 'GET' })
    expect(empty.status).toBe(204)
  })

  it('reports a network failure as fetch does, with the code in its cause', async () => {
    const guard = createNodeOutboundGuard(policyOf({ OUTBOUND_ALLOWED_HOSTS: '127.0.0.1', OUTBOUND_ALLOW_HTTP: 'allowed-hosts' }))
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const closedPort = (closed.address() as { port: number }).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const error = await guard.fetch(new URL(`http://127.0.0.1:${closedPort}/`), { method: 'GET' }).then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(TypeError)
    expect((error as TypeError).cause).toMatchObject({ code: 'ECONNREFUSED' })
  })
})
