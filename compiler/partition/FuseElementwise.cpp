//===- FuseElementwise.cpp - elementwise fusion with aicc's policy --------===//

#include "compiler/partition/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace aicc {
#define GEN_PASS_DEF_FUSEELEMENTWISEPASS
#include "compiler/partition/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {

/// Fuse `fusedOperand`'s producer into its consumer only when the consumer
/// is elementwise and the producer has no other user (no duplication).
static bool isFusibleIntoElementwise(OpOperand *fusedOperand) {
  auto consumer = dyn_cast<linalg::LinalgOp>(fusedOperand->getOwner());
  Operation *producer = fusedOperand->get().getDefiningOp();
  return consumer && producer &&
         consumer.getNumLoops() == consumer.getNumParallelLoops() &&
         producer->hasOneUse();
}

namespace {
struct FuseElementwisePass
    : public impl::FuseElementwisePassBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(patterns,
                                                 isFusibleIntoElementwise);
    // expand_shape → elementwise: run the elementwise op on the collapsed
    // shape, so it can become the epilogue of the op before the reshape
    // (im2col's matmul, viewed back as an image).
    linalg::populateFoldReshapeOpsByCollapsingPatterns(
        patterns, isFusibleIntoElementwise);
    linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
    // Transposes of constants (Gemm's transB weights) fold at compile time.
    linalg::populateConstantFoldLinalgOperations(
        patterns, [](OpOperand *) { return true; });
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    // A reshaped fill of tensor.empty (an im2col GEMM's accumulator viewed
    // as a matrix) becomes a fill of a new tensor.empty, so the kernel that
    // reads it absorbs the fill instead of taking a zeroed buffer.
    linalg::FillOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::populateFoldTensorEmptyPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

} // namespace aicc
