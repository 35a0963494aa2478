// The outbound policy applied: checked when a URL is configured, and again when it is called. Web APIs
// only; a runtime that can resolve names and connect to the checked address (Node) injects both.
import { needsResolution, OutboundRefusedError, refusedResolution, refusedUrl, type OutboundPolicy } from './policy.js'

/** The addresses (A and AAAA) a host name resolves to, the way the runtime's connections resolve it. */
export type ResolveHost = (host: string) => Promise<string[]>

/** Calls URLs from runtime input under the outbound policy; built once per process and passed in deps. */
export interface OutboundGuard {
  readonly policy: OutboundPolicy
  /** True when names are resolved and every address checked; false where only literal addresses are. */
  readonly resolvesNames: boolean
  /**
   * At configuration time: the reason this URL is refused, or undefined. A name that does not resolve
   * right now is not refused here (the helpdesk may be down); the call decides when it is made.
   */
  check(url: string): Promise<string | undefined>
  /** fetch under the policy: a refusal rejects with OutboundRefusedError before a byte is sent; redirects are never followed. */
  fetch(url: URL, init: RequestInit): Promise<Response>
}

export interface OutboundGuardOptions {
  policy: OutboundPolicy
  /** For checks at configuration time. */
  resolveHost?: ResolveHost
  /**
   * The fetch that makes the connection. With `resolveHost`, it must check every address it resolves
   * under the same policy as it connects (so a rebound name cannot slip in between check and call).
   */
  connect?: typeof fetch
  /** How long a configuration-time resolution may take before it is given up (not refused). */
  resolveTimeoutMs?: number
}

export function createOutboundGuard(options: OutboundGuardOptions): OutboundGuard {
  const { policy, resolveHost } = options
  const connect = options.connect ?? ((input, init) => fetch(input, init))
  return {
    policy,
    resolvesNames: Boolean(resolveHost),
    async check(text) {
      const url = URL.canParse(text) ? new URL(text) : undefined
      if (!url) return 'not a URL'
      const refusal = refusedUrl(policy, url)
      if (refusal || !resolveHost || !needsResolution(policy, url)) return refusal
      const addresses = await withTimeout(resolveHost(url.hostname), options.resolveTimeoutMs ?? 3000).catch(() => undefined)
      return addresses && refusedResolution(policy, url.hostname, addresses)
    },
    async fetch(url, init) {
      const refusal = refusedUrl(policy, url)
      if (refusal) throw new OutboundRefusedError(refusal)
      return connect(url, { ...init, redirect: 'manual' })
    },
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
