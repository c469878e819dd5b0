// Writes an ONNX model file: a tiny protobuf encoder for the few messages of onnx.proto a one-node graph needs
// (ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto), because no ONNX package is a dependency here.

import { closeSync, openSync, writeSync } from 'node:fs';

export type OnnxElementType = 'float' | 'int64';

export interface OnnxTensor {
  name: string;
  dims: readonly number[];
  elemType: OnnxElementType;
  /** The values, little-endian, as onnx.proto's raw_data; several buffers are written one after another, never joined. */
  rawData: readonly Buffer[];
}

export interface OnnxValueInfo {
  name: string;
  elemType: OnnxElementType;
  /** A number is a fixed dimension, a string a named free one (`batch_size`). */
  shape: readonly (number | string)[];
}

export interface OnnxNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
}

export interface OnnxModel {
  irVersion: number;
  /** The version of the default (ai.onnx) operator set. */
  opsetVersion: number;
  producerName: string;
  graph: { name: string; nodes: readonly OnnxNode[]; initializers: readonly OnnxTensor[]; inputs: readonly OnnxValueInfo[]; outputs: readonly OnnxValueInfo[] };
}

// onnx.proto's TensorProto.DataType.
const ELEMENT_TYPE: Record<OnnxElementType, number> = { float: 1, int64: 7 };

/** A message or field as the buffers that make it up: nesting adds a header and never copies a large tensor. */
interface Encoded {
  chunks: Buffer[];
  length: number;
}

/** The model's bytes, as buffers to write in order (a tensor's raw data among them, uncopied). */
export function encodeOnnxModel(model: OnnxModel): Buffer[] {
  const { graph } = model;
  const graphProto = concat([
    ...graph.nodes.map((node) => messageField(1, encodeNode(node))),
    stringField(2, graph.name),
    ...graph.initializers.map((tensor) => messageField(5, encodeTensor(tensor))),
    ...graph.inputs.map((input) => messageField(11, encodeValueInfo(input))),
    ...graph.outputs.map((output) => messageField(12, encodeValueInfo(output))),
  ]);
  const opset = concat([stringField(1, ''), varintField(2, model.opsetVersion)]);
  return concat([varintField(1, model.irVersion), stringField(2, model.producerName), messageField(7, graphProto), messageField(8, opset)]).chunks;
}

/** Writes the model to `path`, buffer by buffer, so a large embedding table is not copied into one more buffer. */
export function writeOnnxModel(path: string, model: OnnxModel): void {
  const fd = openSync(path, 'w');
  try {
    for (const chunk of encodeOnnxModel(model)) {
      let written = 0;
      while (written < chunk.length) written += writeSync(fd, chunk, written, chunk.length - written);
    }
  } finally {
    closeSync(fd);
  }
}

function encodeNode(node: OnnxNode): Encoded {
  return concat([
    ...node.inputs.map((input) => stringField(1, input)),
    ...node.outputs.map((output) => stringField(2, output)),
    stringField(3, node.name ?? node.outputs[0] ?? node.opType),
    stringField(4, node.opType),
  ]);
}

function encodeTensor(tensor: OnnxTensor): Encoded {
  const rawLength = tensor.rawData.reduce((sum, chunk) => sum + chunk.length, 0);
  const width = tensor.elemType === 'float' ? 4 : 8;
  const count = tensor.dims.reduce((product, dim) => product * dim, 1);
  if (rawLength !== count * width) throw new RangeError(`tensor ${tensor.name}: ${rawLength} bytes of raw data for dims [${tensor.dims.join(', ')}]`);
  const rawHead = Buffer.concat([header(9, 2), varint(rawLength)]);
  return concat([
    ...tensor.dims.map((dim) => varintField(1, dim)),
    varintField(2, ELEMENT_TYPE[tensor.elemType]),
    stringField(8, tensor.name),
    { chunks: [rawHead, ...tensor.rawData], length: rawHead.length + rawLength },
  ]);
}

function encodeValueInfo(info: OnnxValueInfo): Encoded {
  const dims = info.shape.map((dim) => messageField(1, typeof dim === 'number' ? varintField(1, dim) : stringField(2, dim)));
  const tensorType = concat([varintField(1, ELEMENT_TYPE[info.elemType]), messageField(2, concat(dims))]);
  return concat([stringField(1, info.name), messageField(2, messageField(1, tensorType))]);
}

// Protobuf wire format: a field is a varint key (number << 3 | wire type), then a varint (type 0) or a length and
// bytes (type 2).

function varintField(field: number, value: number): Encoded {
  const bytes = Buffer.concat([header(field, 0), varint(value)]);
  return { chunks: [bytes], length: bytes.length };
}

function stringField(field: number, value: string): Encoded {
  const text = Buffer.from(value, 'utf8');
  const bytes = Buffer.concat([header(field, 2), varint(text.length), text]);
  return { chunks: [bytes], length: bytes.length };
}

function messageField(field: number, message: Encoded): Encoded {
  const head = Buffer.concat([header(field, 2), varint(message.length)]);
  return { chunks: [head, ...message.chunks], length: head.length + message.length };
}

function concat(parts: readonly Encoded[]): Encoded {
  return { chunks: parts.flatMap((part) => part.chunks), length: parts.reduce((sum, part) => sum + part.length, 0) };
}

function header(field: number, wireType: 0 | 2): Buffer {
  return varint(field * 8 + wireType);
}

/** A non-negative integer up to 2^53 as a protobuf varint (seven bits a byte, low bits first). */
function varint(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a varint: ${value}`);
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
