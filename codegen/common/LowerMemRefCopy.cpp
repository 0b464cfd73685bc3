//===- LowerMemRefCopy.cpp - memref.copy → linalg.copy --------------------===//

#include "codegen/common/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "aicc-lower-memref-copy"

namespace aicc {
#define GEN_PASS_DEF_LOWERMEMREFCOPYPASS
#include "codegen/common/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace {
struct CopyToLinalg : OpRewritePattern<memref::CopyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(memref::CopyOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(op, op.getSource(),
                                                op.getTarget());
    return success();
  }
};

struct LowerMemRefCopyPass
    : aicc::impl::LowerMemRefCopyPassBase<LowerMemRefCopyPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    aicc::populateLowerMemRefCopyPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void aicc::populateLowerMemRefCopyPatterns(RewritePatternSet &patterns) {
  patterns.add<CopyToLinalg>(patterns.getContext());
}
