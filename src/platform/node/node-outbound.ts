// The outbound policy on Node, with the check where the connection is made: requests go through
// node:http(s) with a `lookup` that resolves the name, refuses the connection if any address is not
// allowed, and hands exactly the checked addresses to the socket. A name that resolves to a public
// address when an integration is saved and to 127.0.0.1 when it is called (DNS rebinding) is refused
// then. Node's global fetch takes no custom lookup without the undici package, hence this small fetch.
import { promises as dns } from 'node:dns'
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { createOutboundGuard, type OutboundGuard, type ResolveHost } from '../../outbound/guard.js'
import { OutboundRefusedError, refusedResolution, type OutboundPolicy } from '../../outbound/policy.js'

/** Larger answers are refused: a helpdesk's API answers are a few kilobytes. */
const maxResponseBytes = 16 * 1024 * 1024

/** The system resolver (getaddrinfo, so /etc/hosts counts), as connections use it. */
export const systemResolveHost: ResolveHost = async (host) =>
  (await dns.lookup(host, { all: true, verbatim: true })).map((entry) => entry.address)

/** The guard of every Node entry point; tests pass a fake resolver to stand in for DNS. */
export function createNodeOutboundGuard(policy: OutboundPolicy, resolveHost: ResolveHost = systemResolveHost): OutboundGuard {
  return createOutboundGuard({ policy, resolveHost, connect: pinnedFetch(checkedLookup(policy, resolveHost)) })
}

/** A socket lookup that resolves, checks every address under the policy, and connects only to those. */
function checkedLookup(policy: OutboundPolicy, resolveHost: ResolveHost): LookupFunction {
  return (hostname, options, callback) => {
    resolveHost(hostname).then(
      (found) => {
        const refusal = refusedResolution(policy, hostname, found)
        if (refusal) return callback(new OutboundRefusedError(refusal), '', 0)
        const addresses = found
          .map((address) => ({ address, family: isIP(address) }))
          .filter((entry) => !options.family || entry.family === options.family)
        if (addresses.length === 0)
          return callback(Object.assign(new Error(`no IPv${options.family} address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0)
        if (options.all) callback(null, addresses)
        else callback(null, addresses[0]!.address, addresses[0]!.family)
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    )
  }
}

/**
 * The subset of fetch the outbound callers use (string or bytes bodies, a signal, no redirects), over
 * node:http(s) with the checked lookup. Answers are read whole, like the callers do anyway.
 */
function pinnedFetch(lookup: LookupFunction): typeof fetch {
  const agents = { 'http:': new HttpAgent({ keepAlive: true }), 'https:': new HttpsAgent({ keepAlive: true }) }
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      if (input instanceof Request) throw new TypeError('pass a URL and init, not a Request')
      const url = new URL(input)
      const body = init.body
      if (body != null && typeof body !== 'string' && !(body instanceof Uint8Array))
        throw new TypeError('only string or byte bodies are supported')
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`unsupported protocol ${url.protocol}`)
      const fail = (error: unknown) =>
        reject(error instanceof OutboundRefusedError ? error : new TypeError('fetch failed', { cause: error }))
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest
      const headers = Object.fromEntries(new Headers(init.headers))
      const request = send(
        url,
        { method: init.method ?? 'GET', headers, lookup, agent: agents[url.protocol], ...(init.signal ? { signal: init.signal } : {}) },
        (response) => {
          readAll(response)
            .then((bytes) => toResponse(response, bytes))
            .then(resolve, fail)
        },
      )
      request.on('error', fail)
      request.end(body ?? undefined)
    })
}

function readAll(response: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    response.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxResponseBytes) response.destroy(new Error(`answer larger than ${maxResponseBytes} bytes`))
      else chunks.push(chunk)
    })
    response.on('end', () => resolve(Buffer.concat(chunks)))
    response.on('error', reject)
    response.on('aborted', () => reject(new Error('answer aborted')))
  })
}

function toResponse(response: IncomingMessage, bytes: Buffer): Response {
  const headers = new Headers()
  for (const [name, value] of Object.entries(response.headers)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, item)
  }
  const status = response.statusCode ?? 0
  const bodiless = status === 204 || status === 205 || status === 304
  return new Response(bodiless ? null : new Uint8Array(bytes), { status, statusText: response.statusMessage ?? '', headers })
}
