/**
 * The main thread's heartbeat, shared with the health-port worker through a SharedArrayBuffer: one
 * 64-bit slot holding when the main event loop last ran a timer, in milliseconds. The clock is
 * performance.timeOrigin + performance.now(): both threads read the same wall-clock origin and it does
 * not jump when the system clock is set.
 */
export const heartbeatIntervalMs = 250

const nowMs = () => BigInt(Math.round(performance.timeOrigin + performance.now()))

/** Main thread: starts beating into a new buffer; stop() ends the timer. */
export function startHeartbeat(): { buffer: SharedArrayBuffer; stop(): void } {
  const buffer = new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT)
  const slot = new BigInt64Array(buffer)
  const beat = () => Atomics.store(slot, 0, nowMs())
  beat()
  // unref: the heartbeat alone never keeps a process alive.
  const timer = setInterval(beat, heartbeatIntervalMs).unref()
  return { buffer, stop: () => clearInterval(timer) }
}

/** Worker: how late the main loop is beyond its regular beat, in ms (0 while it keeps time). */
export function readEventLoopLagMs(buffer: SharedArrayBuffer): number {
  const age = Number(nowMs() - Atomics.load(new BigInt64Array(buffer), 0))
  return Math.max(0, age - heartbeatIntervalMs)
}
