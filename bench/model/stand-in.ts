import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureModelFolder } from '../../test/helpers/model-folder.js'
import { type OnnxModelParts, writeOnnxModel } from '../../test/helpers/onnx-build.js'
import { type BertSpec, buildBertGraph } from './bert-graph.js'
import { learnPieces, unigramTokenizerConfig, unigramTokenizerJson } from './unigram-tokenizer.js'

/**
 * A full-size stand-in for Xenova/multilingual-e5-small: the same architecture, graph and input/output names in
 * fp32 and int8, random weights, and a Unigram tokenizer of XLM-R's kind and size. A transformer's cost does not
 * depend on its weights' values, so benchmarks measure with it what the real model would cost; its vectors mean
 * nothing. Generated on demand (about 590 MB), never committed. Bump the version when the output changes.
 */
const generatorVersion = 3
const generator = `inquiry-triage/e5-small-stand-in@${generatorVersion}`
const root = fileURLToPath(new URL('../../', import.meta.url))
const cacheFolder = join(root, 'node_modules/.cache/inquiry-triage/models')

/** config.json of Xenova/multilingual-e5-small (checked against the published file). */
export const e5SmallSpec: BertSpec = {
  vocabSize: 250_037,
  hiddenSize: 384,
  layers: 12,
  heads: 12,
  intermediateSize: 1536,
  maxPositions: 512,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
}
/**
 * The tokenizer is XLM-R's, 250 002 pieces; the embedding table has 35 more rows (ids 250 002-250 036), unused,
 * inherited from Multilingual-MiniLM. The stand-in keeps both sizes.
 */
export const xlmrTokenizerSize = 250_002

export interface StandInOptions {
  /** Encoder layers (default 12); fewer only to keep tests fast. */
  layers?: number
  /** Embedding rows and, up to 250 002, tokenizer pieces (default 250 037); fewer only to keep tests fast. */
  vocabSize?: number
}

export function standInSpec(options: StandInOptions = {}): BertSpec {
  return { ...e5SmallSpec, layers: options.layers ?? e5SmallSpec.layers, vocabSize: options.vocabSize ?? e5SmallSpec.vocabSize }
}

/** The two graphs (fp32, int8) as they will be written, without writing them: for counting parameters and operators. */
export function standInGraphs(options: StandInOptions = {}): { fp32: OnnxModelParts; int8: OnnxModelParts } {
  const spec = standInSpec(options)
  return { fp32: buildBertGraph(spec, { quantized: false }), int8: buildBertGraph(spec, { quantized: true }) }
}

export function standInFolderName(options: StandInOptions = {}): string {
  const spec = standInSpec(options)
  const shrunk = spec.layers !== e5SmallSpec.layers || spec.vocabSize !== e5SmallSpec.vocabSize
  return `multilingual-e5-small-stand-in${shrunk ? `-l${spec.layers}-v${spec.vocabSize}` : ''}@${generatorVersion}`
}

/**
 * The texts the tokenizer's pieces are learnt from: the demo knowledge base and the eval cases. The triage cases
 * (test/fixtures/triage-cases.json) are left out, so tokens per word can be measured on text it has not seen.
 */
export async function tokenizerCorpus(): Promise<string[]> {
  const demo = join(root, 'src/knowledge/demo')
  const articles = await Promise.all(
    (await readdir(demo)).filter((file) => file.endsWith('.md')).map((file) => readFile(join(demo, file), 'utf8')),
  )
  const cases = (await readFile(join(root, 'eval/cases.jsonl'), 'utf8'))
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const { subject, body } = JSON.parse(line) as { subject?: string; body: string }
      return `${subject ?? ''}\n${body}`
    })
  return [...articles, ...cases]
}

function modelConfig(spec: BertSpec) {
  return {
    _generator: generator,
    _note: 'Stand-in with random weights for benchmarks; its vectors mean nothing.',
    _name_or_path: 'intfloat/multilingual-e5-small',
    architectures: ['BertModel'],
    attention_probs_dropout_prob: 0.1,
    classifier_dropout: null,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    hidden_size: spec.hiddenSize,
    initializer_range: 0.02,
    intermediate_size: spec.intermediateSize,
    layer_norm_eps: spec.layerNormEps,
    max_position_embeddings: spec.maxPositions,
    model_type: 'bert',
    num_attention_heads: spec.heads,
    num_hidden_layers: spec.layers,
    pad_token_id: 0,
    position_embedding_type: 'absolute',
    tokenizer_class: 'XLMRobertaTokenizer',
    type_vocab_size: spec.typeVocabSize,
    use_cache: true,
    vocab_size: spec.vocabSize,
  }
}

/** Tuned so the held-out triage cases tokenise at about 1.4 tokens per word (bench/model-stand-in.md). */
export const tokenizerLearning = { minWordCount: 1, subwords: 6000 }

async function writeStandIn(dir: string, options: StandInOptions): Promise<void> {
  const spec = standInSpec(options)
  const pieces = learnPieces({ corpus: await tokenizerCorpus(), size: Math.min(spec.vocabSize, xlmrTokenizerSize), ...tokenizerLearning })
  const graphs = standInGraphs(options)
  await mkdir(join(dir, 'onnx'), { recursive: true })
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(unigramTokenizerJson(pieces), null, 2))
  await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(unigramTokenizerConfig, null, 2))
  await writeOnnxModel(join(dir, 'onnx/model.onnx'), graphs.fp32)
  await writeOnnxModel(join(dir, 'onnx/model_quantized.onnx'), graphs.int8)
  // config.json last: it carries the generator stamp that marks the folder complete.
  await writeFile(join(dir, 'config.json'), JSON.stringify(modelConfig(spec), null, 2))
}

/**
 * Returns a folder loadable through EMBEDDINGS_MODEL_DIR (config.json, tokenizer.json, tokenizer_config.json,
 * onnx/model.onnx, onnx/model_quantized.onnx), generating it unless this generator version already made it,
 * under node_modules/.cache/inquiry-triage/models/<name>@<version>.
 */
export function ensureStandInModel(options: StandInOptions = {}): Promise<string> {
  return ensureModelFolder(standInFolder(options), generator, (staging) => writeStandIn(staging, options))
}

/** Where ensureStandInModel() keeps the folder for these options. */
export const standInFolder = (options: StandInOptions = {}) => join(cacheFolder, standInFolderName(options))
