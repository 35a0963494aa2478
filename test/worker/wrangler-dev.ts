// Runs the Worker on workerd the way a developer does: `wrangler dev --local`, on a free port, with the
// Hyperdrive binding's local connection string pointing at a database the test prepared.
import { spawn } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('../../', import.meta.url).pathname
const wrangler = join(root, 'node_modules/.bin/wrangler')

/** wrangler, miniflare and workerd need Node 22 or newer. */
export const workerdSupported = Number(process.versions.node.split('.')[0]) >= 22

export interface DevWorker {
  url: string
  pid: number
  output(): string
  waitFor(pattern: RegExp): Promise<void>
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * Starts `wrangler dev` with these vars; `hyperdrive` is the local connection string, or undefined with a
 * config that has no Hyperdrive binding. Several configs run several Workers in one process (the first
 * serves the port; `--var` reaches only it). Resolves when wrangler says the Worker is ready.
 */
export async function startDevWorker(options: {
  vars: Record<string, string>
  hyperdrive?: string
  config?: string | string[]
}): Promise<DevWorker> {
  const port = await freePort()
  const persist = await mkdtemp(join(tmpdir(), 'triage-workerd-'))
  const args = [
    'dev',
    '--local',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--persist-to',
    persist,
    '--show-interactive-dev-session=false',
  ]
  for (const config of [options.config ?? []].flat()) args.push('--config', config)
  for (const [name, value] of Object.entries(options.vars)) args.push('--var', `${name}:${value}`)
  const child = spawn(wrangler, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? persist,
      WRANGLER_SEND_METRICS: 'false',
      CI: '1',
      ...(options.hyperdrive ? { CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: options.hyperdrive } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    // wrangler starts workerd as its child: the whole process group goes, by the id started here.
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM')
    await exited
  }
  const deadline = Date.now() + 120_000
  while (!/Ready on http/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`wrangler dev did not start:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  const waitFor = async (pattern: RegExp) => {
    while (!pattern.test(output)) {
      if (child.exitCode !== null) throw new Error(`wrangler dev exited before printing ${pattern}:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, output: () => output, waitFor, stop }
}
