/**
 * Cooperative training. The training code is written once, as generators that `yield` at points where
 * pausing is safe (between texts, every few dozen gradient steps, between neighbour searches). Tests,
 * cross-validation and scripts run them straight through; the service runs them in slices and hands
 * the event loop a turn between slices, so requests keep being answered while a model trains. Only
 * Web-standard APIs (setTimeout, performance.now), so this works on Node and on Workers alike.
 */

/** Work that may pause wherever it yields; the return value is the result. */
export type Steps<T> = Generator<void, T, void>

/** How a run in slices shares the thread. */
export interface SliceOptions {
  /** Hand over the thread once a slice has run this long. */
  sliceMs?: number
  /**
   * Hand over after this many yields even if the clock has not moved: Workers stop the clock while
   * code runs, so time alone would never end a slice there.
   */
  maxYields?: number
  /** How to hand over; the default waits one macrotask, so timers and I/O queued meanwhile run first. */
  pause?: () => Promise<void>
  now?: () => number
}

/** Runs the steps to the end without pausing. */
export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next()
    if (next.done) return next.value
  }
}

/**
 * Runs the steps in slices of about `sliceMs`, pausing between them; the result equals runToEnd's.
 * setTimeout(0) waits at least 1 ms on Node, so slices of 20 ms cost about 5 % in training time.
 */
export async function runInSlices<T>(steps: Steps<T>, options: SliceOptions = {}): Promise<T> {
  const { sliceMs = 20, maxYields = 64, pause = nextMacrotask, now = () => performance.now() } = options
  let started = now()
  let yields = 0
  for (;;) {
    const next = steps.next()
    if (next.done) return next.value
    if (++yields >= maxYields || now() - started >= sliceMs) {
      await pause()
      started = now()
      yields = 0
    }
  }
}

/** Resolves after one macrotask. A resolved promise would not do: microtasks run before any timer or I/O. */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0))
}
