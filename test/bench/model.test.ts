import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { parseModelArgs, type ModelBenchOptions } from '../../bench/model/args.js'
import { modelFolder } from '../../bench/model/folder.js'
import { assembleReport, renderMarkdown } from '../../bench/model/report.js'
import { runVariant } from '../../bench/model/variant.js'
import type { TriageCase } from '../../bench/triage/run.js'

describe('bench:model arguments', () => {
  it('defaults to both variants of the stand-in on PGlite, and --quick shortens every part', () => {
    const full = parseModelArgs([], {})!
    expect(full).toMatchObject({ variants: ['int8', 'fp32'], model: 'stand-in', databases: ['pglite'], out: 'bench/model-report.json' })
    const quick = parseModelArgs(['--quick', '--variant', 'fp32', '--out', '/tmp/x.json'], { TEST_DATABASE_URL: 'postgres://x@h/db' })!
    expect(quick).toMatchObject({ quick: true, variants: ['fp32'], databases: ['pglite'], out: '/tmp/x.json' })
    expect(quick.pointSeconds).toBeLessThan(full.pointSeconds)
    expect(quick.triageRequests).toBeLessThan(full.triageRequests)
    expect(quick.importChunks).toBeLessThan(full.importChunks)
  })

  it('adds PostgreSQL when a database URL is set, and refuses it without one', () => {
    expect(parseModelArgs([], { BENCH_DATABASE_URL: 'postgres://x@h/db' })!.databases).toEqual(['pglite', 'postgres'])
    expect(() => parseModelArgs(['--databases', 'postgres'], {})).toThrow(/BENCH_DATABASE_URL/)
  })

  it('names the bad argument', () => {
    expect(() => parseModelArgs(['--variant', 'int4'], {})).toThrow(/--variant/)
    expect(() => parseModelArgs(['--seconds', '-1'], {})).toThrow(/--seconds/)
    expect(() => parseModelArgs(['--model', 'huge'], {})).toThrow(/--model/)
    expect(() => parseModelArgs(['--databases', 'sqlite'], {})).toThrow(/sqlite/)
    expect(() => parseModelArgs(['--frobnicate'], {})).toThrow()
    expect(parseModelArgs(['--help'], {})).toBeNull()
  })
})

describe('bench:model on the tiny model', () => {
  it('measures every part and assembles the report with finite positive ratios', async () => {
    const options: ModelBenchOptions = {
      ...parseModelArgs(['--model', 'tiny', '--variant', 'int8'], {})!,
      pointSeconds: 0.05,
      triageRequests: 4,
      concurrentRequests: 20,
      importChunks: 10,
    }
    const cases = JSON.parse(await readFile(new URL('../fixtures/triage-cases.json', import.meta.url), 'utf8')) as TriageCase[]
    const result = await runVariant(options, 'int8', await modelFolder('tiny'), cases.slice(0, 12))

    expect(result.batches.map((point) => point.batch)).toEqual([1, 8, 32])
    expect(result.triage).toHaveLength(1)
    expect(result.triage[0]!.serial.requests).toBe(4)
    expect(result.triage[0]!.concurrent.requests).toBe(20)
    expect(result.import.chunks).toBeGreaterThanOrEqual(10)
    expect(result.memoryMiB.afterServiceLoad).toBeGreaterThan(0)

    const report = JSON.parse(
      JSON.stringify(
        assembleReport([result], {
          date: new Date().toISOString(),
          command: 'test',
          code: { commit: 'test', changed: [] },
          machine: { cpus: 2, cpuModel: 'test', memoryGiB: 1, node: process.version, platform: 'test', databases: {} },
          options: { ...options, postgres: null },
          loadAverage: { start: [0, 0, 0], end: [0, 0, 0] },
          totalSeconds: 1,
        }),
      ),
    )
    for (const key of ['triageP50OverSessionRun', 'batchedOverUnbatched', 'importOverRawBatch', 'sessionRunP50Ms', 'triageP50Ms']) {
      expect(Number.isFinite(report[key]) && report[key] > 0, `${key} = ${report[key]}`).toBe(true)
    }
    expect(report.triageP50OverSessionRun).toBeCloseTo(report.triageP50Ms / report.sessionRunP50Ms, 1)
    expect(report).toMatchObject({ headlineVariant: 'int8', headlineDatabase: 'pglite', variants: { int8: { variant: 'int8' } } })
    expect(Object.keys(report.met).sort()).toEqual(['batchedOverUnbatched', 'importOverRawBatch', 'triageP50OverSessionRun'])
    for (const point of report.variants.int8.batches) expect(point.serviceOverRaw).toBeGreaterThan(0)
    expect(renderMarkdown(report)).toContain('| triage p50 ÷ session.run p50')
  })
})
