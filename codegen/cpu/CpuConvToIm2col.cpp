//===- CpuConvToIm2col.cpp - 2-D convolutions as im2col + matmul ----------===//

#include "codegen/cpu/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace aicc {
#define GEN_PASS_DEF_CPUCONVTOIM2COLPASS
#include "codegen/cpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {
namespace {

/// A float conv with static shapes as the contraction
/// out[n, f, p] += filter[f, k] * cols[n, k, p] on collapsed views, with
/// k = (c, kh, kw) and p = (oh, ow). A 1x1 unit-stride conv reads its input
/// as `cols` directly. Any other conv first copies its windows into
/// cols[n, c, kh, kw, oh, ow] = in[n, c, oh*sh + kh*dh, ow*sw + kw*dw]: a
/// generic whose input map is affine in the loops (upstream's im2col indexes
/// with div/mod of a flattened position, which stays a scalar gather).
FailureOr<Value> rewriteConvAsGemm(RewriterBase &rewriter,
                                   linalg::Conv2DNchwFchwOp conv) {
  Value input = conv.getInputs()[0], filter = conv.getInputs()[1];
  Value init = conv.getOutputs()[0];
  auto inputType = dyn_cast<RankedTensorType>(input.getType());
  auto filterType = dyn_cast<RankedTensorType>(filter.getType());
  auto initType = dyn_cast<RankedTensorType>(init.getType());
  if (!inputType || !filterType || !initType || !inputType.hasStaticShape() ||
      !filterType.hasStaticShape() || !initType.hasStaticShape())
    return failure();
  Type element = initType.getElementType();
  if (!isa<FloatType>(element) || inputType.getElementType() != element ||
      filterType.getElementType() != element)
    return failure();
  ArrayRef<int64_t> in = inputType.getShape(), out = initType.getShape();
  int64_t kh = filterType.getDimSize(2), kw = filterType.getDimSize(3);
  SmallVector<int64_t> strides =
      llvm::to_vector(conv.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations =
      llvm::to_vector(conv.getDilations().getValues<int64_t>());
  bool pointwise = kh == 1 && kw == 1 && strides[0] == 1 && strides[1] == 1 &&
                   in[2] == out[2] && in[3] == out[3];

  Location loc = conv.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  auto collapse = [&](Value v, ArrayRef<ReassociationIndices> groups) {
    return tensor::CollapseShapeOp::create(rewriter, loc, v, groups)
        .getResult();
  };
  Value cols;
  if (pointwise) {
    cols = collapse(input, {{0}, {1}, {2, 3}});
  } else {
    AffineExpr n, c, i, j, y, x;
    bindDims(ctx, n, c, i, j, y, x);
    SmallVector<AffineMap> maps = {
        AffineMap::get(6, 0,
                       {n, c, y * strides[0] + i * dilations[0],
                        x * strides[1] + j * dilations[1]},
                       ctx),
        AffineMap::getMultiDimIdentityMap(6, ctx)};
    SmallVector<int64_t> shape = {out[0], in[1], kh, kw, out[2], out[3]};
    Value empty = tensor::EmptyOp::create(rewriter, loc, shape, element);
    auto copy = linalg::GenericOp::create(
        rewriter, loc, empty.getType(), ValueRange{input}, ValueRange{empty},
        maps,
        SmallVector<utils::IteratorType>(6, utils::IteratorType::parallel),
        [](OpBuilder &b, Location loc, ValueRange args) {
          linalg::YieldOp::create(b, loc, args[0]);
        });
    cols = collapse(copy.getResult(0), {{0}, {1, 2, 3}, {4, 5}});
  }
  SmallVector<ReassociationIndices> spatial = {{0}, {1}, {2, 3}};
  Value filterView = collapse(filter, {{0}, {1, 2, 3}});
  Value initView = collapse(init, spatial);

  AffineExpr n, f, p, k;
  bindDims(ctx, n, f, p, k);
  SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {f, k}, ctx),
                                 AffineMap::get(4, 0, {n, k, p}, ctx),
                                 AffineMap::get(4, 0, {n, f, p}, ctx)};
  using utils::IteratorType;
  SmallVector<IteratorType> iterators = {
      IteratorType::parallel, IteratorType::parallel, IteratorType::parallel,
      IteratorType::reduction};
  auto gemm = linalg::GenericOp::create(
      rewriter, loc, initView.getType(), ValueRange{filterView, cols},
      ValueRange{initView}, maps, iterators,
      [](OpBuilder &b, Location loc, ValueRange args) {
        Value product = arith::MulFOp::create(b, loc, args[0], args[1]);
        Value sum = arith::AddFOp::create(b, loc, product, args[2]);
        linalg::YieldOp::create(b, loc, sum);
      });
  return tensor::ExpandShapeOp::create(rewriter, loc, initType,
                                       gemm.getResult(0), spatial)
      .getResult();
}

/// The value of `expr` with dim `d` = 1 and every other dim 0.
int64_t coefficient(AffineExpr expr, unsigned numDims, unsigned d) {
  SmallVector<AffineExpr> dims;
  for (unsigned i = 0; i < numDims; ++i)
    dims.push_back(getAffineConstantExpr(i == d ? 1 : 0, expr.getContext()));
  auto value = dyn_cast<AffineConstantExpr>(
      simplifyAffineExpr(expr.replaceDims(dims), numDims, 0));
  return value ? value.getValue() : -1;
}

/// A depthwise 2-D conv as the graph lowering writes it (a generic over
/// (n, g, oc, oh, ow, c, kh, kw) with one channel per group, reading
/// in[n, g, c, oh*s + kh*d, ow*s + kw*d] of the padded input viewed as
/// [N, C, 1, H, W] and filter[g, oc, c, kh, kw]) as a sum over the KH*KW
/// taps of a strided slice of the input times the tap's weight per channel:
/// one elementwise generic whose maps are projections, so it vectorizes
/// along the output row (the window form stays scalar). The taps are added
/// in the window's order, from zero, as the window form does.
FailureOr<Value> rewriteDepthwiseConv(RewriterBase &rewriter,
                                      linalg::GenericOp conv) {
  if (conv.getNumDpsInputs() != 2 || conv.getNumDpsInits() != 1 ||
      conv.getNumLoops() != 8 || conv.getNumReductionLoops() != 3)
    return failure();
  // The input viewed as [N, C, 1, H, W] and the filter as [C, 1, 1, KH, KW]
  // (one channel per group), the result [N, C, 1, OH, OW].
  Value input = conv.getDpsInputs()[0], filter = conv.getDpsInputs()[1];
  auto inType = dyn_cast<RankedTensorType>(input.getType());
  auto filterType = dyn_cast<RankedTensorType>(filter.getType());
  auto resultType = dyn_cast<RankedTensorType>(conv.getResultTypes()[0]);
  if (!inType || !filterType || !resultType || !inType.hasStaticShape() ||
      !filterType.hasStaticShape() || !resultType.hasStaticShape() ||
      inType.getRank() != 5 || filterType.getRank() != 5 ||
      resultType.getRank() != 5)
    return failure();
  Type element = resultType.getElementType();
  if (!isa<FloatType>(element) || inType.getElementType() != element ||
      filterType.getElementType() != element)
    return failure();
  ArrayRef<int64_t> out = resultType.getShape();
  int64_t channels = inType.getDimSize(1);
  if (inType.getDimSize(2) != 1 || out[1] != channels || out[2] != 1 ||
      filterType.getDimSize(0) != channels || filterType.getDimSize(1) != 1 ||
      filterType.getDimSize(2) != 1)
    return failure();
  int64_t kh = filterType.getDimSize(3), kw = filterType.getDimSize(4);

  // The body: out + in * w (float).
  Block &body = conv.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (body.getOperations().size() != 3 || !add)
    return failure();
  auto mul = add.getLhs().getDefiningOp<arith::MulFOp>();
  Value acc = add.getRhs();
  if (!mul) {
    mul = add.getRhs().getDefiningOp<arith::MulFOp>();
    acc = add.getLhs();
  }
  if (!mul || acc != body.getArgument(2) ||
      !((mul.getLhs() == body.getArgument(0) &&
         mul.getRhs() == body.getArgument(1)) ||
        (mul.getLhs() == body.getArgument(1) &&
         mul.getRhs() == body.getArgument(0))))
    return failure();
  // The init is zeros.
  auto fill = conv.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  if (!fill || !matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
    return failure();

  // The maps, rebuilt from the strides and dilations they show, must be the
  // window form's.
  SmallVector<AffineMap> maps = conv.getIndexingMapsArray();
  AffineMap inMap = maps[0];
  if (inMap.getNumResults() != 5)
    return failure();
  int64_t sh = coefficient(inMap.getResult(3), 8, 3),
          sw = coefficient(inMap.getResult(4), 8, 4),
          dh = coefficient(inMap.getResult(3), 8, 6),
          dw = coefficient(inMap.getResult(4), 8, 7);
  MLIRContext *ctx = rewriter.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> expected = {
      AffineMap::get(
          8, 0,
          {d(0), d(1), d(5), d(3) * sh + d(6) * dh, d(4) * sw + d(7) * dw},
          ctx),
      AffineMap::get(8, 0, {d(1), d(2), d(5), d(6), d(7)}, ctx),
      AffineMap::get(8, 0, {d(0), d(1), d(2), d(3), d(4)}, ctx)};
  if (sh < 1 || sw < 1 || dh < 1 || dw < 1 || maps != expected)
    return failure();
  int64_t oh = out[3], ow = out[4];
  if ((oh - 1) * sh + (kh - 1) * dh >= inType.getDimSize(3) ||
      (ow - 1) * sw + (kw - 1) * dw >= inType.getDimSize(4))
    return failure();

  Location loc = conv.getLoc();
  SmallVector<Value> operands;
  SmallVector<AffineMap> tapMaps;
  AffineMap identity = rewriter.getMultiDimIdentityMap(4);
  AffineMap perChannel = AffineMap::get(4, 0, {d(1)}, ctx);
  int64_t batch = out[0];
  auto index = [&](ArrayRef<int64_t> values) {
    SmallVector<OpFoldResult> result;
    for (int64_t v : values)
      result.push_back(rewriter.getIndexAttr(v));
    return result;
  };
  for (int64_t i = 0; i < kh; ++i)
    for (int64_t j = 0; j < kw; ++j) {
      // Rank-reducing slices: the unit dims go.
      Value slice = tensor::ExtractSliceOp::create(
          rewriter, loc,
          RankedTensorType::get({batch, channels, oh, ow}, element), input,
          index({0, 0, 0, i * dh, j * dw}), index({batch, channels, 1, oh, ow}),
          index({1, 1, 1, sh, sw}));
      Value weight = tensor::ExtractSliceOp::create(
          rewriter, loc, RankedTensorType::get({channels}, element), filter,
          index({0, 0, 0, i, j}), index({channels, 1, 1, 1, 1}),
          index({1, 1, 1, 1, 1}));
      operands.append({slice, weight});
      tapMaps.append({identity, perChannel});
    }
  tapMaps.push_back(identity);
  auto sumType = RankedTensorType::get({batch, channels, oh, ow}, element);
  Value empty =
      tensor::EmptyOp::create(rewriter, loc, sumType.getShape(), element);
  SmallVector<utils::IteratorType> parallel(4, utils::IteratorType::parallel);
  auto sum = linalg::GenericOp::create(
      rewriter, loc, sumType, operands, ValueRange{empty}, tapMaps, parallel,
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value total = arith::ConstantOp::create(b, loc, element,
                                                b.getFloatAttr(element, 0.0));
        for (size_t t = 0; t + 1 < args.size(); t += 2) {
          Value product = arith::MulFOp::create(b, loc, args[t], args[t + 1]);
          total = arith::AddFOp::create(b, loc, total, product);
        }
        linalg::YieldOp::create(b, loc, total);
      });
  return tensor::ExpandShapeOp::create(
             rewriter, loc, resultType, sum.getResult(0),
             SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}})
      .getResult();
}

struct CpuConvToIm2colPass
    : public impl::CpuConvToIm2colPassBase<CpuConvToIm2colPass> {
  void runOnOperation() override {
    SmallVector<Operation *> candidates;
    getOperation()->walk([&](Operation *op) {
      if (isa<linalg::GenericOp, linalg::Conv2DNchwFchwOp>(op))
        candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *op : candidates) {
      rewriter.setInsertionPoint(op);
      FailureOr<Value> rewritten =
          isa<linalg::GenericOp>(op)
              ? rewriteDepthwiseConv(rewriter, cast<linalg::GenericOp>(op))
              : rewriteConvAsGemm(rewriter, cast<linalg::Conv2DNchwFchwOp>(op));
      if (succeeded(rewritten))
        rewriter.replaceOp(op, *rewritten);
      else if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op))
        // A conv the rewrite does not handle (dynamic shapes, integers):
        // upstream's im2col.
        (void)linalg::rewriteInIm2Col(rewriter, conv);
    }
  }
};
} // namespace
} // namespace aicc
