import { AppError } from '../../errors.js'
import { wrapEmbedder, type EmbedOptions, type EmbedPurpose, type Embedder } from './embedder.js'

/** How calls are joined: see createBatchingEmbedder. */
export interface BatchingOptions {
  /** Texts per inner call; a call of this many texts or more goes straight through, unjoined. */
  maxBatch: number
  /**
   * How long the oldest waiting call may wait for company while a run is in progress and a slot is free
   * (maxConcurrent > 1); 0 = until the next macrotask. An idle embedder sends once the current turn's calls are in.
   */
  maxWaitMs: number
  /** Texts that may wait; one more and the call fails at once with 503 (service_unavailable). */
  maxQueue: number
  /** Inner calls of joined batches running at once. Default 1: a local model runs on the CPU it shares. */
  maxConcurrent?: number
}

interface Waiting {
  texts: string[]
  purpose: EmbedPurpose
  since: number
  signal: AbortSignal | undefined
  resolve(vectors: Float32Array[]): void
  reject(error: unknown): void
  /** Called when the caller's signal fires; replaced once the call is in a running batch. */
  onAbort(): void
  settled: boolean
}

/**
 * Joins embed calls that arrive together into one inner call, because a model run over 16 texts costs
 * far less than 16 runs over one (ONNX Runtime uses its threads on a wider matrix, and the per-run
 * overhead is paid once). A batch goes when it holds `maxBatch` texts; when nothing is running, in a
 * microtask (calls made in the same turn join it, and a lone request does not wait); while a run is in
 * progress, when its oldest call has waited `maxWaitMs` and a slot is free. While all `maxConcurrent` slots
 * are busy, new calls keep collecting, so the next batch is as full as the load allows. Calls of `maxBatch` texts or more (an import) pass through
 * on their own, so they never hold small calls back; the inner embedder splits them itself.
 *
 * A full queue fails fast instead of waiting: triage already admits a bounded number of requests
 * (TRIAGE_MAX_CONCURRENT / TRIAGE_MAX_QUEUE), so a full embedding queue means the model is behind, and
 * a 503 with Retry-After tells a helpdesk to come back rather than holding its connection open.
 */
export function createBatchingEmbedder(inner: Embedder, options: BatchingOptions): Embedder {
  const maxBatch = Math.max(1, Math.floor(options.maxBatch))
  const maxConcurrent = Math.max(1, options.maxConcurrent ?? 1)
  const maxWaitMs = Math.max(0, options.maxWaitMs)
  const queue: Waiting[] = []
  let queuedTexts = 0
  let running = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let timerDue = 0

  const remove = (call: Waiting) => {
    const index = queue.indexOf(call)
    if (index < 0) return
    queue.splice(index, 1)
    queuedTexts -= call.texts.length
  }

  /**
   * The next batch to send: the calls of one purpose, oldest first, as many as fit in maxBatch, once
   * they fill it or their oldest is due (`dueToo` false: only a full one, as a call arrives).
   */
  const nextBatch = (dueToo: boolean): Waiting[] | undefined => {
    const now = Date.now()
    for (const purpose of new Set(queue.map((call) => call.purpose))) {
      const calls = queue.filter((call) => call.purpose === purpose)
      const batch: Waiting[] = []
      let size = 0
      for (const call of calls) {
        if (size + call.texts.length > maxBatch) break
        batch.push(call)
        size += call.texts.length
      }
      const full = calls.length > batch.length || size === maxBatch
      // An idle model waits for nobody: company only pays while it is busy, and a lone request would lose the wait.
      if (full || (dueToo && (running === 0 || calls[0]!.since + maxWaitMs <= now))) {
        for (const call of batch) remove(call)
        return batch
      }
    }
    return undefined
  }

  const pump = (dueToo = true) => {
    while (running < maxConcurrent) {
      const batch = nextBatch(dueToo)
      if (!batch) break
      run(batch)
    }
    // While every slot is busy the end of a run pumps again; a timer would only spin.
    if (queue.length === 0 || running >= maxConcurrent) return
    if (running === 0) flushSoon()
    else schedule(Math.min(...queue.map((call) => call.since)) + maxWaitMs)
  }

  // Idle: after the calls of this turn (a microtask; a 0 ms timer waits a clamped millisecond or more).
  let flushing = false
  const flushSoon = () => {
    if (flushing) return
    flushing = true
    queueMicrotask(() => {
      flushing = false
      pump()
    })
  }

  const schedule = (due: number) => {
    if (timer !== undefined && timerDue <= due) return
    clearTimeout(timer)
    timerDue = due
    timer = setTimeout(
      () => {
        timer = undefined
        pump()
      },
      Math.max(0, due - Date.now()),
    )
  }

  const run = (batch: Waiting[]) => {
    running++
    // The inner call is abandoned only when every caller in it has given up.
    const controller = new AbortController()
    let live = batch.length
    for (const call of batch) {
      call.onAbort = () => {
        settle(call, () => call.reject(call.signal?.reason))
        if (--live === 0) controller.abort(call.signal?.reason)
      }
    }
    const texts = batch.flatMap((call) => call.texts)
    Promise.resolve()
      .then(() => inner.embed(texts, { purpose: batch[0]!.purpose, signal: controller.signal }))
      .then(
        (vectors) => {
          if (vectors.length !== texts.length) throw new Error(`the embedder returned ${vectors.length} vectors for ${texts.length} texts`)
          let offset = 0
          for (const call of batch) {
            const own = vectors.slice(offset, (offset += call.texts.length))
            settle(call, () => call.resolve(own))
          }
        },
        (error: unknown) => {
          for (const call of batch) settle(call, () => call.reject(error))
        },
      )
      .catch((error: unknown) => {
        for (const call of batch) settle(call, () => call.reject(error))
      })
      .finally(() => {
        running--
        pump()
      })
  }

  const settle = (call: Waiting, finish: () => void) => {
    if (call.settled) return
    call.settled = true
    call.signal?.removeEventListener('abort', abortListeners.get(call)!)
    finish()
  }
  const abortListeners = new WeakMap<Waiting, () => void>()

  const enqueue = (texts: string[], purpose: EmbedPurpose, signal: AbortSignal | undefined) =>
    new Promise<Float32Array[]>((resolve, reject) => {
      if (queuedTexts + texts.length > options.maxQueue) {
        reject(
          new AppError('service_unavailable', `The embedding queue is full (${queuedTexts} texts waiting); try again shortly.`, {
            headers: { 'Retry-After': '1' },
          }),
        )
        return
      }
      const call: Waiting = { texts, purpose, since: Date.now(), signal, resolve, reject, settled: false, onAbort: () => {} }
      // Still waiting: leave the queue, and the batch forms without this call.
      call.onAbort = () => {
        remove(call)
        settle(call, () => reject(signal?.reason))
      }
      const listener = () => call.onAbort()
      abortListeners.set(call, listener)
      signal?.addEventListener('abort', listener, { once: true })
      queue.push(call)
      queuedTexts += texts.length
      // Only a full batch leaves at once: a lone call waits at least for the end of this turn, so calls
      // made in the same turn join it.
      pump(false)
    })

  return wrapEmbedder(inner, async (texts: string[], { signal, purpose = 'passage' }: EmbedOptions = {}) => {
    signal?.throwIfAborted()
    if (texts.length === 0) return []
    if (texts.length >= maxBatch) return inner.embed(texts, { purpose, ...(signal ? { signal } : {}) })
    return enqueue(texts, purpose, signal)
  })
}
