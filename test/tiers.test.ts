// Every test file runs in exactly one tier: globs can overlap (a file run twice by `npm test`) or miss (a file
// `npm test` never runs). Vitest itself resolves the projects here, so the check sees what a run would see.
import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVitest, type Vitest } from 'vitest/node'
import { slowFiles, unitFiles } from './tiers.js'

const root = fileURLToPath(new URL('../', import.meta.url))

function testFilesOnDisk(): string[] {
  const names = readdirSync(join(root, 'test'), { recursive: true, encoding: 'utf8' })
  return names
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => `test/${name.split('\\').join('/')}`)
    .sort()
}

describe('test tiers', () => {
  let vitest: Vitest
  const projectsOf = new Map<string, string[]>()
  beforeAll(async () => {
    vitest = await createVitest('test', { root, watch: false, config: join(root, 'vitest.config.ts') })
    for (const spec of await vitest.globTestSpecifications()) {
      const file = relative(root, spec.moduleId).split('\\').join('/')
      projectsOf.set(file, [...(projectsOf.get(file) ?? []), spec.project.name])
    }
  })
  afterAll(() => vitest?.close())

  it('puts every test file into exactly one of unit, db and slow', () => {
    const tiersByFile = testFilesOnDisk().map((file) => [file, projectsOf.get(file) ?? []] as const)
    const misplaced = tiersByFile.filter(([, projects]) => projects.length !== 1)
    expect(misplaced, 'files in no tier or in several (test/tiers.ts)').toEqual([])
    expect(new Set(tiersByFile.map(([, projects]) => projects[0]))).toEqual(new Set(['unit', 'db', 'slow']))
  })

  it('lists only entries that match a file, so a renamed file does not drop out of its tier', () => {
    const filesIn = (tier: string) => [...projectsOf].filter(([, projects]) => projects.includes(tier)).map(([file]) => file)
    // An entry is a path or `folder/**/*.test.ts`; the folder part is all before the first `*`.
    const matches = (entry: string, file: string) => (entry.includes('*') ? file.startsWith(entry.split('*')[0]!) : file === entry)
    const unmatched = (entries: string[], tier: string) => entries.filter((entry) => !filesIn(tier).some((file) => matches(entry, file)))
    expect(unmatched(unitFiles, 'unit'), 'unit entries that match no file').toEqual([])
    expect(unmatched(slowFiles, 'slow'), 'slow entries that match no file').toEqual([])
  })
})
