import { describe, expect, it } from 'vitest'
import { parseDownloadArguments } from '../../src/platform/node/embeddings/download-arguments.js'

describe('model:download arguments', () => {
  it('fetches the variant EMBEDDINGS_QUANTIZED loads when none is named', () => {
    expect(parseDownloadArguments([], true)).toEqual({ variants: ['int8'] })
    expect(parseDownloadArguments([], false)).toEqual({ variants: ['fp32'] })
  })

  it('reads --variant in both spellings, both variants, and the short flags', () => {
    expect(parseDownloadArguments(['--variant', 'fp32'], true)).toEqual({ variants: ['fp32'] })
    expect(parseDownloadArguments(['--variant=int8'], false)).toEqual({ variants: ['int8'] })
    expect(parseDownloadArguments(['--variant', 'both'], true)).toEqual({ variants: ['int8', 'fp32'] })
    expect(parseDownloadArguments(['--fp32', '--quantized'], true)).toEqual({ variants: ['fp32', 'int8'] })
  })

  it('refuses what it does not know, naming it', () => {
    expect(parseDownloadArguments(['--variant', 'fp16'], true)).toEqual({ error: '--variant takes int8, fp32 or both (got "fp16")' })
    expect(parseDownloadArguments(['--variant'], true)).toEqual({ error: '--variant takes int8, fp32 or both (got nothing)' })
    expect(parseDownloadArguments(['--fp32=yes'], true)).toEqual({ error: 'unknown argument "--fp32=yes"' })
    expect(parseDownloadArguments(['--dry-run'], true)).toEqual({ error: 'unknown argument "--dry-run"' })
  })
})
