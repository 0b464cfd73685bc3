//===- ConvToGemm.cpp - 2-D convolutions as im2col + matmul ---------------===//

#include "codegen/common/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace aicc {
#define GEN_PASS_DEF_CONVTOGEMMPASS
#include "codegen/common/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {
namespace {

/// A new tensor of `shape` and `element` type whose element at each index
/// is `fn` of `input[inMap(index)]` (one parallel generic).
Value mapElements(RewriterBase &rewriter, Location loc, Value input,
                  AffineMap inMap, ArrayRef<int64_t> shape, Type element,
                  function_ref<Value(OpBuilder &, Location, Value)> fn) {
  Value empty = tensor::EmptyOp::create(rewriter, loc, shape, element);
  SmallVector<AffineMap> maps = {inMap,
                                 rewriter.getMultiDimIdentityMap(shape.size())};
  return linalg::GenericOp::create(
             rewriter, loc, empty.getType(), ValueRange{input},
             ValueRange{empty}, maps,
             SmallVector<utils::IteratorType>(shape.size(),
                                              utils::IteratorType::parallel),
             [&](OpBuilder &b, Location loc, ValueRange args) {
               linalg::YieldOp::create(b, loc, fn(b, loc, args[0]));
             })
      .getResult(0);
}

/// A copy of `input`'s windows into a new tensor of `shape`, with `inMap`
/// from the copy's loops (one per dimension of `shape`) to `input`.
Value copyWindows(RewriterBase &rewriter, Location loc, Value input,
                  AffineMap inMap, ArrayRef<int64_t> shape) {
  return mapElements(rewriter, loc, input, inMap, shape,
                     getElementTypeOrSelf(input.getType()),
                     [](OpBuilder &, Location, Value v) { return v; });
}

/// `acc + a * b` in `acc`'s type, the factors extended where narrower.
Value multiplyAdd(OpBuilder &b, Location loc, Value a, Value bValue,
                  Value acc) {
  Type accType = acc.getType();
  SmallVector<Value> factors = {a, bValue};
  for (Value &f : factors)
    if (f.getType() != accType)
      f = arith::ExtFOp::create(b, loc, accType, f);
  Value product = arith::MulFOp::create(b, loc, factors[0], factors[1]);
  return arith::AddFOp::create(b, loc, product, acc);
}

/// init + sum_k lhs * rhs as a float generic over (n, i, j, k) with `maps`;
/// the factors extended to `init`'s element type where theirs is narrower.
Value contract(RewriterBase &rewriter, Location loc, Value lhs, Value rhs,
               Value init, ArrayRef<AffineMap> maps) {
  using utils::IteratorType;
  SmallVector<IteratorType> iterators = {
      IteratorType::parallel, IteratorType::parallel, IteratorType::parallel,
      IteratorType::reduction};
  return linalg::GenericOp::create(
             rewriter, loc, init.getType(), ValueRange{lhs, rhs},
             ValueRange{init}, maps, iterators,
             [&](OpBuilder &b, Location loc, ValueRange args) {
               linalg::YieldOp::create(
                   b, loc, multiplyAdd(b, loc, args[0], args[1], args[2]));
             })
      .getResult(0);
}

/// `value` with every element converted to `element` by `convert`.
Value convertElements(
    RewriterBase &rewriter, Location loc, Value value, Type element,
    function_ref<Value(OpBuilder &, Location, Value)> convert) {
  auto type = cast<RankedTensorType>(value.getType());
  return mapElements(rewriter, loc, value,
                     rewriter.getMultiDimIdentityMap(type.getRank()),
                     type.getShape(), element, convert);
}

/// `init` as an f32 accumulator: a fill of the same constant in f32, or the
/// init extended.
Value widenInit(RewriterBase &rewriter, Location loc, Value init) {
  Type f32 = rewriter.getF32Type();
  auto type = cast<RankedTensorType>(init.getType());
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    FloatAttr value;
    if (matchPattern(fill.getInputs()[0], m_Constant(&value))) {
      Value start = arith::ConstantOp::create(
          rewriter, loc, f32,
          rewriter.getFloatAttr(f32, value.getValue().convertToDouble()));
      Value empty =
          tensor::EmptyOp::create(rewriter, loc, type.getShape(), f32);
      return linalg::FillOp::create(rewriter, loc, start, empty).getResult(0);
    }
  }
  return convertElements(rewriter, loc, init, f32,
                         [&](OpBuilder &b, Location loc, Value v) -> Value {
                           return arith::ExtFOp::create(b, loc, f32, v);
                         });
}

/// A conv's GEMM result (on collapsed views, f32 for a 16-bit conv) as the
/// conv's result: rounded once to its type, expanded by `groups`.
Value finishGemm(RewriterBase &rewriter, Location loc, Value gemm,
                 RankedTensorType resultType,
                 ArrayRef<ReassociationIndices> groups) {
  Type element = resultType.getElementType();
  if (getElementTypeOrSelf(gemm.getType()) != element)
    gemm = convertElements(rewriter, loc, gemm, element,
                           [&](OpBuilder &b, Location loc, Value v) -> Value {
                             return arith::TruncFOp::create(b, loc, element, v);
                           });
  return tensor::ExpandShapeOp::create(rewriter, loc, resultType, gemm, groups)
      .getResult();
}

/// The static float operands of a conv, or failure.
LogicalResult checkStaticFloat(linalg::LinalgOp conv) {
  Type element;
  for (Value v : conv->getOperands()) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || !type.hasStaticShape() ||
        !isa<FloatType>(type.getElementType()) ||
        (element && type.getElementType() != element))
      return failure();
    element = type.getElementType();
  }
  return success();
}

/// A float 2-D conv with static shapes as a contraction on collapsed views,
/// with p = (oh, ow):
/// - NCHW (`linalg.conv_2d_nchw_fchw`): out[n, f, p] += filter[f, k] *
///   cols[n, k, p] with k = (c, kh, kw); windows copied into
///   cols[n, c, kh, kw, oh, ow] = in[n, c, oh*sh + kh*dh, ow*sw + kw*dw];
/// - NHWC (`linalg.conv_2d_nhwc_hwcf`, from aicc-channels-last):
///   out[n, p, f] += cols[n, p, k] * filter[k, f] with k = (kh, kw, c);
///   windows copied into cols[n, oh, ow, kh, kw, c] =
///   in[n, oh*sh + kh*dh, ow*sw + kw*dw, c], rows of C contiguous elements.
///   The filter is the right operand, so a constant one is stored as panels
///   by aicc-cpu-pack-weights, and the output channels are the vectorized
///   columns.
/// A 1x1 unit-stride conv reads its input as `cols` directly. The window
/// copy is a generic whose input map is affine in the loops (upstream's
/// im2col indexes with div/mod of a flattened position, which stays a
/// scalar gather).
FailureOr<Value> rewriteConvAsGemm(RewriterBase &rewriter,
                                   linalg::LinalgOp conv, bool channelsLast,
                                   DenseIntElementsAttr stridesAttr,
                                   DenseIntElementsAttr dilationsAttr) {
  if (failed(checkStaticFloat(conv)))
    return failure();
  Value input = conv.getDpsInputs()[0], filter = conv.getDpsInputs()[1];
  Value init = conv.getDpsInits()[0];
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto initType = cast<RankedTensorType>(init.getType());
  ArrayRef<int64_t> in = cast<RankedTensorType>(input.getType()).getShape();
  ArrayRef<int64_t> out = initType.getShape();
  // The first spatial dimension of the input/output and of the filter.
  int64_t spatial = channelsLast ? 1 : 2, window = channelsLast ? 0 : 2;
  int64_t kh = filterType.getDimSize(window),
          kw = filterType.getDimSize(window + 1);
  int64_t channels = in[channelsLast ? 3 : 1];
  SmallVector<int64_t> strides =
      llvm::to_vector(stridesAttr.getValues<int64_t>());
  SmallVector<int64_t> dilations =
      llvm::to_vector(dilationsAttr.getValues<int64_t>());
  bool pointwise = kh == 1 && kw == 1 && strides[0] == 1 && strides[1] == 1 &&
                   in[spatial] == out[spatial] &&
                   in[spatial + 1] == out[spatial + 1];

  Location loc = conv.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  auto collapse = [&](Value v, ArrayRef<ReassociationIndices> groups) {
    return tensor::CollapseShapeOp::create(rewriter, loc, v, groups)
        .getResult();
  };
  // [N, C, H*W] or [N, H*W, C]: the input or output with p collapsed.
  SmallVector<ReassociationIndices> spatialGroups =
      channelsLast ? SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}}
                   : SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}};
  Value cols;
  if (pointwise) {
    cols = collapse(input, spatialGroups);
  } else if (channelsLast && dilations[1] == 1) {
    // A window row's KW taps of C channels are KW*C contiguous elements of
    // the input viewed as [N, H, W*C]: copy loops (n, y, x, i, t), t = j*C +
    // c, one copy of KW*C elements per window row (the 7x7 stem with C = 3
    // copied 3 elements at a time).
    AffineExpr n, y, x, i, t;
    bindDims(ctx, n, y, x, i, t);
    AffineMap inMap = AffineMap::get(
        5, 0,
        {n, y * strides[0] + i * dilations[0], x * (strides[1] * channels) + t},
        ctx);
    Value rows = collapse(input, {{0}, {1}, {2, 3}});
    cols = collapse(copyWindows(rewriter, loc, rows, inMap,
                                {out[0], out[1], out[2], kh, kw * channels}),
                    {{0}, {1, 2}, {3, 4}});
  } else {
    // Copy loops: (n, c, i, j, y, x) or (n, y, x, i, j, c).
    AffineExpr n, c, i, j, y, x;
    if (channelsLast)
      bindDims(ctx, n, y, x, i, j, c);
    else
      bindDims(ctx, n, c, i, j, y, x);
    AffineExpr row = y * strides[0] + i * dilations[0],
               col = x * strides[1] + j * dilations[1];
    AffineMap inMap = channelsLast
                          ? AffineMap::get(6, 0, {n, row, col, c}, ctx)
                          : AffineMap::get(6, 0, {n, c, row, col}, ctx);
    SmallVector<int64_t> shape =
        channelsLast
            ? SmallVector<int64_t>{out[0], out[1], out[2], kh, kw, channels}
            : SmallVector<int64_t>{out[0], channels, kh, kw, out[2], out[3]};
    SmallVector<ReassociationIndices> groups =
        channelsLast
            ? SmallVector<ReassociationIndices>{{0}, {1, 2}, {3, 4, 5}}
            : SmallVector<ReassociationIndices>{{0}, {1, 2, 3}, {4, 5}};
    cols = collapse(copyWindows(rewriter, loc, input, inMap, shape), groups);
  }
  // 16-bit convs sum in f32.
  Type element = initType.getElementType();
  bool widen = element.isF16() || element.isBF16();
  if (widen)
    init = widenInit(rewriter, loc, init);
  // Loops (n, p, f, k) or (n, f, p, k).
  AffineExpr n, p, f, k;
  Value gemm;
  if (channelsLast) {
    bindDims(ctx, n, p, f, k);
    gemm = contract(rewriter, loc, cols, collapse(filter, {{0, 1, 2}, {3}}),
                    collapse(init, spatialGroups),
                    {AffineMap::get(4, 0, {n, p, k}, ctx),
                     AffineMap::get(4, 0, {k, f}, ctx),
                     AffineMap::get(4, 0, {n, p, f}, ctx)});
  } else {
    bindDims(ctx, n, f, p, k);
    gemm = contract(rewriter, loc, collapse(filter, {{0}, {1, 2, 3}}), cols,
                    collapse(init, spatialGroups),
                    {AffineMap::get(4, 0, {f, k}, ctx),
                     AffineMap::get(4, 0, {n, k, p}, ctx),
                     AffineMap::get(4, 0, {n, f, p}, ctx)});
  }
  return finishGemm(rewriter, loc, gemm, initType, spatialGroups);
}

/// A float NCHW 2-D conv with static shapes as an implicit GEMM: the
/// contraction of rewriteConvAsGemm (loops (n, f, p, k), out[n, f, p] +=
/// filter[f, k] * cols[n, k, p]) with no window copy: a gather contraction
/// whose body reads cols[n, k, p] from the input itself, at
/// in[n, c, oh*sh + kh*dh - top, ow*sw + kw*dw - left] with k = (c, kh, kw)
/// and p = (oh, ow) taken apart by division. A zero pad of the spatial
/// dimensions (the graph lowering's tensor.pad) becomes a bounds check on
/// the read, so neither the padded image nor the window copy is written.
/// Fails where the copy-free GEMM on views applies (1x1, unit strides, no
/// padding) and for other convs.
FailureOr<Value> rewriteConvAsImplicitGemm(RewriterBase &rewriter,
                                           linalg::Conv2DNchwFchwOp conv) {
  if (failed(checkStaticFloat(conv)))
    return failure();
  Value input = conv.getDpsInputs()[0], filter = conv.getDpsInputs()[1];
  Value init = conv.getDpsInits()[0];
  // The image before a zero pad of its spatial dimensions.
  Value source = input;
  int64_t top = 0, left = 0;
  if (auto pad = input.getDefiningOp<tensor::PadOp>()) {
    ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
    Value padValue = pad.getConstantPaddingValue();
    if (padValue && matchPattern(padValue, m_AnyZeroFloat()) &&
        pad.getLow().empty() && pad.getHigh().empty() && low[0] == 0 &&
        low[1] == 0 && high[0] == 0 && high[1] == 0 &&
        cast<RankedTensorType>(pad.getSourceType()).hasStaticShape()) {
      source = pad.getSource();
      top = low[2];
      left = low[3];
    }
  }
  ArrayRef<int64_t> in = cast<RankedTensorType>(source.getType()).getShape();
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto initType = cast<RankedTensorType>(init.getType());
  ArrayRef<int64_t> out = initType.getShape();
  int64_t kh = filterType.getDimSize(2), kw = filterType.getDimSize(3);
  SmallVector<int64_t> strides =
      llvm::to_vector(conv.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations =
      llvm::to_vector(conv.getDilations().getValues<int64_t>());
  int64_t sh = strides[0], sw = strides[1], dh = dilations[0],
          dw = dilations[1];
  if (kh == 1 && kw == 1 && sh == 1 && sw == 1 && source == input)
    return failure(); // the input already is the im2col matrix
  // Which reads can leave the image (and read the pad's zeros).
  int64_t lastRow = (out[2] - 1) * sh + (kh - 1) * dh - top;
  int64_t lastCol = (out[3] - 1) * sw + (kw - 1) * dw - left;
  bool checkTop = top > 0, checkLeft = left > 0, checkBottom = lastRow >= in[2],
       checkRight = lastCol >= in[3];

  Location loc = conv.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  Type element = initType.getElementType();
  bool widen = element.isF16() || element.isBF16();
  SmallVector<ReassociationIndices> spatialGroups = {{0}, {1}, {2, 3}};
  Value acc = tensor::CollapseShapeOp::create(
      rewriter, loc, widen ? widenInit(rewriter, loc, init) : init,
      spatialGroups);
  Value weights = tensor::CollapseShapeOp::create(
      rewriter, loc, filter, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
  AffineExpr n, f, p, k;
  bindDims(ctx, n, f, p, k);
  using utils::IteratorType;
  SmallVector<IteratorType> iterators = {
      IteratorType::parallel, IteratorType::parallel, IteratorType::parallel,
      IteratorType::reduction};
  Value gemm =
      linalg::GenericOp::create(
          rewriter, loc, acc.getType(), ValueRange{weights}, ValueRange{acc},
          SmallVector<AffineMap>{AffineMap::get(4, 0, {f, k}, ctx),
                                 AffineMap::get(4, 0, {n, f, p}, ctx)},
          iterators,
          [&](OpBuilder &b, Location loc, ValueRange args) {
            auto c = [&](int64_t v) {
              return arith::ConstantIndexOp::create(b, loc, v).getResult();
            };
            auto mul = [&](Value v, int64_t by) {
              return by == 1 ? v : arith::MulIOp::create(b, loc, v, c(by));
            };
            auto add = [&](Value x, Value y) {
              return arith::AddIOp::create(b, loc, x, y).getResult();
            };
            auto cmp = [&](arith::CmpIPredicate pred, Value x, int64_t v) {
              return arith::CmpIOp::create(b, loc, pred, x, c(v)).getResult();
            };
            Value image = linalg::IndexOp::create(b, loc, 0);
            Value position = linalg::IndexOp::create(b, loc, 2);
            Value reduction = linalg::IndexOp::create(b, loc, 3);
            Value taps = c(kh * kw);
            Value channel = arith::DivUIOp::create(b, loc, reduction, taps);
            Value tap = arith::RemUIOp::create(b, loc, reduction, taps);
            Value i = arith::DivUIOp::create(b, loc, tap, c(kw));
            Value j = arith::RemUIOp::create(b, loc, tap, c(kw));
            Value y = arith::DivUIOp::create(b, loc, position, c(out[3]));
            Value x = arith::RemUIOp::create(b, loc, position, c(out[3]));
            Value row = add(mul(y, sh), mul(i, dh));
            Value col = add(mul(x, sw), mul(j, dw));
            if (top)
              row = arith::SubIOp::create(b, loc, row, c(top));
            if (left)
              col = arith::SubIOp::create(b, loc, col, c(left));
            Value inside;
            auto require = [&](Value check) {
              inside =
                  inside
                      ? arith::AndIOp::create(b, loc, inside, check).getResult()
                      : check;
            };
            if (checkTop)
              require(cmp(arith::CmpIPredicate::sge, row, 0));
            if (checkBottom)
              require(cmp(arith::CmpIPredicate::slt, row, in[2]));
            if (checkLeft)
              require(cmp(arith::CmpIPredicate::sge, col, 0));
            if (checkRight)
              require(cmp(arith::CmpIPredicate::slt, col, in[3]));
            if (inside) {
              row = arith::SelectOp::create(b, loc, inside, row, c(0));
              col = arith::SelectOp::create(b, loc, inside, col, c(0));
            }
            Value v = tensor::ExtractOp::create(
                b, loc, source, ValueRange{image, channel, row, col});
            if (inside)
              v = arith::SelectOp::create(
                  b, loc, inside, v,
                  arith::ConstantOp::create(b, loc, b.getZeroAttr(element)));
            linalg::YieldOp::create(b, loc,
                                    multiplyAdd(b, loc, args[0], v, args[1]));
          })
          .getResult(0);
  return finishGemm(rewriter, loc, gemm, initType, spatialGroups);
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

/// Whether `conv`'s body is `out + in * w` (float, either order) and its init
/// a fill of zeros.
bool isMultiplyAccumulateOfZero(linalg::GenericOp conv) {
  Block &body = conv.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (body.getOperations().size() != 3 || !add)
    return false;
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
    return false;
  auto fill = conv.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  return fill && matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
}

/// A 2-D window's strides and dilations.
struct Window {
  int64_t sh, sw, dh, dw;
};

/// The window of an input map whose results `hResult` and `hResult + 1` are
/// `oh*sh + kh*dh` and `ow*sw + kw*dw`, with ow and kw the loops after oh and
/// kh (coefficients of -1 where a result does not have that form).
Window windowOf(AffineMap inMap, unsigned hResult, unsigned ohLoop,
                unsigned khLoop) {
  unsigned n = inMap.getNumDims();
  AffineExpr h = inMap.getResult(hResult), w = inMap.getResult(hResult + 1);
  return {coefficient(h, n, ohLoop), coefficient(w, n, ohLoop + 1),
          coefficient(h, n, khLoop), coefficient(w, n, khLoop + 1)};
}

/// Positive strides and dilations, and every window inside the input.
bool windowFits(Window window, int64_t oh, int64_t ow, int64_t kh, int64_t kw,
                int64_t height, int64_t width) {
  auto [sh, sw, dh, dw] = window;
  return sh >= 1 && sw >= 1 && dh >= 1 && dw >= 1 &&
         (oh - 1) * sh + (kh - 1) * dh < height &&
         (ow - 1) * sw + (kw - 1) * dw < width;
}

/// A depthwise conv generic's operands and types.
struct DepthwiseOperands {
  Value input, filter;
  RankedTensorType inType, filterType, resultType;
  Type element;
};

/// `conv`'s operands when it has `loops` loops (the last two or three, the
/// window and for channels first a unit channel, reductions), static float
/// input, filter and result of rank `rank`, and computes `out + in * w` from
/// zeros.
std::optional<DepthwiseOperands> matchDepthwise(linalg::GenericOp conv,
                                                int64_t loops, int64_t rank) {
  if (conv.getNumDpsInputs() != 2 || conv.getNumDpsInits() != 1 ||
      conv.getNumLoops() != loops || conv.getNumParallelLoops() != rank ||
      !isMultiplyAccumulateOfZero(conv))
    return std::nullopt;
  DepthwiseOperands r;
  r.input = conv.getDpsInputs()[0];
  r.filter = conv.getDpsInputs()[1];
  r.inType = dyn_cast<RankedTensorType>(r.input.getType());
  r.filterType = dyn_cast<RankedTensorType>(r.filter.getType());
  r.resultType = dyn_cast<RankedTensorType>(conv.getResultTypes()[0]);
  for (RankedTensorType type : {r.inType, r.filterType, r.resultType})
    if (!type || !type.hasStaticShape() || type.getRank() != rank)
      return std::nullopt;
  r.element = r.resultType.getElementType();
  if (!isa<FloatType>(r.element) || r.inType.getElementType() != r.element ||
      r.filterType.getElementType() != r.element)
    return std::nullopt;
  return r;
}

/// One elementwise generic of type `type` (a depthwise conv's result, its
/// channels at `channelDim`) summing, from zero in the window's order, each
/// of the kh x kw taps `tap(i, j)` gives: a strided slice of the input of
/// type `type` and that tap's [C] weights.
Value sumOfTaps(RewriterBase &rewriter, Location loc, RankedTensorType type,
                unsigned channelDim, int64_t kh, int64_t kw,
                function_ref<std::pair<Value, Value>(int64_t, int64_t)> tap) {
  Type element = type.getElementType();
  int64_t rank = type.getRank();
  AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
  AffineMap perChannel = AffineMap::get(
      rank, 0, {rewriter.getAffineDimExpr(channelDim)}, rewriter.getContext());
  SmallVector<Value> operands;
  SmallVector<AffineMap> maps;
  for (int64_t i = 0; i < kh; ++i)
    for (int64_t j = 0; j < kw; ++j) {
      auto [slice, weight] = tap(i, j);
      operands.append({slice, weight});
      maps.append({identity, perChannel});
    }
  maps.push_back(identity);
  Value empty =
      tensor::EmptyOp::create(rewriter, loc, type.getShape(), element);
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             rewriter, loc, type, operands, ValueRange{empty}, maps, parallel,
             [&](OpBuilder &b, Location loc, ValueRange args) {
               Value total = arith::ConstantOp::create(
                   b, loc, element, b.getFloatAttr(element, 0.0));
               for (size_t t = 0; t + 1 < args.size(); t += 2) {
                 Value product =
                     arith::MulFOp::create(b, loc, args[t], args[t + 1]);
                 total = arith::AddFOp::create(b, loc, total, product);
               }
               linalg::YieldOp::create(b, loc, total);
             })
      .getResult(0);
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
  // The input viewed as [N, C, 1, H, W] and the filter as [C, 1, 1, KH, KW]
  // (one channel per group), the result [N, C, 1, OH, OW].
  std::optional<DepthwiseOperands> operandsOf =
      matchDepthwise(conv, /*loops=*/8, /*rank=*/5);
  if (!operandsOf)
    return failure();
  auto [input, filter, inType, filterType, resultType, element] = *operandsOf;
  ArrayRef<int64_t> out = resultType.getShape();
  int64_t channels = inType.getDimSize(1);
  if (inType.getDimSize(2) != 1 || out[1] != channels || out[2] != 1 ||
      filterType.getDimSize(0) != channels || filterType.getDimSize(1) != 1 ||
      filterType.getDimSize(2) != 1)
    return failure();
  int64_t kh = filterType.getDimSize(3), kw = filterType.getDimSize(4);

  // The maps, rebuilt from the strides and dilations they show, must be the
  // window form's.
  SmallVector<AffineMap> maps = conv.getIndexingMapsArray();
  AffineMap inMap = maps[0];
  if (inMap.getNumResults() != 5)
    return failure();
  auto [sh, sw, dh, dw] = windowOf(inMap, /*hResult=*/3, /*ohLoop=*/3,
                                   /*khLoop=*/6);
  MLIRContext *ctx = rewriter.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> expected = {
      AffineMap::get(
          8, 0,
          {d(0), d(1), d(5), d(3) * sh + d(6) * dh, d(4) * sw + d(7) * dw},
          ctx),
      AffineMap::get(8, 0, {d(1), d(2), d(5), d(6), d(7)}, ctx),
      AffineMap::get(8, 0, {d(0), d(1), d(2), d(3), d(4)}, ctx)};
  int64_t oh = out[3], ow = out[4];
  if (maps != expected ||
      !windowFits({sh, sw, dh, dw}, oh, ow, kh, kw, inType.getDimSize(3),
                  inType.getDimSize(4)))
    return failure();

  Location loc = conv.getLoc();
  int64_t batch = out[0];
  auto sumType = RankedTensorType::get({batch, channels, oh, ow}, element);
  auto index = [&](ArrayRef<int64_t> values) {
    return getAsIndexOpFoldResult(ctx, values);
  };
  Value sum = sumOfTaps(
      rewriter, loc, sumType, /*channelDim=*/1, kh, kw,
      [&](int64_t i, int64_t j) {
        // Rank-reducing slices: the unit dims go.
        Value slice = tensor::ExtractSliceOp::create(
            rewriter, loc, sumType, input, index({0, 0, 0, i * dh, j * dw}),
            index({batch, channels, 1, oh, ow}), index({1, 1, 1, sh, sw}));
        Value weight = tensor::ExtractSliceOp::create(
            rewriter, loc, RankedTensorType::get({channels}, element), filter,
            index({0, 0, 0, i, j}), index({channels, 1, 1, 1, 1}),
            index({1, 1, 1, 1, 1}));
        return std::pair(slice, weight);
      });
  return tensor::ExpandShapeOp::create(
             rewriter, loc, resultType, sum,
             SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}})
      .getResult();
}

/// A depthwise 2-D conv channels last as the graph lowering writes it (a
/// generic over (n, oh, ow, c, kh, kw) reading in[n, oh*s + kh*d,
/// ow*s + kw*d, c] of the padded input and filter[kh, kw, 0, c]) as the same
/// sum of taps as the channels-first one: each tap a strided slice of the
/// input [N, OH, OW, C] times the tap's weights, a [C] slice of the filter,
/// so it vectorizes along the channels.
FailureOr<Value> rewriteDepthwiseConvNhwc(RewriterBase &rewriter,
                                          linalg::GenericOp conv) {
  std::optional<DepthwiseOperands> operandsOf =
      matchDepthwise(conv, /*loops=*/6, /*rank=*/4);
  if (!operandsOf)
    return failure();
  auto [input, filter, inType, filterType, resultType, element] = *operandsOf;
  ArrayRef<int64_t> out = resultType.getShape();
  int64_t channels = out[3];
  if (inType.getDimSize(3) != channels || filterType.getDimSize(2) != 1 ||
      filterType.getDimSize(3) != channels)
    return failure();
  int64_t kh = filterType.getDimSize(0), kw = filterType.getDimSize(1);
  SmallVector<AffineMap> maps = conv.getIndexingMapsArray();
  AffineMap inMap = maps[0];
  if (inMap.getNumResults() != 4)
    return failure();
  auto [sh, sw, dh, dw] = windowOf(inMap, /*hResult=*/1, /*ohLoop=*/1,
                                   /*khLoop=*/4);
  MLIRContext *ctx = rewriter.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> expected = {
      AffineMap::get(6, 0,
                     {d(0), d(1) * sh + d(4) * dh, d(2) * sw + d(5) * dw, d(3)},
                     ctx),
      AffineMap::get(6, 0, {d(4), d(5), getAffineConstantExpr(0, ctx), d(3)},
                     ctx),
      AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, ctx)};
  int64_t oh = out[1], ow = out[2], batch = out[0];
  if (maps != expected ||
      !windowFits({sh, sw, dh, dw}, oh, ow, kh, kw, inType.getDimSize(1),
                  inType.getDimSize(2)))
    return failure();

  Location loc = conv.getLoc();
  auto index = [&](ArrayRef<int64_t> values) {
    return getAsIndexOpFoldResult(ctx, values);
  };
  return sumOfTaps(
      rewriter, loc, resultType, /*channelDim=*/3, kh, kw,
      [&](int64_t i, int64_t j) {
        Value slice = tensor::ExtractSliceOp::create(
            rewriter, loc, resultType, input, index({0, i * dh, j * dw, 0}),
            index({batch, oh, ow, channels}), index({1, sh, sw, 1}));
        Value weight = tensor::ExtractSliceOp::create(
            rewriter, loc, RankedTensorType::get({channels}, element), filter,
            index({i, j, 0, 0}), index({1, 1, 1, channels}),
            index({1, 1, 1, 1}));
        return std::pair(slice, weight);
      });
}

/// A pool as the graph lowering writes it (a generic over the result's
/// loops, then one reduction loop per window dimension, reading
/// in[.., o*s + k*d, ..] and a window operand that only gives the reduction
/// loops their extent, combining the element into the result) as one
/// elementwise generic over the result whose operands are the window's taps,
/// each a strided slice of the input: its maps are projections, so it
/// vectorizes (along the channels of an NHWC pool). The taps are combined in
/// the window's order, starting from the init, as the window form does.
/// Windows of more than kMaxTaps elements keep the window form.
FailureOr<Value> rewritePoolAsTaps(RewriterBase &rewriter,
                                   linalg::GenericOp pool) {
  constexpr int64_t kMaxTaps = 25;
  if (pool.getNumDpsInputs() != 2 || pool.getNumDpsInits() != 1 ||
      !pool.getDpsInputs()[1].getDefiningOp<tensor::EmptyOp>())
    return failure();
  Value input = pool.getDpsInputs()[0], init = pool.getDpsInits()[0];
  auto inType = dyn_cast<RankedTensorType>(input.getType());
  auto resultType = dyn_cast<RankedTensorType>(init.getType());
  if (!inType || !resultType || !inType.hasStaticShape() ||
      !resultType.hasStaticShape() || inType.getRank() != resultType.getRank())
    return failure();
  int64_t rank = resultType.getRank(), numLoops = pool.getNumLoops();
  int64_t k = numLoops - rank;
  SmallVector<AffineMap> maps = pool.getIndexingMapsArray();
  SmallVector<int64_t> ranges = pool.getStaticLoopRanges();
  MLIRContext *ctx = rewriter.getContext();
  if (k < 1 ||
      maps[2] != AffineMap::getMultiDimIdentityMap(numLoops, ctx)
                     .getMajorSubMap(rank) ||
      maps[1] !=
          AffineMap::getMultiDimIdentityMap(numLoops, ctx).getMinorSubMap(k) ||
      pool.getNumParallelLoops() != static_cast<unsigned>(rank))
    return failure();
  for (int64_t l = 0; l < numLoops; ++l)
    if ((l < rank) !=
        (pool.getIteratorTypesArray()[l] == utils::IteratorType::parallel))
      return failure();
  int64_t taps = 1;
  for (int64_t l = rank; l < numLoops; ++l)
    taps *= ranges[l];
  if (taps > kMaxTaps)
    return failure();
  // The body: one op combining the element (arg 0) into the result (arg 2).
  Block &body = pool.getRegion().front();
  if (body.getOperations().size() != 2)
    return failure();
  Operation *combine = &body.front();
  if (combine->getNumOperands() != 2 || combine->getNumResults() != 1 ||
      body.getTerminator()->getOperand(0) != combine->getResult(0) ||
      !llvm::is_contained(combine->getOperands(), body.getArgument(0)) ||
      !llvm::is_contained(combine->getOperands(), body.getArgument(2)))
    return failure();

  // Per input dimension: the result loop it follows, and for a window
  // dimension its reduction loop, stride and dilation.
  struct Dim {
    int64_t loop, window = -1, stride = 1, dilation = 1;
  };
  SmallVector<Dim> dims;
  for (AffineExpr expr : maps[0].getResults()) {
    if (auto d = dyn_cast<AffineDimExpr>(expr)) {
      if (d.getPosition() >= rank)
        return failure();
      dims.push_back({d.getPosition()});
      continue;
    }
    Dim dim{-1};
    for (int64_t l = 0; l < numLoops; ++l) {
      int64_t c = coefficient(expr, numLoops, l);
      if (c < 0)
        return failure();
      if (c == 0)
        continue;
      if (l < rank && dim.loop < 0) {
        dim.loop = l;
        dim.stride = c;
      } else if (l >= rank && dim.window < 0) {
        dim.window = l;
        dim.dilation = c;
      } else {
        return failure();
      }
    }
    if (dim.loop < 0 || dim.window < 0 ||
        expr != getAffineDimExpr(dim.loop, ctx) * dim.stride +
                    getAffineDimExpr(dim.window, ctx) * dim.dilation)
      return failure();
    int64_t span = (ranges[dim.loop] - 1) * dim.stride +
                   (ranges[dim.window] - 1) * dim.dilation;
    if (span >= inType.getDimSize(dims.size()))
      return failure();
    dims.push_back(dim);
  }

  Location loc = pool.getLoc();
  SmallVector<AffineExpr> sliceExprs;
  SmallVector<int64_t> sliceShape;
  for (const Dim &dim : dims) {
    sliceExprs.push_back(getAffineDimExpr(dim.loop, ctx));
    sliceShape.push_back(ranges[dim.loop]);
  }
  AffineMap sliceMap = AffineMap::get(rank, 0, sliceExprs, ctx);
  SmallVector<Value> operands;
  SmallVector<int64_t> tap(k, 0);
  for (int64_t t = 0; t < taps; ++t) {
    SmallVector<OpFoldResult> offsets, sizes, strides;
    for (const Dim &dim : dims) {
      offsets.push_back(rewriter.getIndexAttr(
          dim.window < 0 ? 0 : tap[dim.window - rank] * dim.dilation));
      sizes.push_back(rewriter.getIndexAttr(ranges[dim.loop]));
      strides.push_back(rewriter.getIndexAttr(dim.stride));
    }
    operands.push_back(
        tensor::ExtractSliceOp::create(rewriter, loc, inType.clone(sliceShape),
                                       input, offsets, sizes, strides));
    // Next tap, the last window dimension fastest.
    for (int64_t w = k - 1; w >= 0; --w) {
      if (++tap[w] < ranges[rank + w])
        break;
      tap[w] = 0;
    }
  }
  SmallVector<AffineMap> tapMaps(taps, sliceMap);
  tapMaps.push_back(rewriter.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             rewriter, loc, resultType, operands, ValueRange{init}, tapMaps,
             parallel,
             [&](OpBuilder &b, Location loc, ValueRange args) {
               Value acc = args.back();
               for (Value element : args.drop_back()) {
                 IRMapping mapping;
                 mapping.map(body.getArgument(0), element);
                 mapping.map(body.getArgument(2), acc);
                 acc = b.clone(*combine, mapping)->getResult(0);
               }
               linalg::YieldOp::create(b, loc, acc);
             })
      .getResult(0);
}

struct ConvToGemmPass : public impl::ConvToGemmPassBase<ConvToGemmPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<Operation *> candidates;
    getOperation()->walk([&](Operation *op) {
      if (isa<linalg::GenericOp, linalg::Conv2DNchwFchwOp,
              linalg::Conv2DNhwcHwcfOp>(op))
        candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *op : candidates) {
      rewriter.setInsertionPoint(op);
      FailureOr<Value> rewritten = failure();
      if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
        if (!taps)
          continue;
        rewritten = rewriteDepthwiseConv(rewriter, generic);
        if (failed(rewritten))
          rewritten = rewriteDepthwiseConvNhwc(rewriter, generic);
        if (failed(rewritten))
          rewritten = rewritePoolAsTaps(rewriter, generic);
      } else if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op)) {
        if (implicit)
          rewritten = rewriteConvAsImplicitGemm(rewriter, conv);
        if (failed(rewritten))
          rewritten = rewriteConvAsGemm(rewriter, conv, /*channelsLast=*/false,
                                        conv.getStrides(), conv.getDilations());
      } else if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op)) {
        rewritten = rewriteConvAsGemm(rewriter, conv, /*channelsLast=*/true,
                                      conv.getStrides(), conv.getDilations());
      }
      if (succeeded(rewritten)) {
        // A pad the implicit GEMM folded into its reads goes too.
        Operation *producer = op->getOperand(0).getDefiningOp();
        rewriter.replaceOp(op, *rewritten);
        if (isa_and_nonnull<tensor::PadOp>(producer) && producer->use_empty())
          rewriter.eraseOp(producer);
        continue;
      }
      // A conv the rewrites do not handle (dynamic shapes, integers):
      // upstream's im2col.
      if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op))
        (void)linalg::rewriteInIm2Col(rewriter, conv);
      else if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op))
        (void)linalg::rewriteInIm2Col(rewriter, conv);
    }
  }
};
} // namespace
} // namespace aicc
