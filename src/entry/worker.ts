// Cloudflare Workers entry (wrangler.toml): the same app as the Node entry, built from `env` bindings
// by src/platform/workers/. What this slice serves and what not yet: docs/workers.md.
import { createWorkerHandler } from '../platform/workers/serve.js'
import type { WaitUntil } from '../platform/workers/serve.js'
import type { WorkerEnv } from '../platform/workers/worker-deps.js'

const handle = createWorkerHandler()

export default {
  fetch: (request: Request, env: WorkerEnv, ctx: WaitUntil): Promise<Response> => handle(request, env, ctx),
}
