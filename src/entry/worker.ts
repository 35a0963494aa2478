// Cloudflare Workers entry: a placeholder until the Workers build is completed (see wrangler.toml).
// The core is runtime-neutral already; what is missing here is a Workers-compatible database adapter.
// Its outbound guard will be createOutboundGuard({ policy: config.outbound }) without a resolver: a Worker
// cannot resolve names, and its fetch cannot reach the operator's private network (docs/outbound.md).
export default {
  fetch(): Response {
    return new Response(
      JSON.stringify({ type: 'about:blank', title: 'Not implemented', status: 501, detail: 'The Workers build is not complete yet.' }),
      { status: 501, headers: { 'content-type': 'application/problem+json' } },
    )
  },
}
