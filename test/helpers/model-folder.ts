import { randomUUID } from 'node:crypto'
import { readFile, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** The files @xenova/transformers reads from a local feature-extraction model folder. */
export const modelFolderFiles = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx']

/** A folder is complete when its config.json carries this generator's stamp and every file is there. */
async function isComplete(dir: string, generator: string): Promise<boolean> {
  try {
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { _generator?: string }
    if (config._generator !== generator) return false
    await Promise.all(modelFolderFiles.map((file) => stat(join(dir, file))))
    return true
  } catch {
    return false
  }
}

async function moveIntoPlace(staging: string, dir: string, generator: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await rename(staging, dir)
    } catch (error) {
      // Another worker put a complete model there first: theirs is as good as ours.
      if (await isComplete(dir, generator)) return
      const code = (error as NodeJS.ErrnoException).code
      if (attempt === 3 || (code !== 'ENOTEMPTY' && code !== 'EEXIST')) throw error
      // A folder from an older generator or a crashed run is in the way. Removing it can race with
      // another worker doing the same; the next attempt sorts that out.
      await rm(dir, { recursive: true, force: true }).catch(() => undefined)
    }
  }
}

/**
 * Returns `dir` once it holds a complete model of this generator version, writing one if needed. `write` fills
 * a sibling temp folder, which is renamed into place, so parallel workers never see half a model; `write` must
 * write config.json (with `_generator`) last.
 */
export async function ensureModelFolder(dir: string, generator: string, write: (staging: string) => Promise<void>): Promise<string> {
  if (await isComplete(dir, generator)) return dir
  const staging = `${dir}.tmp-${randomUUID()}`
  try {
    await write(staging)
    await moveIntoPlace(staging, dir, generator)
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
  return dir
}
