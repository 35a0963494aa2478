// The runtime-neutrality check (scripts/check-neutral.ts, `npm run check:neutral` in CI): it must name the
// file behind each Node import or Node global, ignore the words in comments, strings and local names, and
// pass createApp's real graph.
import { describe, expect, it } from 'vitest'
import { nodeUsesOf } from '../scripts/check-neutral.js'

describe('check:neutral', () => {
  it('names the file that imports a Node builtin and the file that reads a Node global', async () => {
    expect(await nodeUsesOf('test/fixtures/neutral/core.ts')).toEqual([
      "test/fixtures/neutral/core.ts uses Node's global 'process'",
      "test/fixtures/neutral/helper.ts imports the Node module 'node:fs'",
    ])
  })

  it('passes a module that uses Web APIs only', async () => {
    expect(await nodeUsesOf('test/fixtures/neutral/clean.ts')).toEqual([])
  })

  it('passes the core graph of createApp', async () => {
    expect(await nodeUsesOf('src/app.ts')).toEqual([])
  })

  it('catches the Node-only storage adapters, so they cannot slip into the core unnoticed', async () => {
    const uses = await nodeUsesOf('src/platform/node/storage/open.ts')
    expect(uses.filter((line) => line.startsWith('src/'))).toContain("src/platform/node/storage/pglite.ts uses Node's global 'process'")
  })
})
