/**
 * Figures of the published Xenova/multilingual-e5-small files, which cannot be downloaded here, and where each
 * comes from. The int8 census is published (an ONNX analysis of the file whose SHA-256 is the published one);
 * no census of the fp32 file was found, so its operator counts are derived from the int8 census by undoing what
 * onnxruntime's quantize_dynamic rewrites, and said to be derived.
 */
export const publishedSources = {
  files: 'huggingface.co/Xenova/multilingual-e5-small/tree/main/onnx (file listing: model.onnx 470 MB, model_quantized.onnx 118 MB)',
  int8Census:
    'github.com/ergosumx/tokenx examples/.models/multilingual-e5-small/VALIDATION_REPORT.json (model_quantized.onnx, SHA-256 f80102d3…c193 as the hub lists it)',
  config: 'huggingface.co/Xenova/multilingual-e5-small/blob/main/config.json',
  quantization: 'Xenova quantize_config.json of BERT models: per_channel true, reduce_range true, weight_type QInt8',
  tokenizer: 'tokenizer.json 16 682.35 KiB (same tokenx report); XLM-R tokenizer, 250 002 tokens (github.com/microsoft/unilm/issues/313)',
}

export const publishedInt8Operators: Record<string, number> = {
  Constant: 285,
  Mul: 194,
  Add: 172,
  Gather: 100,
  Unsqueeze: 99,
  Shape: 97,
  Cast: 73,
  MatMulInteger: 72,
  ReduceMean: 50,
  Div: 49,
  DynamicQuantizeLinear: 48,
  Concat: 48,
  Reshape: 48,
  Transpose: 48,
  Sub: 26,
  Pow: 25,
  Sqrt: 25,
  MatMul: 24,
  Softmax: 12,
  Erf: 12,
  DequantizeLinear: 3,
  Slice: 1,
}

/**
 * quantize_dynamic turns each weight MatMul into MatMulInteger + Cast + 2 Mul (scale product, rescale) behind a
 * DynamicQuantizeLinear per distinct input, and each embedding Gather's table into int8 + DequantizeLinear.
 */
export function fp32OperatorsFromInt8(int8: Record<string, number>): Record<string, number> {
  const quantizedMatMuls = int8.MatMulInteger ?? 0
  const fp32: Record<string, number> = { ...int8 }
  fp32.MatMul = (fp32.MatMul ?? 0) + quantizedMatMuls
  fp32.Cast = (fp32.Cast ?? 0) - quantizedMatMuls
  fp32.Mul = (fp32.Mul ?? 0) - 2 * quantizedMatMuls
  for (const op of ['MatMulInteger', 'DynamicQuantizeLinear', 'DequantizeLinear']) delete fp32[op]
  return fp32
}

export const published = {
  fp32: {
    /** The hub lists 470 MB (three significant digits): 469.5-470.5 MB. */
    bytes: 470e6,
    bytesNote: '470 MB as the hub rounds it',
    operators: fp32OperatorsFromInt8(publishedInt8Operators),
    operatorsNote: 'derived from the int8 census',
    /** int8 parameters less the 82 950 scales and zero points quantize_dynamic adds (per channel: 2 x 3 456 per layer, x 12; 3 embedding pairs). */
    parameters: 117_588_870 - 82_950,
    inputs: ['input_ids', 'attention_mask', 'token_type_ids'],
    outputs: ['last_hidden_state'],
  },
  int8: {
    /** 112.83 MiB in the census; the hub lists 118 MB. */
    bytes: 112.83 * 2 ** 20,
    bytesNote: '112.83 MiB',
    operators: publishedInt8Operators,
    operatorsNote: 'published census',
    parameters: 117_588_870,
    initializers: 347,
    irVersion: 6,
    inputs: ['input_ids', 'attention_mask', 'token_type_ids'],
    outputs: ['last_hidden_state'],
  },
  tokenizer: { bytes: 16_682.35 * 1024, pieces: 250_002 },
  /** The PyTorch checkpoint's count: the ONNX graph plus the pooler (384 x 384 + 384), which the export drops. */
  checkpointParameters: 117_653_760,
}
