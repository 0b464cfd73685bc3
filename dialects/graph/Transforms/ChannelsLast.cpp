//===- ChannelsLast.cpp - 2-D convolutions and their neighbours in NHWC ---===//
//
// 1. Every float 2-D conv with one group becomes
//    transpose(conv_cl(transpose(x), W'), back): the conv runs channels last
//    ([N, H, W, C], filter [KH, KW, C, OC]; constant filters are permuted
//    here).
// 2. The transposes back to NCHW move towards the users: through
//    elementwise ops (other operands: the same transpose, or constants,
//    which are permuted here), pads, pools and reductions that keep the
//    order of the remaining dimensions.
// 3. A transpose to NHWC of a transpose back cancels (TransposeOp's folder),
//    so a chain of convs and their epilogues stays channels last and only the
//    region's edges transpose.
//
// Channels last, a conv is a GEMM over [N*OH*OW, KH*KW*C] x [KH*KW*C, OC]
// whose columns are output channels (a multiple of the vector width in most
// CNNs) and whose right operand is the constant filter, and its windows are
// rows of C contiguous elements.
//
//===----------------------------------------------------------------------===//

#include "dialects/graph/IR/GraphDialect.h"
#include "dialects/graph/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace aicc::graph {
#define GEN_PASS_DEF_CHANNELSLASTPASS
#include "dialects/graph/Transforms/Passes.h.inc"
} // namespace aicc::graph

using namespace mlir;
using namespace aicc::graph;

namespace {

constexpr int64_t kRank = 4; // [N, C, H, W]: 2-D convolutions and pools.

/// NCHW → NHWC: result dimension i is input dimension perm[i].
constexpr int64_t kToLast[kRank] = {0, 2, 3, 1};
/// NHWC → NCHW.
constexpr int64_t kToFirst[kRank] = {0, 3, 1, 2};

RankedTensorType permuted(Type type, ArrayRef<int64_t> perm) {
  auto ranked = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape;
  for (int64_t d : perm)
    shape.push_back(ranked.getDimSize(d));
  return ranked.clone(shape);
}

Value transpose(PatternRewriter &rewriter, Location loc, Value v,
                ArrayRef<int64_t> perm) {
  return TransposeOp::create(rewriter, loc, permuted(v.getType(), perm), v,
                             perm);
}

/// x when `v` is transpose(x) from NHWC back to NCHW.
Value channelsLastSource(Value v) {
  auto t = v.getDefiningOp<TransposeOp>();
  if (!t || !llvm::equal(t.getPerm(), ArrayRef(kToFirst)))
    return {};
  return t.getInput();
}

/// Clones `op` with `operands` and its result permuted to NHWC, then
/// transposes that result back: op(transpose(x)) = transpose(op'(x)).
void replaceWithChannelsLast(PatternRewriter &rewriter, Operation *op,
                             ValueRange operands,
                             function_ref<void(Operation *)> update = {}) {
  Operation *clone = rewriter.clone(*op);
  clone->setOperands(operands);
  clone->getResult(0).setType(permuted(op->getResult(0).getType(), kToLast));
  if (update)
    update(clone);
  rewriter.replaceOp(
      op, transpose(rewriter, op->getLoc(), clone->getResult(0), kToFirst));
}

/// One group, or depthwise: one group per input channel, one output
/// channel each ([OC, 1, KH, KW] filter, OC = C).
bool hasChannelsLastForm(ConvOp conv) {
  int64_t group = conv.getGroup();
  auto in = conv.getInput().getType();
  return group == 1 || (in.getRank() == kRank && group == in.getDimSize(1) &&
                        conv.getType().getDimSize(1) == group);
}

/// (1) conv(x, W) → transpose(conv_cl(transpose(x), transpose(W))).
struct ConvToChannelsLast : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvOp conv,
                                PatternRewriter &rewriter) const override {
    auto type = conv.getType();
    if (conv.getChannelsLast() || !hasChannelsLastForm(conv) ||
        type.getRank() != kRank || !type.hasStaticShape() ||
        !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(conv, "not a float 2-D conv with "
                                               "one group or depthwise");
    Location loc = conv.getLoc();
    Value input = transpose(rewriter, loc, conv.getInput(), kToLast);
    // [OC, C, KH, KW] → [KH, KW, C, OC].
    Value filter = transpose(rewriter, loc, conv.getFilter(), {2, 3, 1, 0});
    replaceWithChannelsLast(rewriter, conv, {input, filter}, [](Operation *op) {
      cast<ConvOp>(op).setChannelsLast(true);
    });
    return success();
  }
};

/// (2) pool(transpose(x)) → transpose(pool_cl(x)).
template <typename PoolOp> struct SinkThroughPool : OpRewritePattern<PoolOp> {
  using OpRewritePattern<PoolOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(PoolOp pool,
                                PatternRewriter &rewriter) const override {
    Value source = channelsLastSource(pool.getInput());
    if (pool.getChannelsLast() || !source)
      return rewriter.notifyMatchFailure(pool, "input is not from NHWC");
    replaceWithChannelsLast(rewriter, pool, {source}, [](Operation *op) {
      cast<PoolOp>(op).setChannelsLast(true);
    });
    return success();
  }
};

/// (2) pad(transpose(x)) → transpose(pad(x)) with the pads permuted.
struct SinkThroughPad : OpRewritePattern<PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PadOp pad,
                                PatternRewriter &rewriter) const override {
    Value source = channelsLastSource(pad.getInput());
    if (!source)
      return rewriter.notifyMatchFailure(pad, "input is not from NHWC");
    ArrayRef<int64_t> pads = pad.getPads();
    SmallVector<int64_t> permutedPads(2 * kRank);
    for (int64_t i = 0; i < kRank; ++i) {
      permutedPads[kToFirst[i]] = pads[i];
      permutedPads[kRank + kToFirst[i]] = pads[kRank + i];
    }
    replaceWithChannelsLast(
        rewriter, pad, {source, pad.getValue()},
        [&](Operation *op) { cast<PadOp>(op).setPads(permutedPads); });
    return success();
  }
};

/// (2) op(transpose(x), ...) → transpose(op(x, ...)) for elementwise ops;
/// every other operand is the same transpose or a constant (permuted here,
/// after aligning its rank numpy-style).
struct SinkThroughElementwise
    : OpTraitRewritePattern<aicc::graph::ElementwiseMapping> {
  using OpTraitRewritePattern::OpTraitRewritePattern;
  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (op->getNumResults() != 1)
      return failure();
    auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!type || type.getRank() != kRank)
      return failure();
    // Match every operand before creating anything.
    bool fromChannelsLast = false;
    for (Value operand : op->getOperands()) {
      if (channelsLastSource(operand)) {
        fromChannelsLast = true;
        continue;
      }
      if (!matchPattern(operand, m_Constant()) ||
          !cast<RankedTensorType>(operand.getType()).hasStaticShape())
        return rewriter.notifyMatchFailure(op, "an operand is neither from "
                                               "NHWC nor a constant");
    }
    if (!fromChannelsLast)
      return rewriter.notifyMatchFailure(op, "no operand is from NHWC");
    SmallVector<Value> operands;
    for (Value operand : op->getOperands()) {
      if (Value source = channelsLastSource(operand)) {
        operands.push_back(source);
        continue;
      }
      auto operandType = cast<RankedTensorType>(operand.getType());
      SmallVector<int64_t> shape(kRank - operandType.getRank(), 1);
      llvm::append_range(shape, operandType.getShape());
      Value aligned = operand;
      if (operandType.getRank() != kRank)
        aligned = ReshapeOp::create(rewriter, op->getLoc(),
                                    operandType.clone(shape), operand);
      operands.push_back(transpose(rewriter, op->getLoc(), aligned, kToLast));
    }
    replaceWithChannelsLast(rewriter, op, operands);
    return success();
  }
};

/// (2) reduce(transpose(x), axes) → reduce(x, axes') when the dimensions
/// left keep their order (ResNet's global average pool: [2, 3] → [1, 2]).
template <typename ReduceOp>
struct SinkThroughReduce : OpRewritePattern<ReduceOp> {
  using OpRewritePattern<ReduceOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceOp reduce,
                                PatternRewriter &rewriter) const override {
    Value source = channelsLastSource(reduce.getInput());
    if (!source)
      return rewriter.notifyMatchFailure(reduce, "input is not from NHWC");
    ArrayRef<int64_t> axes = reduce.getAxes();
    SmallVector<int64_t> newAxes;
    int64_t last = -1;
    for (int64_t d = 0; d < kRank; ++d) {
      if (llvm::is_contained(axes, d)) {
        newAxes.push_back(kToFirst[d]);
        continue;
      }
      if (kToFirst[d] < last)
        return rewriter.notifyMatchFailure(reduce, "the kept dimensions "
                                                   "would change order");
      last = kToFirst[d];
    }
    llvm::sort(newAxes);
    rewriter.modifyOpInPlace(reduce, [&] {
      reduce.getInputMutable().assign(source);
      reduce.setAxes(newAxes);
    });
    return success();
  }
};

struct ChannelsLastPass
    : aicc::graph::impl::ChannelsLastPassBase<ChannelsLastPass> {
  void runOnOperation() override {
    // Grouped convs other than depthwise have no channels-last form:
    // between them every NHWC conv would transpose its input and result
    // (MobileNetV2 6 -> 15 ms before depthwise had one), so a model with
    // any is left channels first.
    bool grouped = getOperation()
                       ->walk([](ConvOp conv) {
                         return hasChannelsLastForm(conv)
                                    ? WalkResult::advance()
                                    : WalkResult::interrupt();
                       })
                       .wasInterrupted();
    if (grouped)
      return;
    RewritePatternSet patterns(&getContext());
    aicc::graph::populateChannelsLastPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation()->emitError("aicc-channels-last did not converge");
      signalPassFailure();
    }
  }
};

} // namespace

void aicc::graph::populateChannelsLastPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ConvToChannelsLast, SinkThroughPool<MaxPoolOp>,
               SinkThroughPool<SumPoolOp>, SinkThroughPad,
               SinkThroughReduce<ReduceSumOp>, SinkThroughReduce<ReduceMaxOp>,
               SinkThroughReduce<ReduceMinOp>, SinkThroughReduce<ReduceProdOp>>(
      ctx);
  patterns.add<SinkThroughElementwise>(ctx);
}
