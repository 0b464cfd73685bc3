//===- Passes.h - graph dialect transformations -----------------*- C++ -*-===//

#ifndef AICC_DIALECTS_GRAPH_TRANSFORMS_PASSES_H
#define AICC_DIALECTS_GRAPH_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace aicc::graph {

#define GEN_PASS_DECL
#include "dialects/graph/Transforms/Passes.h.inc"

/// batch_norm(conv/matmul with constant weights) → conv/matmul + add.
void populateFoldBatchNormPatterns(mlir::RewritePatternSet &patterns);

/// 2-D convs channels last; transposes back to NCHW moved to their users.
void populateChannelsLastPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "dialects/graph/Transforms/Passes.h.inc"

} // namespace aicc::graph

#endif // AICC_DIALECTS_GRAPH_TRANSFORMS_PASSES_H
