// Cloudflare Workers entry (wrangler.toml): the same app as the Node entry, built from `env` bindings
// by src/platform/workers/; the JOBS queue runs background jobs and a Cron Trigger sweeps (docs/workers.md).
import { createQueueHandler, createScheduledHandler, type ScheduledEvent } from '../platform/workers/background.js'
import type { QueueBatch } from '../platform/workers/queue-consumer.js'
import { createIsolateHolder, createWorkerHandler, type WaitUntil } from '../platform/workers/serve.js'
import type { WorkerEnv } from '../platform/workers/worker-deps.js'

const isolates = createIsolateHolder()
const handle = createWorkerHandler(isolates)
const consume = createQueueHandler(isolates)
const sweep = createScheduledHandler(isolates)

export default {
  fetch: (request: Request, env: WorkerEnv, ctx: WaitUntil): Promise<Response> => handle(request, env, ctx),
  queue: (batch: QueueBatch, env: WorkerEnv, ctx: WaitUntil): Promise<void> => consume(batch, env, ctx),
  scheduled: (event: ScheduledEvent, env: WorkerEnv, ctx: WaitUntil): Promise<void> => sweep(event, env, ctx),
}
