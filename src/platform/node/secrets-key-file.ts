import { chmod, mkdir, open, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Logger } from '../../logger.js'
import type { SecretsKeyStore } from '../../secrets/resolve.js'

const keyFileName = 'secrets.key'
const ownerOnly = 0o600

/** The embedded default's secrets key: `<DATA_DIR>/secrets.key`, mode 0600, beside the PGlite data. */
export function createSecretsKeyFile(dataDir: string, logger: Logger): SecretsKeyStore {
  const path = resolve(dataDir, keyFileName)
  const pendingPath = `${path}.next`
  return {
    location: path,
    read: () => readKey(path, logger),
    readPending: () => readKey(pendingPath, logger),
    async create(key) {
      await mkdir(dataDir, { recursive: true })
      await writeKey(path, key, 'wx')
    },
    writePending: (key) => writeKey(pendingPath, key, 'w'),
    promotePending: () => rename(pendingPath, path),
  }
}

async function readKey(path: string, logger: Logger): Promise<string | undefined> {
  try {
    const text = await readFile(path, 'utf8')
    if (((await stat(path)).mode & 0o077) !== 0) logger.warn({ keyFile: path }, 'the secrets key file is readable by others; chmod 600 it')
    return text.trim()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Written, flushed to disk and owner-only before anything is encrypted with it. */
async function writeKey(path: string, key: string, flag: 'w' | 'wx'): Promise<void> {
  await writeFile(path, `${key}\n`, { mode: ownerOnly, flag })
  await chmod(path, ownerOnly) // an existing file keeps its mode on 'w'; the umask may narrow but never widen
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
