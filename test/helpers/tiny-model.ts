import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DataType, intAttribute, node, onnx, scalar, seededInts, tensor, valueInfo } from './onnx-build.js'
import { ensureModelFolder } from './model-folder.js'

/**
 * A tiny BERT-shaped model that @xenova/transformers loads like a real one, so the transformers embedder is
 * tested offline in a second: WordPiece tokenizer, ONNX graph Gather -> MatMul -> Tanh -> mask. Seeded, so
 * every machine generates the same bytes. Bump the version when the generator changes: stale folders are rebuilt.
 */
const generator = 'inquiry-triage/tiny-bert@1'
export const tinyHiddenSize = 384
export const defaultTinyModelDir = fileURLToPath(new URL('../fixtures/tiny-bert', import.meta.url))

const words = `
rechnung rechnungen doppelt zweimal bezahlt zahlung zahlungen bezahlen überweisung lastschrift mahnung betrag
gutschrift erstattung rückerstattung rabatt preis kosten gebühr konto kundennummer vertrag kündigung kündigen
abo abonnement tarif bestellung bestellt bestellnummer lieferung geliefert versand paket sendung verspätet
rücksendung retoure umtausch garantie gewährleistung reparatur defekt kaputt fehler fehlercode störung
waschmaschine trockner spülmaschine geschirrspüler kühlschrank backofen herd kaffeemaschine staubsauger
entkalken entkalkung wasser pumpe trommel tür dichtung schlauch filter sieb motor heizung display anzeige taste
strom stecker kabel router modem wlan internet verbindung netzwerk passwort anmeldung login firmware update
software app handy drucker techniker termin adresse telefon frage hilfe bitte danke hallo guten tag freundlichen
grüßen sehr geehrte damen herren mein meine ich wir sie nicht kein keine noch schon wieder immer seit heute
gestern morgen woche monat jahr und oder aber mit ohne für von bei nach der die das ein eine ist sind wurde
habe hat funktioniert geht startet läuft macht leuchtet blinkt piept leckt riecht laut zu falsch richtig neu alt
invoice invoices billed twice double charged payment payments pay refund refunds credit discount price cost fee
account customer number contract cancel cancellation subscription plan order ordered delivery delivered shipping
shipment parcel package late return exchange warranty guarantee repair broken defective error code fault issue
problem washing machine washer dryer dishwasher fridge oven coffee vacuum descale descaling water pump drum door
seal hose filter motor heating screen button power plug cable wifi connection network password login update app
phone printer technician appointment address question help please thanks hello dear regards my we you not no
still again always since today yesterday tomorrow week month year and or but with without for from the a is are
was have has works working start starts running leaking noise loud wrong new old urgent asap manager complaint
`

const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
const characters = [...'abcdefghijklmnopqrstuvwxyzäöüß0123456789']
const punctuation = [...'.,;:!?-_/\\()[]{}"\'@#%&*+=<>€$§']

/** Specials first (ids 0-4, as BERT has them), then characters so every word can be spelled, then whole words. */
export function buildTinyVocab(): Map<string, number> {
  const tokens = [...specials, ...punctuation, ...characters, ...characters.map((char) => `##${char}`), ...words.split(/\s+/)]
  const vocab = new Map<string, number>()
  for (const token of tokens) if (token && !vocab.has(token)) vocab.set(token, vocab.size)
  return vocab
}

function tokenizerJson(vocab: Map<string, number>) {
  const added = specials.map((content, id) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }))
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: false, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', cls: ['[CLS]', 2], sep: ['[SEP]', 3] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab),
    },
  }
}

const tokenizerConfig = {
  tokenizer_class: 'BertTokenizer',
  do_lower_case: true,
  strip_accents: false,
  model_max_length: 128,
  unk_token: '[UNK]',
  sep_token: '[SEP]',
  pad_token: '[PAD]',
  cls_token: '[CLS]',
  mask_token: '[MASK]',
}

function modelConfig(vocabSize: number) {
  return {
    _generator: generator,
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_size: tinyHiddenSize,
    num_hidden_layers: 1,
    num_attention_heads: 1,
    intermediate_size: tinyHiddenSize,
    max_position_embeddings: 128,
    type_vocab_size: 2,
    vocab_size: vocabSize,
    pad_token_id: 0,
  }
}

/**
 * Weights are stored as int8 and dequantised in the graph: float32 tables would make each file about 1.2 MB,
 * int8 keeps the whole folder well under 1 MB while the graph still computes in float32.
 */
export function buildTinyOnnx(vocabSize: number): Uint8Array {
  const hidden = tinyHiddenSize
  // Scales keep MatMul outputs around unit variance, so Tanh neither saturates nor flattens them.
  const initializer = [
    tensor('embeddings_q', DataType.INT8, [vocabSize, hidden], seededInts(1, vocabSize * hidden)),
    scalar('embeddings_scale', 1 / 127),
    tensor(
      'token_types',
      DataType.FLOAT,
      [2, hidden],
      new Float32Array(2 * hidden).map((_, i) => (i < hidden ? 0 : 0.1)),
    ),
    tensor('weight_q', DataType.INT8, [hidden, hidden], seededInts(2, hidden * hidden)),
    scalar('weight_scale', Math.sqrt(3 / hidden) / 127),
    tensor('zero', DataType.INT8, [], new Int8Array([0])),
    tensor('last_axis', DataType.INT64, [1], new BigInt64Array([-1n])),
  ]
  const nodes = [
    node('DequantizeLinear', ['embeddings_q', 'embeddings_scale', 'zero'], ['embeddings']),
    node('Gather', ['embeddings', 'input_ids'], ['token_vectors'], [intAttribute('axis', 0)]),
    node('Gather', ['token_types', 'token_type_ids'], ['type_vectors'], [intAttribute('axis', 0)]),
    node('Add', ['token_vectors', 'type_vectors'], ['summed']),
    node('DequantizeLinear', ['weight_q', 'weight_scale', 'zero'], ['weight']),
    node('MatMul', ['summed', 'weight'], ['projected']),
    node('Tanh', ['projected'], ['activated']),
    node('Cast', ['attention_mask'], ['mask_float'], [intAttribute('to', DataType.FLOAT)]),
    node('Unsqueeze', ['mask_float', 'last_axis'], ['mask_3d']),
    node('Mul', ['activated', 'mask_3d'], ['last_hidden_state']),
  ]
  const inputs = ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => valueInfo(name, DataType.INT64, ['batch', 'sequence']))
  const graph = onnx.GraphProto.create({
    name: 'tiny-bert',
    node: nodes,
    initializer,
    input: inputs,
    output: [valueInfo('last_hidden_state', DataType.FLOAT, ['batch', 'sequence', hidden])],
  })
  const model = onnx.ModelProto.create({ irVersion: 7, producerName: generator, opsetImport: [{ domain: '', version: 13 }], graph })
  return onnx.ModelProto.encode(model).finish()
}

async function writeModel(dir: string): Promise<void> {
  const vocab = buildTinyVocab()
  const graph = buildTinyOnnx(vocab.size)
  await mkdir(join(dir, 'onnx'), { recursive: true })
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)))
  await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2))
  await writeFile(join(dir, 'onnx/model.onnx'), graph)
  await writeFile(join(dir, 'onnx/model_quantized.onnx'), graph)
  // config.json last: it carries the generator stamp that marks the folder complete.
  await writeFile(join(dir, 'config.json'), JSON.stringify(modelConfig(vocab.size), null, 2))
}

/**
 * Generates the tiny model folder unless a complete one of this generator version is there, and returns its path.
 * Builds in a sibling temp folder and renames it into place, so parallel test workers never see half a model.
 */
export function ensureTinyModel(dir: string = defaultTinyModelDir): Promise<string> {
  return ensureModelFolder(dir, generator, writeModel)
}
