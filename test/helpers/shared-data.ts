import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** ../shared/data beside the project: real tickets we may read but never ship (their licence forbids it). */
export const sharedDataDir = fileURLToPath(new URL('../../../shared/data/', import.meta.url))

export function sharedDataFile(name: string): string | undefined {
  const path = `${sharedDataDir}${name}`
  return existsSync(path) ? path : undefined
}
