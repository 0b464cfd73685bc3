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

def ChannelsLastPass : Pass<"aicc-channels-last"> {
  let summary = "runs 2-D convolutions and their neighbours channels last";
  let description = [{
    Every float 2-D `graph.conv` with one group becomes
    `transpose(conv{channels_last}(transpose(x), W'))` with the filter as
    `[KH, KW, C, OC]` (a constant filter is permuted at compile time). The
    transposes back to NCHW then move towards their users through
    elementwise ops (whose other operands are the same transpose or
    constants), pads, pools and reductions that keep the order of the
    remaining dimensions, and cancel against the next conv's transpose to
    NHWC. Whatever else reads a conv's result gets NCHW from a transpose.
    Grouped convs have no channels-last form yet, so a model with any
    (MobileNet's depthwise convs) is left as it is: transposing around each
    of them cost more than NHWC saved.
    The CPU pipeline runs it: channels last, a conv is a GEMM whose columns
    are output channels and whose right operand is the constant filter.
  }];
}

#endif // AICC_DIALECT_GRAPH_TRANSFORMS_PASSES
