//===- CpuLowerVectors.cpp - vector ops down to FMAs, loads and stores ----===//

#include "codegen/cpu/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/Matchers.h"
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

/// A float vector.multi_reduction over the innermost dimension alone, of a
/// power-of-two length (the merge of a partial reduction's vector
/// accumulator): halved log2(n) times with elementwise combines, every row at
/// once. Upstream's lowering makes it a serial chain instead: one
/// vector.reduction per row, which LLVM expands lane by lane (an ordered
/// fadd; fmaximum with a NaN check per lane, 90% of a softmax's time).
struct InnerReductionTree : OpRewritePattern<vector::MultiDimReductionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::MultiDimReductionOp op,
                                PatternRewriter &rewriter) const override {
    VectorType type = op.getSourceVectorType();
    int64_t rank = type.getRank();
    SmallVector<bool> reduced = op.getReductionMask();
    if (type.isScalable() || !isa<FloatType>(type.getElementType()) ||
        isa<vector::MaskOp>(op->getParentOp()) || !reduced.back() ||
        llvm::count(reduced, true) != 1)
      return failure();
    int64_t length = type.getShape().back();
    if (length < 2 || !llvm::isPowerOf2_64(length))
      return failure();
    Location loc = op.getLoc();
    Value v = op.getSource();
    SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape()),
        strides(rank, 1);
    while (length > 1) {
      length /= 2;
      sizes.back() = length;
      offsets.back() = 0;
      Value low = vector::ExtractStridedSliceOp::create(
          rewriter, loc, v, offsets, sizes, strides);
      offsets.back() = length;
      Value high = vector::ExtractStridedSliceOp::create(
          rewriter, loc, v, offsets, sizes, strides);
      v = vector::makeArithReduction(rewriter, loc, op.getKind(), low, high);
    }
    Value rows =
        rank == 1
            ? vector::ExtractOp::create(rewriter, loc, v, ArrayRef<int64_t>{0})
                  .getResult()
            : vector::ShapeCastOp::create(rewriter, loc,
                                          cast<VectorType>(op.getDestType()), v)
                  .getResult();
    rewriter.replaceOp(op, vector::makeArithReduction(
                               rewriter, loc, op.getKind(), rows, op.getAcc()));
    return success();
  }
};

/// maximumf(x, c) / minimumf(x, c) with c a constant that is not NaN (a
/// ReLU6's clamp) → x < c ? c : x / x > c ? c : x: a NaN x still comes out
/// (the comparison is false), and x86 does each in one maxps/minps, where
/// maximumf's NaN rule took a max, an unordered compare and a blend per
/// vector (only the sign of a zero result can differ: -0 for x = -0, c = +0).
template <typename MinMaxOp, arith::CmpFPredicate predicate>
struct ClampByConstant : OpRewritePattern<MinMaxOp> {
  using OpRewritePattern<MinMaxOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(MinMaxOp op,
                                PatternRewriter &rewriter) const override {
    for (auto [x, c] : {std::pair(op.getLhs(), op.getRhs()),
                        std::pair(op.getRhs(), op.getLhs())}) {
      FloatAttr scalar;
      SplatElementsAttr splat;
      bool notNaN = (matchPattern(c, m_Constant(&scalar)) &&
                     !scalar.getValue().isNaN()) ||
                    (matchPattern(c, m_Constant(&splat)) &&
                     isa<FloatType>(splat.getElementType()) &&
                     !splat.getSplatValue<APFloat>().isNaN());
      if (!notNaN)
        continue;
      Value beyond =
          arith::CmpFOp::create(rewriter, op.getLoc(), predicate, x, c);
      rewriter.replaceOpWithNewOp<arith::SelectOp>(op, beyond, c, x);
      return success();
    }
    return failure();
  }
};

struct CpuLowerVectorsPass
    : public impl::CpuLowerVectorsPassBase<CpuLowerVectorsPass> {
  void runOnOperation() override {
    if (failed(approximateVectorMath(getOperation())))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    vector::populateVectorContractLoweringPatterns(
        patterns, vector::VectorContractLowering::OuterProduct);
    vector::populateVectorOuterProductLoweringPatterns(patterns);
    patterns.add<InnerReductionTree>(&getContext(), /*benefit=*/2);
    patterns.add<ClampByConstant<arith::MaximumFOp, arith::CmpFPredicate::OLT>,
                 ClampByConstant<arith::MinimumFOp, arith::CmpFPredicate::OGT>>(
        &getContext());
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
