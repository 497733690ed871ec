// The subset of onnx.proto (ONNX IR, https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) that
// wasmgrad reads and writes, as a protobufjs JSON descriptor for protobufjs/light: no .proto parser
// in the bundle. Field numbers are the spec's; fields we never read are left out, which protobuf
// decoding tolerates (unknown fields are skipped), and which a written model does not need.
export const onnxSchema = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { id: 1, type: 'int64' },
            producerName: { id: 2, type: 'string' },
            producerVersion: { id: 3, type: 'string' },
            docString: { id: 6, type: 'string' },
            graph: { id: 7, type: 'GraphProto' },
            opsetImport: { id: 8, rule: 'repeated', type: 'OperatorSetIdProto' },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { id: 1, type: 'string' },
            version: { id: 2, type: 'int64' },
          },
        },
        GraphProto: {
          fields: {
            node: { id: 1, rule: 'repeated', type: 'NodeProto' },
            name: { id: 2, type: 'string' },
            initializer: { id: 5, rule: 'repeated', type: 'TensorProto' },
            input: { id: 11, rule: 'repeated', type: 'ValueInfoProto' },
            output: { id: 12, rule: 'repeated', type: 'ValueInfoProto' },
            valueInfo: { id: 13, rule: 'repeated', type: 'ValueInfoProto' },
          },
        },
        NodeProto: {
          fields: {
            input: { id: 1, rule: 'repeated', type: 'string' },
            output: { id: 2, rule: 'repeated', type: 'string' },
            name: { id: 3, type: 'string' },
            opType: { id: 4, type: 'string' },
            attribute: { id: 5, rule: 'repeated', type: 'AttributeProto' },
            domain: { id: 7, type: 'string' },
          },
        },
        AttributeProto: {
          fields: {
            name: { id: 1, type: 'string' },
            f: { id: 2, type: 'float' },
            i: { id: 3, type: 'int64' },
            s: { id: 4, type: 'bytes' },
            t: { id: 5, type: 'TensorProto' },
            g: { id: 6, type: 'GraphProto' },
            floats: { id: 7, rule: 'repeated', type: 'float' },
            ints: { id: 8, rule: 'repeated', type: 'int64' },
            strings: { id: 9, rule: 'repeated', type: 'bytes' },
            tensors: { id: 10, rule: 'repeated', type: 'TensorProto' },
            graphs: { id: 11, rule: 'repeated', type: 'GraphProto' },
            type: { id: 20, type: 'int32' },
            refAttrName: { id: 21, type: 'string' },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { id: 1, type: 'string' },
            type: { id: 2, type: 'TypeProto' },
          },
        },
        TypeProto: {
          fields: {
            tensorType: { id: 1, type: 'TypeProtoTensor' },
            sequenceType: { id: 4, type: 'TypeProtoSequence' },
            optionalType: { id: 9, type: 'TypeProtoOptional' },
          },
        },
        TypeProtoTensor: {
          fields: {
            elemType: { id: 1, type: 'int32' },
            shape: { id: 2, type: 'TensorShapeProto' },
          },
        },
        TypeProtoSequence: {
          fields: { elemType: { id: 1, type: 'TypeProto' } },
        },
        TypeProtoOptional: {
          fields: { elemType: { id: 1, type: 'TypeProto' } },
        },
        TensorShapeProto: {
          fields: { dim: { id: 1, rule: 'repeated', type: 'Dimension' } },
        },
        Dimension: {
          fields: {
            dimValue: { id: 1, type: 'int64' },
            dimParam: { id: 2, type: 'string' },
          },
        },
        TensorProto: {
          fields: {
            dims: { id: 1, rule: 'repeated', type: 'int64' },
            dataType: { id: 2, type: 'int32' },
            floatData: { id: 4, rule: 'repeated', type: 'float' },
            int32Data: { id: 5, rule: 'repeated', type: 'int32' },
            stringData: { id: 6, rule: 'repeated', type: 'bytes' },
            int64Data: { id: 7, rule: 'repeated', type: 'int64' },
            name: { id: 8, type: 'string' },
            rawData: { id: 9, type: 'bytes' },
            doubleData: { id: 10, rule: 'repeated', type: 'double' },
            uint64Data: { id: 11, rule: 'repeated', type: 'uint64' },
            externalData: { id: 13, rule: 'repeated', type: 'StringStringEntryProto' },
            dataLocation: { id: 14, type: 'int32' },
          },
        },
        StringStringEntryProto: {
          fields: {
            key: { id: 1, type: 'string' },
            value: { id: 2, type: 'string' },
          },
        },
      },
    },
  },
};
