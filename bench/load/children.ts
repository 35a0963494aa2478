import { readFile } from 'node:fs/promises'
import { startProcess, type RunningProcess } from '../../test/helpers/process.js'

/**
 * Every process the bench starts, so each one is stopped by its PID at the end, on an error and on
 * Ctrl-C alike. Servers start through the test helper (node --import tsx <entry>, only the env given).
 */
const started = new Map<number, { label: string; stop: () => Promise<unknown> }>()

/** Registers a process the bench started some other way (pgbench). */
export function track(pid: number | undefined, label: string, stop: () => Promise<unknown>): () => void {
  if (pid === undefined) return () => {}
  started.set(pid, { label, stop })
  return () => started.delete(pid)
}

export interface BenchServer {
  label: string
  url: string
  pid: number
  process: RunningProcess
  stop(): Promise<void>
}

/** Starts an entry on 127.0.0.1 at an ephemeral port and resolves with its URL once it has logged it. */
export async function startBenchServer(
  label: string,
  entry: string,
  env: Record<string, string>,
  readyPattern?: RegExp,
): Promise<BenchServer> {
  const child = startProcess(entry, { PORT: '0', HOST: '127.0.0.1', ...env })
  const pid = child.child.pid!
  const stop = async () => {
    const killer = setTimeout(() => child.child.kill('SIGKILL'), 15_000)
    await child.stop('SIGTERM')
    clearTimeout(killer)
    started.delete(pid)
  }
  started.set(pid, { label, stop })
  const [, url] = await child.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/, 120_000)
  if (readyPattern) await child.waitFor(readyPattern, 180_000)
  return { label, url: url!, pid, process: child, stop }
}

/** Stops whatever is still running, one PID at a time. */
export async function stopAll(): Promise<void> {
  for (const [pid, { label, stop }] of [...started]) {
    process.stderr.write(`stopping ${label} (pid ${pid})\n`)
    await stop().catch(() => {})
    started.delete(pid)
  }
}

/** Ctrl-C and SIGTERM stop the children before the bench exits. */
export function stopChildrenOnSignal(cleanup: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping started processes\n`)
      void stopAll()
        .then(cleanup)
        .finally(() => process.exit(130))
    })
  }
}

/** Peak and current resident set size of a process, in MiB, from /proc (Linux only; null elsewhere). */
export async function readMemory(pid: number): Promise<{ peakMiB: number; currentMiB: number } | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const kib = (name: string) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN)
    return { peakMiB: Math.round(kib('VmHWM') / 1024), currentMiB: Math.round(kib('VmRSS') / 1024) }
  } catch {
    return null
  }
}
