import { mulberry32 } from '../../test/helpers/onnx-build.js'

/**
 * A SentencePiece-style Unigram tokenizer of XLM-R's kind (multilingual-e5-small uses XLM-R's): specials <s>=0,
 * <pad>=1, </s>=2, <unk>=3 and <mask> last, `▁` Metaspace pre-tokenizer, `<s> $A </s>` template. Its pieces are
 * learnt roughly from a corpus (the repository's German and English texts): frequent words whole, frequent
 * substrings as subwords, every character seen, each scored by the log of its frequency as a unigram model would;
 * then non-Latin filler pieces, scored below all of those, up to the vocabulary size, as XLM-R's other 90-odd
 * languages fill its table. Tokenizing costs what the real one costs per piece; segmentations are only similar.
 *
 * The normaliser is typed `Precompiled` with an empty charsmap: transformers.js 2.17 never reads the charsmap
 * and applies its built-in nmt_nfkc rules, so the runtime path equals the real file's. (The Rust tokenizers
 * library would reject an empty charsmap; the real one, from sentencepiece.bpe.model, cannot be reproduced.)
 */
export interface UnigramOptions {
  /** Texts the pieces are learnt from. */
  corpus: string[]
  /** Pieces in the vocabulary, specials included (XLM-R: 250 002). */
  size: number
  /** Words seen this often become whole pieces. */
  minWordCount: number
  /** Most frequent substrings (2-6 characters) kept as subword pieces. */
  subwords: number
}

const printableAscii = Array.from({ length: 94 }, (_, index) => String.fromCharCode(33 + index))
const specials = ['<s>', '<pad>', '</s>', '<unk>']
const mask = '<mask>'
const space = '\u2581'

function countPieces(corpus: string[]): { words: Map<string, number>; substrings: Map<string, number>; characters: Set<string> } {
  const words = new Map<string, number>()
  const characters = new Set<string>()
  for (const text of corpus) {
    for (const word of text.normalize('NFKC').split(/\s+/)) {
      // Punctuation splits off as its own pieces, as XLM-R's vocabulary mostly has it.
      for (const part of word.split(/([^\p{L}\p{N}]+)/u)) {
        if (!part) continue
        for (const character of part) characters.add(character)
        if (/^[\p{L}\p{N}]/u.test(part)) words.set(part, (words.get(part) ?? 0) + 1)
      }
    }
  }
  const substrings = new Map<string, number>()
  for (const [word, count] of words) {
    const marked = space + word
    for (let start = 0; start < marked.length; start++) {
      for (let length = 2; length <= 6 && start + length <= marked.length; length++) {
        const piece = marked.slice(start, start + length)
        if (piece === marked) continue
        substrings.set(piece, (substrings.get(piece) ?? 0) + count)
      }
    }
  }
  return { words, substrings, characters }
}

const fillerScripts: [number, number][] = [
  [0x0430, 0x044f], // Cyrillic
  [0x03b1, 0x03c9], // Greek
  [0x0627, 0x064a], // Arabic
  [0x05d0, 0x05ea], // Hebrew
  [0x0905, 0x0939], // Devanagari
  [0x0e01, 0x0e2e], // Thai
  [0xac00, 0xd7a3], // Hangul syllables
  [0x4e00, 0x9fff], // CJK
]

function* fillerPieces(seed: number): Generator<string> {
  const next = mulberry32(seed)
  for (;;) {
    const [from, to] = fillerScripts[next() % fillerScripts.length]!
    const length = 1 + (next() % (from >= 0xac00 ? 3 : 6))
    let piece = next() % 2 ? space : ''
    for (let index = 0; index < length; index++) piece += String.fromCodePoint(from + (next() % (to - from + 1)))
    yield piece
  }
}

/** Corpus pieces and how often each is seen: the alphabet always, then the most frequent words and substrings. */
function corpusPieces(options: UnigramOptions): Map<string, number> {
  const { words, substrings, characters } = countPieces(options.corpus)
  // Every character, alone and word-initially, so nothing seen becomes <unk>; these stay in any vocabulary size.
  const alphabet = new Set([...characters, ...printableAscii, ...'äöüÄÖÜßéèêàáçñ€§°«»„“”‘’–—…'])
  const counts = new Map<string, number>([[space, 1]])
  for (const character of alphabet) for (const piece of [character, space + character]) counts.set(piece, 1)
  const candidates = new Map<string, number>()
  const propose = (piece: string, count: number) => candidates.set(piece, Math.max(candidates.get(piece) ?? 0, count))
  for (const [word, count] of words) {
    if (count < options.minWordCount) continue
    propose(space + word, count)
    // Case variants, rarer, as a cased vocabulary has them for frequent words ("▁Ticket", "▁ticket", "▁TICKET").
    const lower = word.toLowerCase()
    for (const variant of [lower, lower.charAt(0).toUpperCase() + lower.slice(1), word.toUpperCase()]) propose(space + variant, count / 4)
  }
  for (const [piece, count] of [...substrings].sort(byCount).slice(0, options.subwords)) propose(piece, count)
  const budget = options.size - specials.length - 1 - counts.size
  if (budget < 0) throw new Error(`a vocabulary of ${options.size} pieces cannot hold the corpus's ${counts.size} characters`)
  for (const [piece, count] of [...candidates].sort(byCount).slice(0, budget)) counts.set(piece, Math.max(counts.get(piece) ?? 0, count))
  return counts
}

/** Pieces with scores (log frequency, as a unigram model's), best first, specials in their XLM-R places. */
export function learnPieces(options: UnigramOptions): [string, number][] {
  const counts = corpusPieces(options)
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0)
  const learnt = [...counts].sort(byCount).map(([piece, count]): [string, number] => [piece, Math.log(count / total)])
  const pieces: [string, number][] = [...specials.map((piece): [string, number] => [piece, 0]), ...learnt]
  const seen = new Set(pieces.map(([piece]) => piece))
  const lowest = learnt.at(-1)![1]
  const fill = options.size - pieces.length - 1
  const filler = fillerPieces(options.size)
  const noise = mulberry32(options.size + 1)
  for (let index = 0; index < fill; ) {
    const piece = filler.next().value!
    if (seen.has(piece)) continue
    seen.add(piece)
    // Descending below the corpus pieces, with the float noise a trained model's scores have.
    pieces.push([piece, lowest - 1 - (8 * index) / fill - noise() / 2 ** 42])
    index++
  }
  pieces.push([mask, 0])
  return pieces
}

const byCount = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)

const added = (id: number, content: string) => ({
  id,
  content,
  single_word: false,
  lstrip: content === mask,
  rstrip: false,
  normalized: false,
  special: true,
})

/** tokenizer.json in the layout the Hugging Face tokenizers library writes for XLM-R. */
export function unigramTokenizerJson(pieces: [string, number][]) {
  const special = (token: string) => ({ SpecialToken: { id: token, type_id: 0 } })
  const sequence = (id: 'A' | 'B') => ({ Sequence: { id, type_id: 0 } })
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [...specials.map((token, id) => added(id, token)), added(pieces.length - 1, mask)],
    normalizer: { type: 'Precompiled', precompiled_charsmap: '' },
    pre_tokenizer: { type: 'Metaspace', replacement: space, add_prefix_space: true, prepend_scheme: 'always' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('<s>'), sequence('A'), special('</s>')],
      pair: [special('<s>'), sequence('A'), special('</s>'), special('</s>'), sequence('B'), special('</s>')],
      special_tokens: {
        '<s>': { id: '<s>', ids: [0], tokens: ['<s>'] },
        '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] },
      },
    },
    decoder: { type: 'Metaspace', replacement: space, add_prefix_space: true, prepend_scheme: 'always' },
    model: { type: 'Unigram', unk_id: 3, vocab: pieces },
  }
}

/** tokenizer_config.json as Xenova/multilingual-e5-small has it (XLMRobertaTokenizer, 512 tokens). */
export const unigramTokenizerConfig = {
  bos_token: '<s>',
  clean_up_tokenization_spaces: true,
  cls_token: '<s>',
  eos_token: '</s>',
  mask_token: { __type: 'AddedToken', content: mask, lstrip: true, normalized: true, rstrip: false, single_word: false },
  model_max_length: 512,
  pad_token: '<pad>',
  sep_token: '</s>',
  sp_model_kwargs: {},
  tokenizer_class: 'XLMRobertaTokenizer',
  unk_token: '<unk>',
}
