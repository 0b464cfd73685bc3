//===- CpuConvToIm2col.cpp - 2-D convolutions as im2col + matmul ----------===//

#include "codegen/cpu/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace aicc {
#define GEN_PASS_DEF_CPUCONVTOIM2COLPASS
#include "codegen/cpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {
namespace {
struct CpuConvToIm2colPass
    : public impl::CpuConvToIm2colPassBase<CpuConvToIm2colPass> {
  void runOnOperation() override {
    SmallVector<linalg::Conv2DNchwFchwOp> convs;
    getOperation()->walk(
        [&](linalg::Conv2DNchwFchwOp conv) { convs.push_back(conv); });
    IRRewriter rewriter(&getContext());
    for (linalg::Conv2DNchwFchwOp conv : convs) {
      rewriter.setInsertionPoint(conv);
      // A conv the rewrite does not handle (dynamic shapes) stays as it is
      // and lowers to loops.
      (void)linalg::rewriteInIm2Col(rewriter, conv);
    }
  }
};
} // namespace
} // namespace aicc
