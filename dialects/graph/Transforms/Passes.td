//===- Passes.td - graph dialect transformations -----------*- tablegen -*-===//

#ifndef AICC_DIALECT_GRAPH_TRANSFORMS_PASSES
#define AICC_DIALECT_GRAPH_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def FoldBatchNormPass : Pass<"aicc-fold-batch-norm"> {
  let summary = "folds inference batch normalization into conv/matmul weights";
  let description = [{
    `batch_norm(conv(x, W) [+ b])` with constant `W`, `b` and statistics
    becomes `conv(x, W * a) + ((b - mean) * a + bias)` with
    `a = scale / sqrt(variance + epsilon)` per output channel; likewise
    `batch_norm(matmul(x, W) [+ b])` for a 2-D `x` and constant `W` [K, C].
    The folded weights are computed here (f32 and f64). A batch_norm that
    does not match (non-constant weights, other producers, a producer with
    other users) is left for the lowering.
  }];
}

#endif // AICC_DIALECT_GRAPH_TRANSFORMS_PASSES
