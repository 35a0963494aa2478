// IP addresses as numbers, CIDR ranges, and what kind of address one is. Pure functions, Web APIs only.
// Inputs are canonical texts: a WHATWG URL's hostname (which has already turned 127.1, 0x7f.1 and
// 2130706433 into 127.0.0.1 for http(s) URLs) or an address a resolver answered.

export type IpAddress = { version: 4; value: bigint } | { version: 6; value: bigint }

/** A range of addresses; a single address is a range of prefix 32 (IPv4) or 128 (IPv6). */
export interface CidrRange {
  address: IpAddress
  prefix: number
}

const bits = { 4: 32, 6: 128 } as const

/** Dotted decimal only (a.b.c.d, each 0–255, no leading zeros); other spellings are a URL parser's job. */
export function parseIpv4(text: string): IpAddress | undefined {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255)) return undefined
  return { version: 4, value: parts.reduce((sum, part) => (sum << 8n) | BigInt(part), 0n) }
}

/** RFC 4291 text forms: `::` once, an embedded dotted IPv4 at the end, a zone (`%eth0`) ignored, brackets allowed. */
export function parseIpv6(text: string): IpAddress | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '')
  if (!/^[0-9a-f:.]+$/i.test(bare)) return undefined
  const halves = bare.split('::')
  if (halves.length > 2) return undefined
  const groups = halves.map((half) => (half === '' ? [] : half.split(':')))
  const last = groups[groups.length - 1]!
  const tail = last[last.length - 1]
  if (tail?.includes('.')) {
    const v4 = parseIpv4(tail)
    if (!v4) return undefined
    last.splice(-1, 1, (v4.value >> 16n).toString(16), (v4.value & 0xffffn).toString(16))
  }
  const count = groups.reduce((sum, half) => sum + half.length, 0)
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined
  const all = halves.length === 1 ? groups[0]! : [...groups[0]!, ...Array<string>(8 - count).fill('0'), ...groups[1]!]
  if (!all.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return undefined
  return { version: 6, value: all.reduce((sum, group) => (sum << 16n) | BigInt(parseInt(group, 16)), 0n) }
}

export function parseIp(text: string): IpAddress | undefined {
  return parseIpv4(text) ?? parseIpv6(text)
}

export function formatIp(address: IpAddress): string {
  if (address.version === 4) return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 0xffn)).join('.')
  const groups = Array.from({ length: 8 }, (_, index) => ((address.value >> BigInt(112 - index * 16)) & 0xffffn).toString(16))
  // RFC 5952: the longest run of two or more zero groups (the first of equals) becomes `::`.
  let best = { start: -1, length: 1 }
  for (let start = 0; start < 8; start++) {
    let length = 0
    while (start + length < 8 && groups[start + length] === '0') length++
    if (length > best.length) best = { start, length }
  }
  if (best.start < 0) return groups.join(':')
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`
}

/** `10.0.0.0/8`, `fd00::/8`, or one address; undefined when unreadable or the prefix does not fit. */
export function parseCidr(text: string): CidrRange | undefined {
  const [addressText, prefixText, extra] = text.split('/')
  if (extra !== undefined || !addressText) return undefined
  const address = parseIp(addressText)
  if (!address) return undefined
  const max = bits[address.version]
  if (prefixText === undefined) return { address, prefix: max }
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return undefined
  return { address, prefix: Number(prefixText) }
}

export function inRange(address: IpAddress, range: CidrRange): boolean {
  if (address.version !== range.address.version) return false
  const shift = BigInt(bits[address.version] - range.prefix)
  return address.value >> shift === range.address.value >> shift
}

/** Why an address must not be called; undefined for an ordinary public address. */
export type AddressKind =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cloud metadata'
  | 'unspecified'
  | 'multicast'
  | 'reserved'
  | 'shared (CGNAT)'

const range = (text: string): CidrRange => parseCidr(text)!

// First match wins: the metadata addresses sit inside link-local, private and CGNAT ranges.
const ipv4Kinds: Array<[CidrRange, AddressKind]> = [
  [range('169.254.169.254'), 'cloud metadata'], // AWS, GCP, Azure, OpenStack, DigitalOcean
  [range('169.254.170.2'), 'cloud metadata'], // AWS ECS task metadata
  [range('100.100.100.200'), 'cloud metadata'], // Alibaba Cloud
  [range('0.0.0.0/8'), 'unspecified'],
  [range('10.0.0.0/8'), 'private'],
  [range('100.64.0.0/10'), 'shared (CGNAT)'],
  [range('127.0.0.0/8'), 'loopback'],
  [range('169.254.0.0/16'), 'link-local'],
  [range('172.16.0.0/12'), 'private'],
  [range('192.0.0.0/24'), 'reserved'],
  [range('192.0.2.0/24'), 'reserved'],
  [range('192.88.99.0/24'), 'reserved'],
  [range('192.168.0.0/16'), 'private'],
  [range('198.18.0.0/15'), 'reserved'],
  [range('198.51.100.0/24'), 'reserved'],
  [range('203.0.113.0/24'), 'reserved'],
  [range('224.0.0.0/4'), 'multicast'],
  [range('240.0.0.0/4'), 'reserved'], // and 255.255.255.255
]

const ipv6Kinds: Array<[CidrRange, AddressKind]> = [
  [range('::/128'), 'unspecified'],
  [range('::1/128'), 'loopback'],
  [range('fd00:ec2::254/128'), 'cloud metadata'], // AWS IMDS over IPv6
  [range('64:ff9b:1::/48'), 'private'], // local-use NAT64 (RFC 8215)
  [range('2001::/32'), 'reserved'], // Teredo
  [range('2001:db8::/32'), 'reserved'], // documentation
  [range('fc00::/7'), 'private'], // unique local
  [range('fe80::/10'), 'link-local'],
  [range('fec0::/10'), 'private'], // site-local, deprecated
  [range('ff00::/8'), 'multicast'],
]

const globalUnicast = range('2000::/3')

/** IPv6 forms that carry an IPv4 address the packets end up at; `embedded` extracts it. */
const ipv4Carriers: Array<{ range: CidrRange; name: string; embedded: (value: bigint) => bigint }> = [
  { range: range('::ffff:0:0/96'), name: 'IPv4-mapped', embedded: (value) => value & 0xffffffffn },
  { range: range('::ffff:0:0:0/96'), name: 'IPv4-translated', embedded: (value) => value & 0xffffffffn },
  { range: range('64:ff9b::/96'), name: 'NAT64', embedded: (value) => value & 0xffffffffn },
  { range: range('2002::/16'), name: '6to4', embedded: (value) => (value >> 80n) & 0xffffffffn },
]

/** The IPv4 address an IPv6 address stands for (mapped, translated, NAT64, 6to4), with the form's name. */
export function embeddedIpv4(address: IpAddress): { ipv4: IpAddress; form: string } | undefined {
  if (address.version !== 6) return undefined
  const carrier = ipv4Carriers.find((candidate) => inRange(address, candidate.range))
  return carrier && { ipv4: { version: 4, value: carrier.embedded(address.value) }, form: carrier.name }
}

/** The kind of a non-public address, with the IPv4 it stands for when it is an IPv6 form of one. */
export function classifyAddress(address: IpAddress): { kind: AddressKind; via?: { ipv4: IpAddress; form: string } } | undefined {
  if (address.version === 4) {
    const kind = ipv4Kinds.find(([candidate]) => inRange(address, candidate))?.[1]
    return kind && { kind }
  }
  const direct = ipv6Kinds.find(([candidate]) => inRange(address, candidate))?.[1]
  if (direct) return { kind: direct }
  const via = embeddedIpv4(address)
  if (via) {
    const inner = classifyAddress(via.ipv4)
    return inner && { kind: inner.kind, via }
  }
  // ::a.b.c.d (IPv4-compatible, deprecated) and everything else outside global unicast.
  return inRange(address, globalUnicast) ? undefined : { kind: 'reserved' }
}
