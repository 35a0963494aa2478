import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'

/**
 * `npm run bench:profile -- FILE.cpuprofile [--top 25] [--busiest 10] [--after 0]`: the functions with the most
 * self time in a V8 CPU profile (node --cpu-prof, bench:triage --profile), as a Markdown table, and
 * the share of a few groups (garbage collection, socket writes, idle). `--busiest N` keeps the N
 * seconds with the fewest idle samples (beginning `--after` seconds in, past the server's start-up):
 * a server's load run, not its start-up or the bench's set-up.
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
    options: { top: { type: 'string', default: '25' }, busiest: { type: 'string' }, after: { type: 'string', default: '0' } },
  })
  const file = positionals[0]
  if (!file) throw new Error('usage: npm run bench:profile -- FILE.cpuprofile [--top 25] [--busiest 10] [--after 0]')
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const times: number[] = []
  let elapsed = 0
  for (const delta of profile.timeDeltas) times.push((elapsed += delta))
  const idle = profile.samples.map((id) => byId.get(id)!.callFrame.functionName === '(idle)')
  const [from, to] = values.busiest
    ? busiestWindow(times, idle, Number(values.busiest) * 1e6, Number(values.after) * 1e6)
    : [0, times.length]
  const self = new Map<string, number>()
  let total = 0
  for (let index = from; index < to; index++) {
    const frame = byId.get(profile.samples[index]!)!.callFrame
    const where = frame.url ? `${frame.url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/')}:${frame.lineNumber + 1}` : ''
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim()
    self.set(key, (self.get(key) ?? 0) + 1)
    total++
  }
  const share = (count: number) => `${((100 * count) / total).toFixed(1)} %`
  const group = (pattern: RegExp) => [...self].filter(([key]) => pattern.test(key)).reduce((sum, [, count]) => sum + count, 0)
  const lines = [
    `${total} samples (${((times[to - 1]! - times[from]!) / 1e6).toFixed(1)} s from ${(times[from]! / 1e6).toFixed(1)} s); idle ${share(group(/^\(idle\)/))}, garbage collector ${share(group(/^\(garbage collector\)/))}, writev/write ${share(group(/^(writev|writeBuffer|writeUtf8String|writeLatin1String)\b/))}`,
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

/** Sample indices [from, to) of the `spanUs`-long window with the fewest idle samples (two pointers). */
function busiestWindow(times: number[], idle: boolean[], spanUs: number, afterUs: number): [number, number] {
  let best: [number, number] = [0, times.length]
  let bestIdle = Number.POSITIVE_INFINITY
  let start = times.findIndex((time) => time >= afterUs)
  if (start < 0) return best
  let idleInside = 0
  for (let end = start; end < times.length; end++) {
    if (idle[end]) idleInside++
    while (times[end]! - times[start]! > spanUs) if (idle[start++]) idleInside--
    if (times[end]! - times[start]! >= spanUs * 0.95 && idleInside < bestIdle) {
      bestIdle = idleInside
      best = [start, end + 1]
    }
  }
  return best
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`)
  process.exitCode = 1
})
