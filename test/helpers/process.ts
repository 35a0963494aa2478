import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('../../', import.meta.url).pathname

export interface RunningProcess {
  child: ChildProcess
  output(): string
  /** What the process wrote to stdout alone (its answer, without the notes on stderr). */
  stdout(): string
  exited: Promise<number | null>
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

const running = new Set<ChildProcess>()

/** The secrets key every child on PostgreSQL gets unless its test gives one (config requires it there). */
export const testSecretsKey = Buffer.alloc(32, 7).toString('base64')

/** Kills whatever a failed test left running; only processes these helpers started. */
export function killStartedProcesses() {
  for (const child of running) child.kill('SIGKILL')
}

/** Starts one of our entry points as a real child process, with only the environment given. */
export function startProcess(entry: string, env: Record<string, string>, args: string[] = []): RunningProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, entry), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...(env.DATABASE_URL ? { SECRETS_KEY: testSecretsKey } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  child.once('exit', () => running.delete(child))
  let output = ''
  let stdout = ''
  const listeners = new Set<() => void>()
  const append = (chunk: Buffer) => {
    output += chunk.toString()
    for (const listener of listeners) listener()
  }
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    append(chunk)
  })
  child.stderr!.on('data', append)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    child,
    output: () => output,
    stdout: () => stdout,
    exited,
    waitFor(pattern, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern)
          if (match) {
            cleanup()
            resolve(match)
          }
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error(`timed out waiting for ${pattern} in output:\n${output}`))
        }, timeoutMs)
        const cleanup = () => {
          clearTimeout(timer)
          listeners.delete(check)
        }
        listeners.add(check)
        void exited.then(() =>
          setTimeout(() => {
            if (listeners.has(check)) {
              cleanup()
              reject(new Error(`process exited while waiting for ${pattern}; output:\n${output}`))
            }
          }, 50),
        )
        check()
      })
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}

/** Starts the server on an ephemeral port and resolves once it has said where it listens. */
export async function startServer(env: Record<string, string>) {
  const server = startProcess('src/entry/node.ts', { PORT: '0', HOST: '127.0.0.1', ...env })
  const [, url] = await server.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/)
  return { ...server, url: url! }
}

/** Runs a CLI entry to completion and returns its exit code and output. */
export async function runCli(entry: string, env: Record<string, string>, args: string[]) {
  const run = startProcess(entry, env, args)
  const code = await run.exited
  return { code, output: run.output(), stdout: run.stdout() }
}

export const tempDataDir = () => mkdtemp(join(tmpdir(), 'triage-test-'))
