//===- Passes.td - graph dialect conversion passes ---------*- tablegen -*-===//

#ifndef AICC_DIALECT_GRAPH_CONVERSION_PASSES
#define AICC_DIALECT_GRAPH_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def ConvertGraphToLinalgPass
    : Pass<"aicc-convert-graph-to-linalg", "::mlir::ModuleOp"> {
  let summary = "lowers graph-dialect ops to linalg-on-tensors";
  let description = [{
    Rewrites every graph op into linalg (generic, transpose, fill), tensor
    and arith/math ops on tensors. Integer element types become signless
    (`ui8` → `i8`); the arithmetic chosen for each op (e.g. `divui` versus
    `divsi`) keeps the signedness the graph types carried. Function
    signatures are converted the same way.

    Requires: static shapes. Guarantees: no graph op remains; on an op it
    cannot lower, the pass fails with a diagnostic at that op (the ONNX node).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // AICC_DIALECT_GRAPH_CONVERSION_PASSES
