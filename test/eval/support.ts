import { spawn } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('../../', import.meta.url).pathname

export interface EvalRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `npm run eval`'s entry as a child process, keeping stdout and stderr apart. */
export function runEval(args: string[]): Promise<EvalRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'eval/run.ts'), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })))
}

/** A fresh folder with the given files (JSONL files given as arrays of rows or of raw lines). */
export async function writeFiles(files: Record<string, unknown[] | string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'eval-test-'))
  for (const [name, content] of Object.entries(files)) {
    const text =
      typeof content === 'string' ? content : content.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n')
    await writeFile(join(dir, name), `${text}\n`)
  }
  return dir
}
