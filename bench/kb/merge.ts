import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { renderMarkdown, type Report } from './report.js'

/**
 * `node --import tsx bench/kb/merge.ts <out dir> <report.json>... -- <note>`: one report from runs
 * taken by several bench:kb processes (for example sizes run at the same time to save wall-clock time).
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const split = args.indexOf('--')
  const [outDir, ...files] = split < 0 ? args : args.slice(0, split)
  const note = split < 0 ? undefined : args.slice(split + 1).join(' ')
  if (!outDir || files.length === 0) throw new Error('usage: merge.ts <out dir> <report.json>... [-- note]')
  const reports = await Promise.all(files.map(async (file) => JSON.parse(await readFile(file, 'utf8')) as Report))
  const first = reports[0]!
  const merged: Report = {
    ...first,
    date: reports.map((report) => report.date).sort()[0]!,
    command: reports.map((report) => report.command).join('` and `'),
    machine: { ...first.machine, databases: Object.assign({}, ...reports.map((report) => report.machine.databases)) },
    runs: reports.flatMap((report) => report.runs),
    totalSeconds: Math.max(...reports.map((report) => report.totalSeconds)),
    ...(note ? { note } : {}),
  }
  await writeFile(join(outDir, 'kb-report.json'), `${JSON.stringify(merged, null, 2)}\n`)
  await writeFile(join(outDir, 'kb-report.md'), renderMarkdown(merged))
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`)
  process.exitCode = 1
})
