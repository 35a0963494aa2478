/**
 * The main thread's heartbeat, shared with the health-port worker through a SharedArrayBuffer: the main
 * thread counts up every 250 ms from a timer, and the worker notes on its own clock when the count last
 * moved. Only counts cross threads, never timestamps, so a wall-clock step between the threads' starts
 * cannot skew the lag.
 */
export const heartbeatIntervalMs = 250
const watchIntervalMs = 50

/** Main thread: starts beating into a new buffer; stop() ends the timer. */
export function startHeartbeat(): { buffer: SharedArrayBuffer; stop(): void } {
  const buffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)
  const beats = new Int32Array(buffer)
  // unref: the heartbeat alone never keeps a process alive.
  const timer = setInterval(() => Atomics.add(beats, 0, 1), heartbeatIntervalMs).unref()
  return { buffer, stop: () => clearInterval(timer) }
}

/** Worker thread: watches the count; eventLoopLagMs() is how late the main loop is beyond its regular beat. */
export function watchHeartbeat(buffer: SharedArrayBuffer): { eventLoopLagMs(): number } {
  const beats = new Int32Array(buffer)
  let seen = Atomics.load(beats, 0)
  let movedAt = performance.now()
  const look = () => {
    const now = Atomics.load(beats, 0)
    if (now !== seen) [seen, movedAt] = [now, performance.now()]
  }
  setInterval(look, watchIntervalMs).unref() // ends with the thread
  return {
    eventLoopLagMs() {
      look()
      return Math.max(0, Math.round(performance.now() - movedAt - heartbeatIntervalMs))
    },
  }
}
