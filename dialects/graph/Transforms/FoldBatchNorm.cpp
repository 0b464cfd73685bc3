//===- FoldBatchNorm.cpp - batch norm into conv/matmul weights ------------===//
//
// 1. Match batch_norm(p) with constant statistics, where p is conv(x, W) or
//    matmul(x, W) (2-D x), optionally followed by a per-channel constant add,
//    W constant, and each op in the chain used only by the next.
// 2. a = scale / sqrt(var + eps), shift = (b - mean) * a + bias per channel.
// 3. Replace the chain by op(x, W * a) + shift.
//
//===----------------------------------------------------------------------===//

#include "dialects/graph/IR/GraphDialect.h"
#include "dialects/graph/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

#define DEBUG_TYPE "aicc-fold-batch-norm"

namespace aicc::graph {
#define GEN_PASS_DEF_FOLDBATCHNORMPASS
#include "dialects/graph/Transforms/Passes.h.inc"
} // namespace aicc::graph

using namespace mlir;
using namespace aicc::graph;

namespace {

/// The values of a constant float tensor, or nothing.
std::optional<SmallVector<double>> constantValues(Value v) {
  DenseFPElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<double> values;
  for (const APFloat &f : attr.getValues<APFloat>())
    values.push_back(f.convertToDouble());
  return values;
}

DenseElementsAttr toAttr(RankedTensorType type, ArrayRef<double> values) {
  if (type.getElementType().isF64())
    return DenseElementsAttr::get(type, values);
  SmallVector<float> floats(values.begin(), values.end());
  return DenseElementsAttr::get(type, ArrayRef<float>(floats));
}

struct FoldBatchNorm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto type = bn.getType();
    if (!type.getElementType().isF32() && !type.getElementType().isF64())
      return rewriter.notifyMatchFailure(bn, "only f32 and f64 fold");
    auto scale = constantValues(bn.getScale());
    auto beta = constantValues(bn.getBias());
    auto mean = constantValues(bn.getMean());
    auto var = constantValues(bn.getVariance());
    if (!scale || !beta || !mean || !var)
      return rewriter.notifyMatchFailure(bn, "statistics are not constants");
    int64_t channels = type.getDimSize(1);

    // An optional per-channel constant bias between the product and the BN.
    Value product = bn.getInput();
    SmallVector<double> preBias(channels, 0.0);
    if (auto add = product.getDefiningOp<AddOp>()) {
      auto bias = constantValues(add.getRhs());
      if (!bias || static_cast<int64_t>(bias->size()) != channels ||
          !add->hasOneUse())
        return rewriter.notifyMatchFailure(bn, "input is not product + bias");
      preBias = *bias;
      product = add.getLhs();
    }
    Operation *producer = product.getDefiningOp();
    if (!producer || !producer->hasOneUse() ||
        !isa_and_nonnull<ConvOp, MatMulOp>(producer))
      return rewriter.notifyMatchFailure(bn, "not fed by a conv or matmul");
    Value weights = producer->getOperand(1);
    auto w = constantValues(weights);
    auto wType = cast<RankedTensorType>(weights.getType());
    bool isMatMul = isa<MatMulOp>(producer);
    if (!w ||
        (isMatMul &&
         (wType.getRank() != 2 ||
          cast<RankedTensorType>(producer->getOperand(0).getType()).getRank() !=
              2)))
      return rewriter.notifyMatchFailure(bn, "weights are not a constant "
                                             "conv filter or [K, C] matrix");

    SmallVector<double> a(channels), shift(channels);
    double eps = bn.getEpsilon().convertToDouble();
    for (int64_t c = 0; c < channels; ++c) {
      a[c] = (*scale)[c] / std::sqrt((*var)[c] + eps);
      shift[c] = (preBias[c] - (*mean)[c]) * a[c] + (*beta)[c];
    }
    // Conv filters are [OC, ...] (channel outermost); matmul's W is [K, C].
    int64_t inner = wType.getNumElements() / channels;
    for (int64_t i = 0; i < wType.getNumElements(); ++i)
      (*w)[i] *= a[isMatMul ? i % channels : i / inner];

    Location loc = bn.getLoc();
    Value newWeights = ConstantOp::create(rewriter, loc, toAttr(wType, *w));
    Operation *newProduct = rewriter.clone(*producer);
    newProduct->setOperand(1, newWeights);
    SmallVector<int64_t> shiftShape = {channels};
    if (!isMatMul)
      shiftShape.append(type.getRank() - 2, 1);
    Value shiftConst = ConstantOp::create(
        rewriter, loc,
        toAttr(RankedTensorType::get(shiftShape, type.getElementType()),
               shift));
    rewriter.replaceOpWithNewOp<AddOp>(bn, type, newProduct->getResult(0),
                                       shiftConst);
    return success();
  }
};

struct FoldBatchNormPass
    : aicc::graph::impl::FoldBatchNormPassBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    aicc::graph::populateFoldBatchNormPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void aicc::graph::populateFoldBatchNormPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldBatchNorm>(patterns.getContext());
}
