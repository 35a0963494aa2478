import {
  type Attribute,
  DataType,
  intAttribute,
  intsAttribute,
  type NodeProto,
  node,
  type OnnxModelParts,
  onnx,
  type TensorSpec,
  tensor,
  tensorAttribute,
  valueInfo,
} from '../../test/helpers/onnx-build.js'

/** The shape of a BERT encoder, in config.json's terms. */
export interface BertSpec {
  vocabSize: number
  hiddenSize: number
  layers: number
  heads: number
  intermediateSize: number
  maxPositions: number
  typeVocabSize: number
  layerNormEps: number
}

// Weights ~ uniform with standard deviation 0.02 (config.json's initializer_range): range = 0.02 * sqrt(3).
const weightRange = 0.02 * Math.sqrt(3)
// int8 weights as quantize_dynamic writes them with reduce_range: 7 bits, -64..63 (standard deviation about 37).
const int8Range = 64
const int8Scale = 0.02 / 37

/**
 * Builds the encoder graph node by node in the order and form a PyTorch (opset 11) export of BertModel takes,
 * the form Xenova's optimum export of multilingual-e5-small has: LayerNorm decomposed (ReduceMean, Sub, Pow,
 * Sqrt, Div, Mul, Add), Erf GELU, head reshapes whose target shapes come from Shape -> Gather -> Unsqueeze ->
 * Concat, the extended mask (1 - mask) * float32-min, position ids sliced from a constant. With `quantized`,
 * every weight MatMul becomes what onnxruntime's quantize_dynamic (per_channel, QInt8) writes, and the three
 * embedding Gathers read int8 tables followed by DequantizeLinear.
 */
class BertGraphBuilder {
  readonly nodes: NodeProto[] = []
  readonly initializers: TensorSpec[] = []
  private counter = 0
  private seed = 1
  private readonly quantizedInputs = new Map<string, [string, string, string]>()

  constructor(
    private readonly spec: BertSpec,
    private readonly quantized: boolean,
  ) {}

  op(opType: string, inputs: string[], attributes: Attribute[] = [], outputs = 1): string[] {
    const names = Array.from({ length: outputs }, (_, index) => `/${opType}_${this.counter}${outputs > 1 ? `_${index}` : ''}`)
    this.counter++
    this.nodes.push(node(opType, inputs, names, attributes))
    return names
  }

  one(opType: string, inputs: string[], attributes: Attribute[] = []): string {
    return this.op(opType, inputs, attributes)[0]!
  }

  constant(dataType: number, dims: number[], values: ArrayBufferView): string {
    return this.one('Constant', [], [tensorAttribute('value', tensor('', dataType, dims, values))])
  }

  floatConstant(value: number): string {
    return this.constant(DataType.FLOAT, [], new Float32Array([value]))
  }

  intConstant(values: number[], dims: number[] = [values.length]): string {
    return this.constant(DataType.INT64, dims, BigInt64Array.from(values, BigInt))
  }

  initializer(name: string, dims: number[], fill: 'weight' | 'int8' | 'zeros' | 'ones' | number, dataType = DataType.FLOAT): string {
    if (fill === 'weight') this.initializers.push({ name, dataType, dims, kind: 'uniform', seed: this.seed++, range: weightRange })
    else if (fill === 'int8')
      this.initializers.push({ name, dataType: DataType.INT8, dims, kind: 'int8', seed: this.seed++, range: int8Range })
    else this.initializers.push({ name, dataType, dims, kind: 'fill', value: fill === 'zeros' ? 0 : fill === 'ones' ? 1 : fill })
    return name
  }

  embedding(name: string, rows: number, ids: string): string {
    const dims = [rows, this.spec.hiddenSize]
    if (!this.quantized) return this.one('Gather', [this.initializer(name, dims, 'weight'), ids], [intAttribute('axis', 0)])
    const gathered = this.one('Gather', [this.initializer(`${name}_quantized`, dims, 'int8'), ids], [intAttribute('axis', 0)])
    const scale = this.initializer(`${name}_scale`, [], int8Scale)
    return this.one('DequantizeLinear', [gathered, scale, this.initializer(`${name}_zero_point`, [], 'zeros', DataType.INT8)])
  }

  /** x @ W + b; quantised as DynamicQuantizeLinear (shared by MatMuls reading the same input) -> MatMulInteger -> Cast -> Mul. */
  linear(input: string, name: string, inputSize: number, outputSize: number): string {
    const bias = this.initializer(`${name}.bias`, [outputSize], 'zeros')
    if (!this.quantized)
      return this.one('Add', [this.one('MatMul', [input, this.initializer(`${name}.weight_t`, [inputSize, outputSize], 'weight')]), bias])
    let quantizedInput = this.quantizedInputs.get(input)
    if (!quantizedInput) {
      quantizedInput = this.op('DynamicQuantizeLinear', [input], [], 3) as [string, string, string]
      this.quantizedInputs.set(input, quantizedInput)
    }
    const [inputQ, inputScale, inputZero] = quantizedInput
    const weight = this.initializer(`${name}.weight_t_quantized`, [inputSize, outputSize], 'int8')
    const weightScale = this.initializer(`${name}.weight_t_scale`, [outputSize], int8Scale)
    const weightZero = this.initializer(`${name}.weight_t_zero_point`, [outputSize], 'zeros', DataType.INT8)
    const product = this.one('MatMulInteger', [inputQ, weight, inputZero, weightZero])
    const asFloat = this.one('Cast', [product], [intAttribute('to', DataType.FLOAT)])
    const scale = this.one('Mul', [inputScale, weightScale])
    return this.one('Add', [this.one('Mul', [asFloat, scale]), bias])
  }

  layerNorm(input: string, name: string): string {
    const mean = this.one('ReduceMean', [input], [intsAttribute('axes', [-1])])
    const centred = this.one('Sub', [input, mean])
    const squared = this.one('Pow', [centred, this.floatConstant(2)])
    const variance = this.one('ReduceMean', [squared], [intsAttribute('axes', [-1])])
    const deviation = this.one('Sqrt', [this.one('Add', [variance, this.floatConstant(this.spec.layerNormEps)])])
    const scaled = this.one('Mul', [
      this.one('Div', [centred, deviation]),
      this.initializer(`${name}.weight`, [this.spec.hiddenSize], 'ones'),
    ])
    return this.one('Add', [scaled, this.initializer(`${name}.bias`, [this.spec.hiddenSize], 'zeros')])
  }

  /** The dimension `index` of x as a 1-D int64 tensor: Shape -> Gather -> Unsqueeze, as the export traces x.size(i). */
  dimension(x: string, index: number): string {
    const size = this.one('Gather', [this.one('Shape', [x]), this.intConstant([index], [])], [intAttribute('axis', 0)])
    return this.one('Unsqueeze', [size], [intsAttribute('axes', [0])])
  }

  reshape(x: string, tail: number[]): string {
    const shape = this.one(
      'Concat',
      [this.dimension(x, 0), this.dimension(x, 1), ...tail.map((size) => this.intConstant([size]))],
      [intAttribute('axis', 0)],
    )
    return this.one('Reshape', [x, shape])
  }

  gelu(x: string): string {
    const erf = this.one('Erf', [this.one('Div', [x, this.floatConstant(Math.SQRT2)])])
    return this.one('Mul', [this.one('Mul', [x, this.one('Add', [erf, this.floatConstant(1)])]), this.floatConstant(0.5)])
  }
}

function embeddings(b: BertGraphBuilder, spec: BertSpec): string {
  const sequenceLength = b.dimension('input_ids', 1)
  const positionTable = b.intConstant(
    Array.from({ length: spec.maxPositions }, (_, index) => index),
    [1, spec.maxPositions],
  )
  const positionIds = b.one('Slice', [positionTable, b.intConstant([0]), sequenceLength, b.intConstant([1]), b.intConstant([1])])
  const words = b.embedding('embeddings.word_embeddings.weight', spec.vocabSize, 'input_ids')
  const types = b.embedding('embeddings.token_type_embeddings.weight', spec.typeVocabSize, 'token_type_ids')
  const positions = b.embedding('embeddings.position_embeddings.weight', spec.maxPositions, positionIds)
  return b.layerNorm(b.one('Add', [b.one('Add', [words, types]), positions]), 'embeddings.LayerNorm')
}

function extendedMask(b: BertGraphBuilder): string {
  const unsqueezed = b.one(
    'Unsqueeze',
    [b.one('Unsqueeze', ['attention_mask'], [intsAttribute('axes', [1])])],
    [intsAttribute('axes', [2])],
  )
  const inverted = b.one('Sub', [b.floatConstant(1), b.one('Cast', [unsqueezed], [intAttribute('to', DataType.FLOAT)])])
  return b.one('Mul', [inverted, b.floatConstant(-3.4028234663852886e38)])
}

function layer(b: BertGraphBuilder, spec: BertSpec, hidden: string, mask: string, index: number): string {
  const name = `encoder.layer.${index}`
  const headSize = spec.hiddenSize / spec.heads
  const heads = (x: string, perm: number[]) => b.one('Transpose', [b.reshape(x, [spec.heads, headSize])], [intsAttribute('perm', perm)])
  const query = heads(b.linear(hidden, `${name}.attention.self.query`, spec.hiddenSize, spec.hiddenSize), [0, 2, 1, 3])
  const key = heads(b.linear(hidden, `${name}.attention.self.key`, spec.hiddenSize, spec.hiddenSize), [0, 2, 3, 1])
  const value = heads(b.linear(hidden, `${name}.attention.self.value`, spec.hiddenSize, spec.hiddenSize), [0, 2, 1, 3])
  const scores = b.one('Add', [b.one('Div', [b.one('MatMul', [query, key]), b.floatConstant(Math.sqrt(headSize))]), mask])
  const probabilities = b.one('Softmax', [scores], [intAttribute('axis', 3)])
  const context = b.one('Transpose', [b.one('MatMul', [probabilities, value])], [intsAttribute('perm', [0, 2, 1, 3])])
  const attended = b.linear(b.reshape(context, [spec.hiddenSize]), `${name}.attention.output.dense`, spec.hiddenSize, spec.hiddenSize)
  const attention = b.layerNorm(b.one('Add', [attended, hidden]), `${name}.attention.output.LayerNorm`)
  const intermediate = b.gelu(b.linear(attention, `${name}.intermediate.dense`, spec.hiddenSize, spec.intermediateSize))
  const output = b.linear(intermediate, `${name}.output.dense`, spec.intermediateSize, spec.hiddenSize)
  return b.layerNorm(b.one('Add', [output, attention]), `${name}.output.LayerNorm`)
}

/** The whole model: inputs and output named as the published export names them; opset 11, IR version 6 as it has. */
export function buildBertGraph(spec: BertSpec, { quantized }: { quantized: boolean }): OnnxModelParts {
  const b = new BertGraphBuilder(spec, quantized)
  const mask = extendedMask(b)
  let hidden = embeddings(b, spec)
  for (let index = 0; index < spec.layers; index++) hidden = layer(b, spec, hidden, mask, index)
  // The last LayerNorm's Add writes the graph output directly, as in the export (no Identity node).
  b.nodes.at(-1)!.output = ['last_hidden_state']
  const inputs = ['input_ids', 'attention_mask', 'token_type_ids'].map((name) =>
    valueInfo(name, DataType.INT64, ['batch_size', 'sequence_length']),
  )
  const graph = onnx.GraphProto.create({
    name: 'main_graph',
    node: b.nodes,
    input: inputs,
    output: [valueInfo('last_hidden_state', DataType.FLOAT, ['batch_size', 'sequence_length', spec.hiddenSize])],
  })
  return { graph, initializers: b.initializers, irVersion: 6, opsetVersion: 11, producerName: quantized ? 'onnx.quantize' : 'pytorch' }
}
