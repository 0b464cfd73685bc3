//===- GraphBase.td - aicc graph dialect definition --------*- tablegen -*-===//
//
// The graph dialect is aicc's normalized set of tensor operations: the ops the
// compiler reasons about between the ONNX importer and linalg.
//
//===----------------------------------------------------------------------===//

#ifndef AICC_DIALECT_GRAPH_BASE
#define AICC_DIALECT_GRAPH_BASE

include "mlir/IR/OpBase.td"

def Graph_Dialect : Dialect {
  let name = "graph";
  let cppNamespace = "::aicc::graph";
  let summary = "aicc's tensor-level graph dialect";
  let description = [{
    The graph dialect holds a model as a function over ranked tensors. Its ops
    are the normalized semantic set aicc optimizes, not a copy of ONNX: several
    ONNX ops may map onto one graph op with attributes, and some ONNX ops
    decompose into several graph ops. Every op carries the ONNX node's name as
    its location, so every diagnostic names the node.

    Integer tensors keep ONNX's signedness in the type: signed integers are
    signless (`i8`, `i32`, ...), unsigned ones are `ui8`, `ui16`, ...; `i1` is
    bool. Lowering to linalg picks signed or unsigned arithmetic from that.
  }];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 0;
  let useDefaultTypePrinterParser = 0;
}

// Ops that apply one scalar function to each element (several operands
// broadcast numpy-style): a permutation of the dimensions commutes with them,
// so layout passes move transposes through them.
def Graph_Elementwise : NativeOpTrait<"ElementwiseMapping"> {
  let cppNamespace = "::aicc::graph";
}

class Graph_Op<string mnemonic, list<Trait> traits = []>
    : Op<Graph_Dialect, mnemonic, traits>;

#endif // AICC_DIALECT_GRAPH_BASE
