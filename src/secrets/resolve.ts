import type { Config } from '../config.js'
import type { Logger } from '../logger.js'
import { decodeSecretsKey, generateSecretsKey } from './key.js'
import { createSecretBox, type SecretBox } from './secret-box.js'

/**
 * Where the embedded default keeps its generated secrets key (a file beside the data on Node). A key
 * `pending` is one a rotation chose but had not yet made current when it stopped.
 */
export interface SecretsKeyStore {
  /** Where the key lives, for messages. */
  readonly location: string
  read(): Promise<string | undefined>
  /** Stores a new key readable by the owner only; fails when one exists. */
  create(key: string): Promise<void>
  readPending(): Promise<string | undefined>
  writePending(key: string): Promise<void>
  /** Makes the pending key the current one, atomically. */
  promotePending(): Promise<void>
}

/**
 * The secret box for this process: SECRETS_KEY (and SECRETS_KEY_PREVIOUS) when set; otherwise the
 * embedded default's key file, created on first start. Config refuses DATABASE_URL without SECRETS_KEY.
 */
export async function resolveSecretBox(config: Pick<Config, 'secrets'>, store: SecretsKeyStore, logger: Logger): Promise<SecretBox> {
  if (config.secrets.key) {
    return createSecretBox({ current: config.secrets.key, previous: config.secrets.previousKey ? [config.secrets.previousKey] : [] })
  }
  const pending = await store.readPending()
  let stored = await store.read()
  if (!stored) {
    stored = generateSecretsKey()
    await store.create(stored)
    logger.warn(
      { keyFile: store.location },
      'generated the key that encrypts stored webhook secrets and helpdesk tokens; back it up with the data folder (without it they cannot be read), or set SECRETS_KEY in production',
    )
  } else {
    logger.info(
      { keyFile: store.location },
      'stored secrets are encrypted with the key file; back it up with the data folder, or set SECRETS_KEY',
    )
  }
  return createSecretBox({
    current: keyFrom(stored, store.location),
    previous: pending ? [keyFrom(pending, `${store.location} (pending)`)] : [],
  })
}

export function keyFrom(text: string, location: string): Uint8Array {
  const key = decodeSecretsKey(text)
  if (!key) throw new Error(`${location} does not hold a secrets key (32 bytes as base64 or hex).`)
  return key
}
