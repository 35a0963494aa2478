// The outbound policy: which URLs the service may call when the URL came from runtime input (an
// integration's write-back or callback URL). https only, and no loopback, private, link-local, metadata
// or otherwise non-public address, however it is spelt, unless the operator lists the host. Pure.
import { classifyAddress, embeddedIpv4, formatIp, inRange, parseCidr, parseIp, type CidrRange, type IpAddress } from './addresses.js'

/** Plain http: never, to every host, or only to the hosts in the allow list. */
export type PlainHttp = 'never' | 'always' | 'allowed-hosts'

/** The operator's exceptions: OUTBOUND_ALLOWED_HOSTS (names and ranges) and OUTBOUND_ALLOW_HTTP. */
export interface OutboundPolicy {
  allowedNames: readonly string[]
  allowedRanges: readonly CidrRange[]
  plainHttp: PlainHttp
}

export const strictOutboundPolicy: OutboundPolicy = { allowedNames: [], allowedRanges: [], plainHttp: 'never' }

/** A refusal: `permanent`, because retrying cannot help until an operator changes the URL or the policy. */
export class OutboundRefusedError extends Error {
  readonly permanent = true
  constructor(readonly reason: string) {
    super(`refused by outbound policy: ${reason}`)
    this.name = 'OutboundRefusedError'
  }
}

/** Lower case, no trailing dot, no brackets: the form names and addresses are compared in. */
function canonicalHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[(.*)\]$/, '$1')
}

/**
 * Reads OUTBOUND_ALLOWED_HOSTS: comma-separated host names, IP addresses and CIDR ranges. Names and
 * addresses go through the URL parser, so `127.1` and `Zammad.Intern.` mean what a URL would mean.
 * Returns the entries or, for each unreadable one, a message.
 */
export function parseAllowedHosts(text: string): { names: string[]; ranges: CidrRange[]; problems: string[] } {
  const result = { names: [] as string[], ranges: [] as CidrRange[], problems: [] as string[] }
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [hostPart, prefix, extra] = entry.split('/')
    const host = extra === undefined ? urlHost(hostPart ?? '') : undefined
    const address = host === undefined ? undefined : parseIp(host)
    const cidr = address && parseCidr(prefix === undefined ? formatIp(address) : `${formatIp(address)}/${prefix}`)
    if (cidr) result.ranges.push(cidr)
    else if (host !== undefined && !address && prefix === undefined) result.names.push(host)
    else result.problems.push(`"${entry}" is not a host name, an IP address or a CIDR range`)
  }
  return result
}

/** The canonical host of `host` as a URL would read it; undefined when it is more than a host. */
function urlHost(host: string): string | undefined {
  if (!host || /[/?#@\s]/.test(host)) return undefined
  try {
    const url = new URL(`http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}/`)
    return url.port === '' ? canonicalHost(url.hostname) : undefined
  } catch {
    return undefined
  }
}

function listedName(policy: OutboundPolicy, host: string): boolean {
  return policy.allowedNames.includes(canonicalHost(host))
}

/** Listed itself, or an IPv6 form (mapped, NAT64, ...) of a listed IPv4 address. */
function listedAddress(policy: OutboundPolicy, address: IpAddress): boolean {
  const ipv4 = embeddedIpv4(address)?.ipv4
  return policy.allowedRanges.some((allowed) => inRange(address, allowed) || (ipv4 !== undefined && inRange(ipv4, allowed)))
}

/** Whether the host as written in the URL (a name, or a literal address) is on the allow list. */
export function isListedHost(policy: OutboundPolicy, host: string): boolean {
  const address = parseIp(canonicalHost(host))
  return address ? listedAddress(policy, address) : listedName(policy, host)
}

/** The address as shown in a refusal, and what kind it is; undefined when it may be called. */
function refusedKind(policy: OutboundPolicy, address: IpAddress): { shown: string; kind: string } | undefined {
  if (listedAddress(policy, address)) return undefined
  const found = classifyAddress(address)
  if (!found) return undefined
  const via = found.via ? ` (the ${found.via.form} form of ${formatIp(found.via.ipv4)})` : ''
  return { shown: `${formatIp(address)}${via}`, kind: found.kind }
}

/** Why this address may not be called, or undefined when it may. */
export function refusedAddress(policy: OutboundPolicy, address: IpAddress): string | undefined {
  const refused = refusedKind(policy, address)
  return refused && `address ${refused.shown} is ${refused.kind}`
}

/**
 * What can be decided from the URL alone: the scheme, a literal address, `localhost`. Returns the
 * refusal reason, or undefined when the URL may be called as far as its text goes; a host name must
 * still have every address it resolves to checked (refusedResolution).
 */
export function refusedUrl(policy: OutboundPolicy, url: URL): string | undefined {
  const host = canonicalHost(url.hostname)
  const listed = isListedHost(policy, url.hostname)
  if (url.protocol === 'http:') {
    const allowed = policy.plainHttp === 'always' || (policy.plainHttp === 'allowed-hosts' && listed)
    if (!allowed) return 'plain http is not allowed (use https; OUTBOUND_ALLOW_HTTP permits http)'
  } else if (url.protocol !== 'https:') {
    return `only https URLs may be called, not ${url.protocol.replace(/:$/, '')}`
  }
  if (listed) return undefined
  const address = parseIp(host)
  if (address) return refusedAddress(policy, address)
  if (host === 'localhost' || host.endsWith('.localhost')) return `host ${host} is loopback`
  return undefined
}

/** Every address a name resolved to must be allowed; one refused address refuses the name. */
export function refusedResolution(policy: OutboundPolicy, host: string, addresses: readonly string[]): string | undefined {
  if (listedName(policy, host)) return undefined
  if (addresses.length === 0) return `host ${canonicalHost(host)} resolved to no address`
  for (const text of addresses) {
    const address = parseIp(text)
    if (!address) return `host ${canonicalHost(host)} resolved to an unreadable address`
    const refused = refusedKind(policy, address)
    if (refused) return `host ${canonicalHost(host)} resolves to ${refused.shown}, which is ${refused.kind}`
  }
  return undefined
}

/** Whether the host must be resolved and its addresses checked (a name not on the allow list). */
export function needsResolution(policy: OutboundPolicy, url: URL): boolean {
  const host = canonicalHost(url.hostname)
  return !parseIp(host) && !listedName(policy, host)
}
