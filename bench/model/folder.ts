import { ensureTinyModel } from '../../test/helpers/tiny-model.js'
import type { ModelKind } from './args.js'
import { ensureStandInModel } from './stand-in.js'

/** A model folder as EMBEDDINGS_MODEL_DIR takes it, and the model name its embedding space records. */
export interface ModelFolder {
  kind: ModelKind
  dir: string
  /** Named like the real model where it stands in for it, so the e5 prefixes ("query: ") apply as they would. */
  name: string
}

/** The one place that knows where each model comes from; the benchmark switches models here only. */
export async function modelFolder(kind: ModelKind): Promise<ModelFolder> {
  if (kind === 'tiny') return { kind, dir: await ensureTinyModel(), name: 'tiny-bert' }
  return { kind, dir: await ensureStandInModel(), name: 'stand-in/multilingual-e5-small' }
}
