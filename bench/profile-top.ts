import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'

/**
 * `npm run bench:profile -- FILE.cpuprofile [--top 25] [--from-ms 0]`: the functions with the most
 * self time in a V8 CPU profile (node --cpu-prof, bench:triage --profile), as a Markdown table, and
 * the share of a few groups (garbage collection, socket writes, idle). `--from-ms` skips the start
 * (a server's start-up before its load).
 */
interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, 'from-ms': { type: 'string', default: '0' } },
  })
  const file = positionals[0]
  if (!file) throw new Error('usage: npm run bench:profile -- FILE.cpuprofile [--top 25] [--from-ms 0]')
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const fromUs = Number(values['from-ms']) * 1000
  const self = new Map<string, number>()
  let elapsed = 0
  let total = 0
  profile.samples.forEach((id, index) => {
    elapsed += profile.timeDeltas[index] ?? 0
    if (elapsed < fromUs) return
    const frame = byId.get(id)!.callFrame
    const where = frame.url ? `${frame.url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/')}:${frame.lineNumber + 1}` : ''
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim()
    self.set(key, (self.get(key) ?? 0) + 1)
    total++
  })
  const share = (count: number) => `${((100 * count) / total).toFixed(1)} %`
  const group = (pattern: RegExp) => [...self].filter(([key]) => pattern.test(key)).reduce((sum, [, count]) => sum + count, 0)
  const lines = [
    `${total} samples after ${values['from-ms']} ms; idle ${share(group(/^\(idle\)/))}, garbage collector ${share(group(/^\(garbage collector\)/))}, writev/write ${share(group(/^(writev|writeBuffer|writeUtf8String|writeLatin1String)\b/))}`,
    '',
    '| self | function |',
    '| ---: | --- |',
    ...[...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, Number(values.top))
      .map(([key, count]) => `| ${share(count)} | \`${key}\` |`),
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`)
  process.exitCode = 1
})
