import { cp } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { killStartedProcesses, runCli, tempDataDir } from '../helpers/process.js'
import { ensureTinyModel } from '../helpers/tiny-model.js'

afterEach(killStartedProcesses)

describe('npm run model:download', () => {
  it('refuses a bad variant with the usage and exit code 2, before fetching anything', async () => {
    const { code, output } = await runCli('src/entry/model-download-cli.ts', {}, ['--variant', 'fp16'])
    expect(code).toBe(2)
    expect(output).toMatch(/--variant takes int8, fp32 or both \(got "fp16"\)/)
    expect(output).toMatch(/usage: npm run model:download/)
    expect(output).not.toMatch(/downloading/)
  })

  it('fetches each variant asked for; files already in the cache need no network', async () => {
    // The library's file cache keeps a hub model at <cache>/<model id>/<file>: a copied tiny model stands in.
    const cache = await tempDataDir()
    await cp(await ensureTinyModel(), join(cache, 'tiny-bert'), { recursive: true })
    const env = { EMBEDDINGS_MODEL: 'tiny-bert', EMBEDDINGS_CACHE_DIR: cache, EMBEDDINGS_QUANTIZED: 'false' }
    const both = await runCli('src/entry/model-download-cli.ts', env, ['--variant', 'both'])
    expect(both.code).toBe(0)
    expect(both.stdout).toMatch(/tiny-bert \(int8\) is ready \(384 dimensions/)
    expect(both.stdout).toMatch(/tiny-bert \(fp32\) is ready \(384 dimensions/)
    expect(both.output).toMatch(/onnx\/model_quantized\.onnx[\s\S]*onnx\/model\.onnx/)
    const one = await runCli('src/entry/model-download-cli.ts', env, ['--quantized'])
    expect(one.code).toBe(0)
    expect(one.stdout).toMatch(/note: EMBEDDINGS_QUANTIZED=false loads the other file/)
  })
})
