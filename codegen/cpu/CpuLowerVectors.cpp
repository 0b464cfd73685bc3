//===- CpuLowerVectors.cpp - vector ops down to FMAs, loads and stores ----===//

#include "codegen/cpu/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace aicc {
#define GEN_PASS_DEF_CPULOWERVECTORSPASS
#include "codegen/cpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {
namespace {
// Transcendentals on f32 vectors that LLVM would otherwise scalarize into one
// libm call per lane (GELU's erf, softmax's exp, tanh, log).
// (`name` is the full operation name, as upstream's predicate gets it.)
bool isApproximated(StringRef name) {
  return llvm::is_contained({"math.erf", "math.exp", "math.expm1", "math.tanh",
                             "math.log", "math.log1p"},
                            name);
}

LogicalResult approximateVectorMath(func::FuncOp func) {
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) {
    if (op->getNumResults() != 1)
      return;
    auto type = dyn_cast<VectorType>(op->getResult(0).getType());
    if (type && type.getElementType().isF32() &&
        isApproximated(op->getName().getStringRef()))
      ops.push_back(op);
  });
  if (ops.empty())
    return success();
  RewritePatternSet patterns(func.getContext());
  populateMathPolynomialApproximationPatterns(patterns, isApproximated);
  GreedyRewriteConfig config;
  config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
  return applyOpPatternsGreedily(ops, std::move(patterns), config);
}

struct CpuLowerVectorsPass
    : public impl::CpuLowerVectorsPassBase<CpuLowerVectorsPass> {
  void runOnOperation() override {
    if (failed(approximateVectorMath(getOperation())))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    vector::populateVectorContractLoweringPatterns(
        patterns, vector::VectorContractLowering::OuterProduct);
    vector::populateVectorOuterProductLoweringPatterns(patterns);
    vector::populateVectorMultiReductionLoweringPatterns(
        patterns, vector::VectorMultiReductionLowering::InnerParallel);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorBroadcastLoweringPatterns(patterns);
    vector::populateVectorTransposeLoweringPatterns(
        patterns, vector::VectorTransposeLowering::EltWise);
    vector::populateVectorShapeCastLoweringPatterns(patterns);
    vector::populateVectorMaskOpLoweringPatterns(patterns);
    // Out-of-bounds transfers (the edges of padded partial tiles) become
    // masked loads and stores instead of per-element bounds checks.
    vector::populateVectorMaskMaterializationPatterns(
        patterns, /*force32BitVectorIndices=*/true);
    vector::populateVectorTransferLoweringPatterns(patterns,
                                                   /*maxTransferRank=*/1);
    vector::populateVectorToVectorCanonicalizationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
} // namespace aicc
