// The outbound policy's pure half: every spelling of a non-public address in a URL is refused (the
// WHATWG URL parser's normalisation is checked here, not assumed), public ones pass, the allow list and
// OUTBOUND_ALLOW_HTTP open exactly what they say, and resolved addresses are judged all together.
import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../src/config.js'
import { classifyAddress, formatIp, parseIp } from '../../src/outbound/addresses.js'
import { refusedResolution, refusedUrl, strictOutboundPolicy, type OutboundPolicy } from '../../src/outbound/policy.js'

const policyOf = (env: Record<string, string>): OutboundPolicy => parseConfig(env).outbound
const refusal = (url: string, policy: OutboundPolicy = strictOutboundPolicy) => refusedUrl(policy, new URL(url))

describe('the URL parser normalises what it is given, as the policy relies on', () => {
  it.each([
    ['https://127.1/', '127.0.0.1'],
    ['https://0x7f.1/', '127.0.0.1'],
    ['https://2130706433/', '127.0.0.1'],
    ['https://0177.0.0.1/', '127.0.0.1'],
    ['https://017700000001/', '127.0.0.1'],
    ['https://127.000.000.001/', '127.0.0.1'],
    ['https://0/', '0.0.0.0'],
    ['https://0xa9fea9fe/', '169.254.169.254'],
    ['https://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
    ['https://[0:0:0:0:0:0:0:1]/', '[::1]'],
    ['https://LOCALHOST./', 'localhost.'],
  ])('%s has the host %s', (url, host) => {
    expect(new URL(url).hostname).toBe(host)
  })
})

describe('refused by default', () => {
  it.each([
    ['https://127.0.0.1/', 'address 127.0.0.1 is loopback'],
    ['https://127.1/api', 'is loopback'],
    ['https://0x7f.1/', 'is loopback'],
    ['https://2130706433/', 'is loopback'],
    ['https://0177.0.0.1/', 'is loopback'],
    ['https://127.255.255.254:8443/', 'is loopback'],
    ['https://[::1]/', 'address ::1 is loopback'],
    ['https://[0:0:0:0:0:0:0:1]/', 'is loopback'],
    ['https://[::ffff:127.0.0.1]/', 'address ::ffff:7f00:1 (the IPv4-mapped form of 127.0.0.1) is loopback'],
    ['https://[::ffff:7f00:1]/', 'is loopback'],
    ['https://[::ffff:0:7f00:1]/', '(the IPv4-translated form of 127.0.0.1) is loopback'],
    ['https://[::127.0.0.1]/', 'is reserved'],
    ['https://[64:ff9b::127.0.0.1]/', '(the NAT64 form of 127.0.0.1) is loopback'],
    ['https://[2002:7f00:1::]/', '(the 6to4 form of 127.0.0.1) is loopback'],
    ['https://0.0.0.0/', 'address 0.0.0.0 is unspecified'],
    ['https://0/', 'is unspecified'],
    ['https://[::]/', 'address :: is unspecified'],
    ['https://169.254.169.254/latest/meta-data/', 'address 169.254.169.254 is cloud metadata'],
    ['https://2852039166/', 'is cloud metadata'],
    ['https://0xa9fea9fe/', 'is cloud metadata'],
    ['https://169.254.170.2/v2/credentials', 'is cloud metadata'],
    ['https://100.100.100.200/', 'is cloud metadata'],
    ['https://[::ffff:169.254.169.254]/', '(the IPv4-mapped form of 169.254.169.254) is cloud metadata'],
    ['https://[64:ff9b::a9fe:a9fe]/', '(the NAT64 form of 169.254.169.254) is cloud metadata'],
    ['https://[fd00:ec2::254]/', 'is cloud metadata'],
    ['https://169.254.1.1/', 'is link-local'],
    ['https://[fe80::1]/', 'is link-local'],
    ['https://10.0.0.5/', 'address 10.0.0.5 is private'],
    ['https://172.16.0.1/', 'is private'],
    ['https://172.31.255.255/', 'is private'],
    ['https://192.168.1.10/', 'is private'],
    ['https://[::ffff:10.0.0.1]/', 'is private'],
    ['https://[fd00::1]/', 'is private'],
    ['https://[fc00::1]/', 'is private'],
    ['https://[fec0::1]/', 'is private'],
    ['https://[64:ff9b:1::a00:1]/', 'is private'],
    ['https://100.64.0.1/', 'is shared (CGNAT)'],
    ['https://100.127.255.254/', 'is shared (CGNAT)'],
    ['https://224.0.0.1/', 'is multicast'],
    ['https://[ff02::1]/', 'is multicast'],
    ['https://255.255.255.255/', 'is reserved'],
    ['https://240.0.0.1/', 'is reserved'],
    ['https://192.0.2.1/', 'is reserved'],
    ['https://198.18.0.1/', 'is reserved'],
    ['https://[2001:db8::1]/', 'is reserved'],
    ['https://[2001::1]/', 'is reserved'],
    ['https://[100::1]/', 'is reserved'],
    ['https://localhost/', 'host localhost is loopback'],
    ['https://LOCALHOST./', 'host localhost is loopback'],
    ['https://api.localhost:8080/', 'host api.localhost is loopback'],
    ['http://helpdesk.example.com/', 'plain http is not allowed'],
    ['http://93.184.215.14/', 'plain http is not allowed'],
    ['ftp://helpdesk.example.com/', 'only https URLs may be called, not ftp'],
  ])('%s: %s', (url, reason) => {
    expect(refusal(url)).toContain(reason)
  })
})

describe('allowed by default', () => {
  it.each([
    'https://helpdesk.example.com/',
    'https://acme.zendesk.com/api/v2',
    'https://93.184.215.14/',
    'https://8.8.8.8:8443/',
    'https://11.0.0.1/',
    'https://172.15.255.255/',
    'https://172.32.0.1/',
    'https://100.63.255.255/',
    'https://100.128.0.1/',
    'https://169.255.0.1/',
    'https://[2606:4700:4700::1111]/',
    'https://[::ffff:8.8.8.8]/',
    'https://[64:ff9b::808:808]/',
    'https://[2002:808:808::1]/',
  ])('%s', (url) => {
    expect(refusal(url)).toBeUndefined()
  })
})

describe('OUTBOUND_ALLOWED_HOSTS and OUTBOUND_ALLOW_HTTP', () => {
  const listed = policyOf({
    OUTBOUND_ALLOWED_HOSTS: ' Zammad.Intern. , 10.0.0.0/8,127.1, fd00::/8 ,[fe80::5]',
    OUTBOUND_ALLOW_HTTP: 'allowed-hosts',
  })

  it('reads names, addresses in any URL spelling, and CIDR ranges', () => {
    expect(listed.allowedNames).toEqual(['zammad.intern'])
    expect(listed.allowedRanges.map((range) => `${formatIp(range.address)}/${range.prefix}`)).toEqual([
      '10.0.0.0/8',
      '127.0.0.1/32',
      'fd00::/8',
      'fe80::5/128',
    ])
  })

  it.each([
    'http://zammad.intern:8080/api/v1',
    'https://ZAMMAD.intern./',
    'http://10.1.2.3/',
    'http://127.0.0.1:3000/',
    'http://2130706433:3000/',
    'http://[fd00::5]/',
    'https://[fe80::5]/',
    'http://[::ffff:10.0.0.1]/',
    'https://helpdesk.example.com/',
  ])('allows %s', (url) => {
    expect(refusal(url, listed)).toBeUndefined()
  })

  it.each([
    ['https://127.0.0.2/', 'is loopback'],
    ['http://127.0.0.2/', 'plain http is not allowed'],
    ['https://169.254.169.254/', 'is cloud metadata'],
    ['https://[fe80::6]/', 'is link-local'],
    ['https://zammad.intern.evil.example/', undefined],
    ['http://helpdesk.example.com/', 'plain http is not allowed'],
    ['http://zammad.intern.evil.example/', 'plain http is not allowed'],
  ])('still judges %s on its own', (url, reason) => {
    if (reason) expect(refusal(url, listed)).toContain(reason)
    else expect(refusal(url, listed)).toBeUndefined()
  })

  it('lets OUTBOUND_ALLOW_HTTP=true open plain http everywhere, but no private address', () => {
    const anyHttp = policyOf({ OUTBOUND_ALLOW_HTTP: 'true' })
    expect(refusal('http://helpdesk.example.com/', anyHttp)).toBeUndefined()
    expect(refusal('http://127.0.0.1/', anyHttp)).toContain('is loopback')
  })

  it('keeps https-only for listed hosts unless OUTBOUND_ALLOW_HTTP says otherwise', () => {
    const httpsOnly = policyOf({ OUTBOUND_ALLOWED_HOSTS: 'zammad.intern,10.0.0.0/8' })
    expect(refusal('https://zammad.intern/', httpsOnly)).toBeUndefined()
    expect(refusal('http://zammad.intern/', httpsOnly)).toContain('plain http is not allowed')
  })

  it('refuses at start-up what it cannot read, naming the variable', () => {
    for (const value of [
      'http://zammad.intern',
      'zammad.intern:8080',
      '10.0.0.0/33',
      'fd00::/129',
      'two words',
      'user@host',
      '10.0.0.0/8/8',
    ]) {
      expect(() => parseConfig({ OUTBOUND_ALLOWED_HOSTS: value }), value).toThrow(ConfigError)
    }
    expect(() => parseConfig({ OUTBOUND_ALLOW_HTTP: 'yes' })).toThrow(/OUTBOUND_ALLOW_HTTP: must be false, true or allowed-hosts/)
    expect(() => parseConfig({ OUTBOUND_ALLOWED_HOSTS: 'ok.example, bad:1' })).toThrow(/OUTBOUND_ALLOWED_HOSTS: "bad:1" is not a host name/)
  })

  it('is strict when nothing is set', () => {
    expect(parseConfig({}).outbound).toEqual(strictOutboundPolicy)
  })
})

describe('resolved addresses: every one must be allowed', () => {
  it.each([
    [['127.0.0.1'], 'host helpdesk.example resolves to 127.0.0.1, which is loopback'],
    [['169.254.169.254'], 'resolves to 169.254.169.254, which is cloud metadata'],
    [['93.184.215.14', '10.0.0.7'], 'resolves to 10.0.0.7, which is private'],
    [['2606:4700:4700::1111', '::1'], 'resolves to ::1, which is loopback'],
    [['::ffff:127.0.0.1'], 'resolves to ::ffff:7f00:1 (the IPv4-mapped form of 127.0.0.1), which is loopback'],
    [['fe80::1%eth0'], 'which is link-local'],
    [['0.0.0.0'], 'which is unspecified'],
    [[], 'resolved to no address'],
    [['not-an-address'], 'resolved to an unreadable address'],
  ])('%j: %s', (addresses, reason) => {
    expect(refusedResolution(strictOutboundPolicy, 'helpdesk.example', addresses)).toContain(reason)
  })

  it('allows public addresses, listed names and listed ranges', () => {
    expect(refusedResolution(strictOutboundPolicy, 'helpdesk.example', ['93.184.215.14', '2606:4700:4700::1111'])).toBeUndefined()
    const listed = policyOf({ OUTBOUND_ALLOWED_HOSTS: 'zammad.intern,192.168.0.0/16' })
    expect(refusedResolution(listed, 'Zammad.Intern.', ['10.0.0.5', '127.0.0.1'])).toBeUndefined()
    expect(refusedResolution(listed, 'other.intern', ['192.168.4.4', '::ffff:192.168.4.5'])).toBeUndefined()
    expect(refusedResolution(listed, 'other.intern', ['192.168.4.4', '10.0.0.5'])).toContain('10.0.0.5, which is private')
  })
})

describe('address texts', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['[fe80::1%25eth0]', 'fe80::1'],
    ['10.0.0.1', '10.0.0.1'],
  ])('%s reads as %s', (text, formatted) => {
    expect(formatIp(parseIp(text)!)).toBe(formatted)
  })

  it.each(['1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', '::g', '1.2.3', '256.0.0.1', '01.2.3.4', '', '1:2:3:4:5:6:7:1.2.3.4'])(
    '%s is no address',
    (text) => {
      expect(parseIp(text)).toBeUndefined()
    },
  )

  it('classifies an ordinary public address as nothing', () => {
    expect(classifyAddress(parseIp('93.184.215.14')!)).toBeUndefined()
  })
})
