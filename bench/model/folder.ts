import { ensureTinyModel } from '../../test/helpers/tiny-model.js'
import type { ModelKind } from './args.js'

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
  throw new Error('the full-size stand-in (bench/model/stand-in.ts, branch i22-model) is not merged yet; use --model tiny')
}
