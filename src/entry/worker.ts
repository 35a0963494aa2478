// Cloudflare Workers entry: a placeholder until the Workers build is completed (see wrangler.toml).
// The core is runtime-neutral already; what is missing here is a Workers-compatible database adapter.
export default {
  fetch(): Response {
    return new Response(
      JSON.stringify({ type: 'about:blank', title: 'Not implemented', status: 501, detail: 'The Workers build is not complete yet.' }),
      { status: 501, headers: { 'content-type': 'application/problem+json' } },
    )
  },
}
