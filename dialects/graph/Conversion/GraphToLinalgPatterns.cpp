//===- GraphToLinalgPatterns.cpp - graph ops → linalg-on-tensors ----------===//
//
// Elementwise ops become one linalg.generic whose indexing maps encode the
// numpy broadcast; matmul becomes a linalg.generic with a reduction over k and
// broadcast batch dimensions; transpose, reshape and constants map onto
// linalg.transpose, tensor.reshape and arith.constant.
//
//===----------------------------------------------------------------------===//

#include "dialects/graph/Conversion/Passes.h"
#include "dialects/graph/IR/GraphDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace aicc::graph;

namespace {

/// What an element type means arithmetically, after it became signless.
enum class Kind { Float, Signed, Unsigned };

Kind kindOf(Type graphElementType) {
  if (isa<FloatType>(graphElementType))
    return Kind::Float;
  return graphElementType.isUnsignedInteger() ? Kind::Unsigned : Kind::Signed;
}

Type elementTypeOf(Value v) {
  return cast<ShapedType>(v.getType()).getElementType();
}

/// Builds `linalg.generic` computing `body` elementwise over `operands`,
/// broadcast numpy-style to `resultType`.
Value buildElementwise(
    OpBuilder &b, Location loc, RankedTensorType resultType,
    ValueRange operands,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps;
  SmallVector<Value> inputs;
  for (Value operand : operands) {
    auto type = cast<RankedTensorType>(operand.getType());
    ArrayRef<int64_t> shape = type.getShape();
    int64_t offset = rank - static_cast<int64_t>(shape.size());
    // Dims of size 1 that broadcast are collapsed away, so every map is a
    // projected permutation (which fusion and reshape propagation need).
    SmallVector<AffineExpr> exprs;
    SmallVector<ReassociationIndices> groups;
    ReassociationIndices leading; // broadcast dims before the first kept one
    SmallVector<int64_t> kept;
    for (auto [i, dim] : llvm::enumerate(shape)) {
      if (dim != 1 || resultType.getDimSize(offset + i) == 1) {
        exprs.push_back(b.getAffineDimExpr(offset + i));
        kept.push_back(dim);
        groups.emplace_back();
      }
      (groups.empty() ? leading : groups.back()).push_back(i);
    }
    if (kept.size() != shape.size()) {
      if (!groups.empty())
        groups.front().insert(groups.front().begin(), leading.begin(),
                              leading.end());
      operand = tensor::CollapseShapeOp::create(b, loc, type.clone(kept),
                                                operand, groups);
    }
    inputs.push_back(operand);
    maps.push_back(AffineMap::get(rank, 0, exprs, b.getContext()));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                       resultType.getElementType());
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, inputs, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, args.drop_back()));
      });
  return generic.getResult(0);
}

Value zeroOf(OpBuilder &b, Location loc, Type type) {
  return arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
}

/// Lowers an elementwise graph op whose scalar semantics is `scalar`.
template <typename OpTy>
struct ElementwiseLowering : OpConversionPattern<OpTy> {
  using ScalarFn = Value (*)(OpBuilder &, Location, Kind, ValueRange,
                             Operation *);

  ElementwiseLowering(const TypeConverter &converter, MLIRContext *ctx,
                      ScalarFn scalar)
      : OpConversionPattern<OpTy>(converter, ctx), scalar(scalar) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast_or_null<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    if (!resultType || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static result shape");
    // The last operand has the data type (select's first is the condition).
    Kind kind = kindOf(elementTypeOf(op->getOperands().back()));
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return scalar(b, loc, kind, args, op);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

  ScalarFn scalar;
};

// Scalar semantics of each elementwise op, by element kind.

/// A binary op that is one arith op per element kind: `F` for floats, `S`
/// for signed and `U` for unsigned integers.
template <typename F, typename S, typename U = S>
Value scalarBinary(OpBuilder &b, Location loc, Kind kind, ValueRange a,
                   Operation *) {
  if (kind == Kind::Float)
    return F::create(b, loc, a[0], a[1]);
  if (kind == Kind::Unsigned)
    return U::create(b, loc, a[0], a[1]);
  return S::create(b, loc, a[0], a[1]);
}

constexpr auto *scalarAdd = &scalarBinary<arith::AddFOp, arith::AddIOp>;
constexpr auto *scalarSub = &scalarBinary<arith::SubFOp, arith::SubIOp>;
constexpr auto *scalarMul = &scalarBinary<arith::MulFOp, arith::MulIOp>;
constexpr auto *scalarDiv =
    &scalarBinary<arith::DivFOp, arith::DivSIOp, arith::DivUIOp>;
constexpr auto *scalarMax =
    &scalarBinary<arith::MaximumFOp, arith::MaxSIOp, arith::MaxUIOp>;
constexpr auto *scalarMin =
    &scalarBinary<arith::MinimumFOp, arith::MinSIOp, arith::MinUIOp>;

Value scalarRelu(OpBuilder &b, Location loc, Kind kind, ValueRange a,
                 Operation *) {
  Value zero = zeroOf(b, loc, a[0].getType());
  if (kind == Kind::Float)
    return arith::MaximumFOp::create(b, loc, a[0], zero);
  if (kind == Kind::Unsigned)
    return a[0];
  return arith::MaxSIOp::create(b, loc, a[0], zero);
}

Value scalarNeg(OpBuilder &b, Location loc, Kind kind, ValueRange a,
                Operation *) {
  if (kind == Kind::Float)
    return arith::NegFOp::create(b, loc, a[0]);
  return arith::SubIOp::create(b, loc, zeroOf(b, loc, a[0].getType()), a[0]);
}

Value scalarExp(OpBuilder &b, Location loc, Kind, ValueRange a, Operation *) {
  return math::ExpOp::create(b, loc, a[0]);
}

Value scalarTanh(OpBuilder &b, Location loc, Kind, ValueRange a, Operation *) {
  return math::TanhOp::create(b, loc, a[0]);
}

// sigmoid(x) = 1 / (1 + e^-x)
Value scalarSigmoid(OpBuilder &b, Location loc, Kind, ValueRange a,
                    Operation *) {
  Type type = a[0].getType();
  Value one = arith::ConstantOp::create(b, loc, b.getFloatAttr(type, 1.0));
  Value negated = arith::NegFOp::create(b, loc, a[0]);
  Value denom =
      arith::AddFOp::create(b, loc, one, math::ExpOp::create(b, loc, negated));
  return arith::DivFOp::create(b, loc, one, denom);
}

Value scalarPow(OpBuilder &b, Location loc, Kind kind, ValueRange a,
                Operation *) {
  if (kind == Kind::Float)
    return math::PowFOp::create(b, loc, a[0], a[1]);
  return math::IPowIOp::create(b, loc, a[0], a[1]);
}

// fmod: sign of the dividend; otherwise floored: r += b when r != 0 and the
// signs of r and b differ.
Value scalarMod(OpBuilder &b, Location loc, Kind kind, ValueRange a,
                Operation *op) {
  if (kind == Kind::Float)
    return arith::RemFOp::create(b, loc, a[0], a[1]);
  if (kind == Kind::Unsigned)
    return arith::RemUIOp::create(b, loc, a[0], a[1]);
  Value r = arith::RemSIOp::create(b, loc, a[0], a[1]);
  if (cast<ModOp>(op).getFmod())
    return r;
  Value zero = zeroOf(b, loc, r.getType());
  Value nonZero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, r, zero);
  Value rNeg =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
  Value bNeg =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a[1], zero);
  Value signsDiffer = arith::XOrIOp::create(b, loc, rNeg, bNeg);
  Value adjust = arith::AndIOp::create(b, loc, nonZero, signsDiffer);
  return arith::SelectOp::create(b, loc, adjust,
                                 arith::AddIOp::create(b, loc, r, a[1]), r);
}

Value scalarAnd(OpBuilder &b, Location loc, Kind, ValueRange a, Operation *) {
  return arith::AndIOp::create(b, loc, a[0], a[1]);
}
Value scalarOr(OpBuilder &b, Location loc, Kind, ValueRange a, Operation *) {
  return arith::OrIOp::create(b, loc, a[0], a[1]);
}
Value scalarXor(OpBuilder &b, Location loc, Kind, ValueRange a, Operation *) {
  return arith::XOrIOp::create(b, loc, a[0], a[1]);
}
Value scalarShl(OpBuilder &b, Location loc, Kind, ValueRange a, Operation *) {
  return arith::ShLIOp::create(b, loc, a[0], a[1]);
}
Value scalarShr(OpBuilder &b, Location loc, Kind kind, ValueRange a,
                Operation *) {
  if (kind == Kind::Unsigned)
    return arith::ShRUIOp::create(b, loc, a[0], a[1]);
  return arith::ShRSIOp::create(b, loc, a[0], a[1]);
}

/// Comparison `F` (float, ordered) / `S` (signed) / `U` (unsigned).
template <arith::CmpFPredicate F, arith::CmpIPredicate S,
          arith::CmpIPredicate U>
Value scalarCompare(OpBuilder &b, Location loc, Kind kind, ValueRange a,
                    Operation *) {
  if (kind == Kind::Float)
    return arith::CmpFOp::create(b, loc, F, a[0], a[1]);
  return arith::CmpIOp::create(b, loc, kind == Kind::Unsigned ? U : S, a[0],
                               a[1]);
}

Value scalarSelect(OpBuilder &b, Location loc, Kind, ValueRange a,
                   Operation *) {
  return arith::SelectOp::create(b, loc, a[0], a[1], a[2]);
}

Value scalarAbs(OpBuilder &b, Location loc, Kind kind, ValueRange a,
                Operation *) {
  if (kind == Kind::Float)
    return math::AbsFOp::create(b, loc, a[0]);
  if (kind == Kind::Unsigned)
    return a[0];
  return math::AbsIOp::create(b, loc, a[0]);
}

Value scalarNot(OpBuilder &b, Location loc, Kind, ValueRange a, Operation *) {
  Value one = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
  return arith::XOrIOp::create(b, loc, a[0], one);
}

Value scalarIsNan(OpBuilder &b, Location loc, Kind, ValueRange a, Operation *) {
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, a[0], a[0]);
}

/// A float unary op that is exactly one math-dialect op.
template <typename MathOp>
Value scalarMath(OpBuilder &b, Location loc, Kind, ValueRange a, Operation *) {
  return MathOp::create(b, loc, a[0]);
}

/// Converts scalar `v` from graph element type `from` to graph element type
/// `to` (whose signless form is `toSignless`), as graph.cast defines.
Value convertScalar(OpBuilder &b, Location loc, Value v, Type from, Type to,
                    Type toSignless) {
  if (from == to)
    return v;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (to.isInteger(1)) {
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v,
                                   zeroOf(b, loc, v.getType()));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v,
                                 zeroOf(b, loc, v.getType()));
  }
  if (fromFloat && toFloat) {
    if (fromFloat.getWidth() == toFloat.getWidth()) // f16 <-> bf16
      v = arith::ExtFOp::create(b, loc, b.getF32Type(), v);
    if (cast<FloatType>(v.getType()).getWidth() < toFloat.getWidth())
      return arith::ExtFOp::create(b, loc, to, v);
    return arith::TruncFOp::create(b, loc, to, v);
  }
  bool fromUnsigned = from.isUnsignedInteger() || from.isInteger(1);
  if (toFloat) {
    if (fromUnsigned)
      return arith::UIToFPOp::create(b, loc, to, v);
    return arith::SIToFPOp::create(b, loc, to, v);
  }
  if (fromFloat) {
    if (to.isUnsignedInteger())
      return arith::FPToUIOp::create(b, loc, toSignless, v);
    return arith::FPToSIOp::create(b, loc, toSignless, v);
  }
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = toSignless.getIntOrFloatBitWidth();
  if (fromWidth == toWidth)
    return v;
  if (fromWidth > toWidth)
    return arith::TruncIOp::create(b, loc, toSignless, v);
  if (fromUnsigned)
    return arith::ExtUIOp::create(b, loc, toSignless, v);
  return arith::ExtSIOp::create(b, loc, toSignless, v);
}

struct CastLowering : OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast_or_null<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    if (!resultType || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static result shape");
    Type from = elementTypeOf(op.getInput());
    Type to = op.getType().getElementType();
    Value result =
        buildElementwise(rewriter, op.getLoc(), resultType, adaptor.getInput(),
                         [&](OpBuilder &b, Location loc, ValueRange args) {
                           return convertScalar(b, loc, args[0], from, to,
                                                resultType.getElementType());
                         });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// matmul → linalg.generic over (batch..., [m], [n], k) with broadcast batch
/// dimensions; rank-1 operands have no m (lhs) or n (rhs) loop.
struct MatMulLowering : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast_or_null<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    if (!resultType || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static result shape");
    Location loc = op.getLoc();
    Kind kind = kindOf(elementTypeOf(op.getLhs()));
    auto lhsType = cast<RankedTensorType>(adaptor.getLhs().getType());
    auto rhsType = cast<RankedTensorType>(adaptor.getRhs().getType());
    bool lhsVector = lhsType.getRank() == 1, rhsVector = rhsType.getRank() == 1;
    int64_t resultRank = resultType.getRank();
    int64_t batchRank = resultRank - (lhsVector ? 0 : 1) - (rhsVector ? 0 : 1);
    // Loop dims: [0, batchRank) batch, then m (if any), n (if any), then k.
    int64_t numLoops = resultRank + 1;
    MLIRContext *ctx = rewriter.getContext();
    AffineExpr k = getAffineDimExpr(numLoops - 1, ctx);
    AffineExpr m = getAffineDimExpr(batchRank, ctx);
    AffineExpr n = getAffineDimExpr(resultRank - 1, ctx);

    auto batchExprs = [&](RankedTensorType type, int64_t matrixDims) {
      SmallVector<AffineExpr> exprs;
      int64_t operandBatch = type.getRank() - matrixDims;
      int64_t offset = batchRank - operandBatch;
      for (int64_t i = 0; i < operandBatch; ++i)
        exprs.push_back(type.getDimSize(i) == 1 &&
                                resultType.getDimSize(offset + i) != 1
                            ? getAffineConstantExpr(0, ctx)
                            : getAffineDimExpr(offset + i, ctx));
      return exprs;
    };
    SmallVector<AffineExpr> lhsExprs, rhsExprs;
    if (lhsVector) {
      lhsExprs = {k};
    } else {
      lhsExprs = batchExprs(lhsType, 2);
      lhsExprs.append({m, k});
    }
    if (rhsVector) {
      rhsExprs = {k};
    } else {
      rhsExprs = batchExprs(rhsType, 2);
      rhsExprs.append({k, n});
    }
    SmallVector<AffineMap> maps = {
        AffineMap::get(numLoops, 0, lhsExprs, ctx),
        AffineMap::get(numLoops, 0, rhsExprs, ctx),
        AffineMap::getMultiDimIdentityMap(numLoops, ctx)
            .getMajorSubMap(resultRank)};
    SmallVector<utils::IteratorType> iterators(numLoops,
                                               utils::IteratorType::parallel);
    iterators.back() = utils::IteratorType::reduction;

    // f16 and bf16 products accumulate in f32 (as tensor cores and
    // onnxruntime do), rounded once at the end: an f16 sum over K = 768
    // terms would lose most of its mantissa.
    Type elementType = resultType.getElementType();
    bool widen = elementType.isF16() || elementType.isBF16();
    Type accType = widen ? rewriter.getF32Type() : elementType;
    auto accTensorType = resultType.clone(accType);
    Value empty =
        tensor::EmptyOp::create(rewriter, loc, resultType.getShape(), accType);
    Value init = linalg::FillOp::create(rewriter, loc,
                                        zeroOf(rewriter, loc, accType), empty)
                     .getResult(0);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, accTensorType,
        ValueRange{adaptor.getLhs(), adaptor.getRhs()}, init, maps, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          SmallVector<Value> factors(args.take_front(2));
          if (widen)
            for (Value &f : factors)
              f = arith::ExtFOp::create(b, nloc, accType, f);
          Value product = scalarMul(b, nloc, kind, factors, op);
          linalg::YieldOp::create(
              b, nloc, scalarAdd(b, nloc, kind, {args[2], product}, op));
        });
    Value result = generic.getResult(0);
    if (widen)
      result = buildElementwise(
          rewriter, loc, resultType, result,
          [&](OpBuilder &b, Location nloc, ValueRange args) {
            return arith::TruncFOp::create(b, nloc, elementType, args[0]);
          });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value init =
        tensor::EmptyOp::create(rewriter, op.getLoc(), resultType.getShape(),
                                resultType.getElementType());
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, op.getLoc(),
                                                       adaptor.getInput(), init,
                                                       op.getPerm())
                               .getResult());
    return success();
  }
};

struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    // A reshape that only merges or splits neighbouring dimensions (a reduce
    // keeping its dims, heads split off a hidden dimension) is a
    // collapse_shape or expand_shape, which fusion can move through
    // elementwise ops; tensor.reshape stops it (a layer norm's mean, divided
    // on [rows, 1], was a kernel of its own).
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    if (inputType.hasStaticShape() && resultType.hasStaticShape()) {
      if (inputType.getShape() == resultType.getShape()) {
        rewriter.replaceOp(op, input);
        return success();
      }
      bool collapse = inputType.getRank() > resultType.getRank();
      if (auto groups = getReassociationIndicesForReshape(
              collapse ? inputType : resultType,
              collapse ? resultType : inputType)) {
        if (collapse)
          rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, resultType,
                                                               input, *groups);
        else
          rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, resultType,
                                                             input, *groups);
        return success();
      }
    }
    auto shapeType =
        RankedTensorType::get({resultType.getRank()}, rewriter.getI64Type());
    Value shape = arith::ConstantOp::create(
        rewriter, op.getLoc(),
        DenseIntElementsAttr::get(shapeType, resultType.getShape()));
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, resultType,
                                                   adaptor.getInput(), shape);
    return success();
  }
};

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!dense)
      return rewriter.notifyMatchFailure(op, "only dense constants lower");
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    if (resultType.getElementType() != dense.getElementType())
      dense = dense.bitcast(resultType.getElementType());
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, dense);
    return success();
  }
};

/// The identity of a reduction's combiner, as a constant of `type`.
enum class Combiner { Sum, Max, Min, Prod };

Value reductionInit(OpBuilder &b, Location loc, Type type, Kind kind,
                    Combiner combiner) {
  auto floatType = dyn_cast<FloatType>(type);
  unsigned width = type.getIntOrFloatBitWidth();
  switch (combiner) {
  case Combiner::Sum:
    return zeroOf(b, loc, type);
  case Combiner::Prod:
    return arith::ConstantOp::create(
        b, loc,
        floatType ? TypedAttr(b.getFloatAttr(type, 1.0))
                  : TypedAttr(b.getIntegerAttr(type, 1)));
  case Combiner::Max:
  case Combiner::Min: {
    bool max = combiner == Combiner::Max;
    if (floatType)
      return arith::ConstantOp::create(
          b, loc,
          b.getFloatAttr(type, APFloat::getInf(floatType.getFloatSemantics(),
                                               /*Negative=*/max)));
    APInt v = kind == Kind::Unsigned ? (max ? APInt::getMinValue(width)
                                            : APInt::getMaxValue(width))
                                     : (max ? APInt::getSignedMinValue(width)
                                            : APInt::getSignedMaxValue(width));
    return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, v));
  }
  }
  llvm_unreachable("unknown combiner");
}

/// reduce_* → linalg.generic: parallel loops over the kept dimensions,
/// reduction loops over `axes`, output initialized to the combiner's identity.
template <typename OpTy, Combiner combiner>
struct ReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    Location loc = op.getLoc();
    Kind kind = kindOf(elementTypeOf(op.getInput()));
    int64_t rank = op.getInput().getType().getRank();
    ArrayRef<int64_t> axes = op.getAxes();
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < rank; ++d) {
      bool reduced = llvm::is_contained(axes, d);
      iterators.push_back(reduced ? utils::IteratorType::reduction
                                  : utils::IteratorType::parallel);
      if (!reduced)
        outExprs.push_back(rewriter.getAffineDimExpr(d));
    }
    SmallVector<AffineMap> maps = {
        rewriter.getMultiDimIdentityMap(rank),
        AffineMap::get(rank, 0, outExprs, rewriter.getContext())};
    Type elementType = resultType.getElementType();
    Value empty = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                          elementType);
    Value init =
        linalg::FillOp::create(
            rewriter, loc,
            reductionInit(rewriter, loc, elementType, kind, combiner), empty)
            .getResult(0);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, adaptor.getInput(), init, maps, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          ValueRange pair = args; // (element, accumulator)
          Value next;
          switch (combiner) {
          case Combiner::Sum:
            next = scalarAdd(b, nloc, kind, pair, op);
            break;
          case Combiner::Prod:
            next = scalarMul(b, nloc, kind, pair, op);
            break;
          case Combiner::Max:
            next = scalarMax(b, nloc, kind, pair, op);
            break;
          case Combiner::Min:
            next = scalarMin(b, nloc, kind, pair, op);
            break;
          }
          linalg::YieldOp::create(b, nloc, next);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// arg_max/arg_min → a linalg.generic with two outputs, the best value so
/// far and its index; ties keep the first (or, with select_last_index, the
/// last) index.
template <typename OpTy, bool isMax>
struct ArgReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    Location loc = op.getLoc();
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    Type elementType = inputType.getElementType();
    Kind kind = kindOf(elementTypeOf(op.getInput()));
    int64_t rank = inputType.getRank(), axis = op.getAxis();
    bool last = op.getSelectLastIndex();
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < rank; ++d) {
      iterators.push_back(d == axis ? utils::IteratorType::reduction
                                    : utils::IteratorType::parallel);
      if (d != axis)
        outExprs.push_back(rewriter.getAffineDimExpr(d));
    }
    AffineMap outMap = AffineMap::get(rank, 0, outExprs, rewriter.getContext());
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   outMap, outMap};
    auto valueType = resultType.clone(elementType);
    Value best = linalg::FillOp::create(
                     rewriter, loc,
                     reductionInit(rewriter, loc, elementType, kind,
                                   isMax ? Combiner::Max : Combiner::Min),
                     tensor::EmptyOp::create(rewriter, loc,
                                             valueType.getShape(), elementType)
                         .getResult())
                     .getResult(0);
    Value index =
        linalg::FillOp::create(
            rewriter, loc, zeroOf(rewriter, loc, rewriter.getI64Type()),
            tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                    rewriter.getI64Type())
                .getResult())
            .getResult(0);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valueType, resultType}, adaptor.getInput(),
        ValueRange{best, index}, maps, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value x = args[0], cur = args[1], curIdx = args[2];
          Value i = arith::IndexCastOp::create(
              b, nloc, b.getI64Type(), linalg::IndexOp::create(b, nloc, axis));
          // better: strictly better, or equal when the last index wins.
          Value better;
          if (kind == Kind::Float) {
            using P = arith::CmpFPredicate;
            P strict = isMax ? P::OGT : P::OLT, loose = isMax ? P::OGE : P::OLE;
            better =
                arith::CmpFOp::create(b, nloc, last ? loose : strict, x, cur);
            // The first element always replaces the initial ±inf sentinel.
            Value first =
                arith::CmpIOp::create(b, nloc, arith::CmpIPredicate::eq, i,
                                      zeroOf(b, nloc, b.getI64Type()));
            better = arith::OrIOp::create(b, nloc, better, first);
          } else {
            using P = arith::CmpIPredicate;
            bool u = kind == Kind::Unsigned;
            P strict = isMax ? (u ? P::ugt : P::sgt) : (u ? P::ult : P::slt);
            P loose = isMax ? (u ? P::uge : P::sge) : (u ? P::ule : P::sle);
            better =
                arith::CmpIOp::create(b, nloc, last ? loose : strict, x, cur);
            Value first =
                arith::CmpIOp::create(b, nloc, arith::CmpIPredicate::eq, i,
                                      zeroOf(b, nloc, b.getI64Type()));
            better = arith::OrIOp::create(b, nloc, better, first);
          }
          linalg::YieldOp::create(
              b, nloc,
              ValueRange{arith::SelectOp::create(b, nloc, better, x, cur),
                         arith::SelectOp::create(b, nloc, better, i, curIdx)});
        });
    rewriter.replaceOp(op, generic.getResult(1));
    return success();
  }
};

/// Converts an integer index `v` (signed unless `isUnsigned`) to `index`,
/// wrapping negative values by `size`.
Value wrapIndex(OpBuilder &b, Location loc, Value v, bool isUnsigned,
                int64_t size) {
  if (isUnsigned)
    return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), v);
  Value idx = arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, idx, zero);
  return arith::SelectOp::create(
      b, loc, negative,
      arith::AddIOp::create(b, loc, idx,
                            arith::ConstantIndexOp::create(b, loc, size)),
      idx);
}

/// Base for ops whose lowering needs only the converted static result type.
template <typename OpTy>
struct StaticResultLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast_or_null<RankedTensorType>(
        this->getTypeConverter()->convertType(op.getType()));
    if (!resultType || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs a static result shape");
    rewriter.replaceOp(op, lower(rewriter, op, adaptor, resultType));
    return success();
  }

  virtual Value lower(OpBuilder &b, OpTy op, typename OpTy::Adaptor adaptor,
                      RankedTensorType resultType) const = 0;
};

/// concat → insert_slice of each input into an empty tensor.
struct ConcatLowering : StaticResultLowering<ConcatOp> {
  using StaticResultLowering::StaticResultLowering;
  Value lower(OpBuilder &b, ConcatOp op, OpAdaptor adaptor,
              RankedTensorType resultType) const override {
    Location loc = op.getLoc();
    Value acc = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                        resultType.getElementType());
    int64_t offset = 0, axis = op.getAxis(), rank = resultType.getRank();
    for (Value input : adaptor.getInputs()) {
      ArrayRef<int64_t> shape =
          cast<RankedTensorType>(input.getType()).getShape();
      SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
      offsets[axis] = offset;
      acc = tensor::InsertSliceOp::create(b, loc, input, acc, ValueRange{},
                                          ValueRange{}, ValueRange{}, offsets,
                                          shape, strides);
      offset += shape[axis];
    }
    return acc;
  }
};

/// slice → extract_slice when every step is positive, else a generic that
/// reads input[start + i * step].
struct SliceLowering : StaticResultLowering<SliceOp> {
  using StaticResultLowering::StaticResultLowering;
  Value lower(OpBuilder &b, SliceOp op, OpAdaptor adaptor,
              RankedTensorType resultType) const override {
    Location loc = op.getLoc();
    ArrayRef<int64_t> starts = op.getStarts(), steps = op.getSteps();
    if (llvm::all_of(steps, [](int64_t s) { return s > 0; }))
      return tensor::ExtractSliceOp::create(
          b, loc, resultType, adaptor.getInput(), ValueRange{}, ValueRange{},
          ValueRange{}, starts, resultType.getShape(), steps);
    int64_t rank = resultType.getRank();
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d)
      exprs.push_back(b.getAffineDimExpr(d) * steps[d] + starts[d]);
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, exprs, b.getContext()),
        b.getMultiDimIdentityMap(rank)};
    Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                         resultType.getElementType());
    return linalg::GenericOp::create(
               b, loc, resultType, adaptor.getInput(), init, maps,
               SmallVector<utils::IteratorType>(rank,
                                                utils::IteratorType::parallel),
               [](OpBuilder &nb, Location nloc, ValueRange args) {
                 linalg::YieldOp::create(nb, nloc, args[0]);
               })
        .getResult(0);
  }
};

/// gather → a generic over the result reading the indices, whose body
/// extracts input[i..., index (wrapped if negative), k...].
struct GatherLowering : StaticResultLowering<GatherOp> {
  using StaticResultLowering::StaticResultLowering;
  Value lower(OpBuilder &b, GatherOp op, OpAdaptor adaptor,
              RankedTensorType resultType) const override {
    Location loc = op.getLoc();
    int64_t rank = resultType.getRank(), axis = op.getAxis();
    int64_t idxRank = op.getIndices().getType().getRank();
    bool idxUnsigned =
        op.getIndices().getType().getElementType().isUnsignedInteger();
    int64_t dim = op.getInput().getType().getDimSize(axis);
    Value input = adaptor.getInput();
    SmallVector<AffineExpr> idxExprs;
    for (int64_t j = 0; j < idxRank; ++j)
      idxExprs.push_back(b.getAffineDimExpr(axis + j));
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, idxExprs, b.getContext()),
        b.getMultiDimIdentityMap(rank)};
    Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                         resultType.getElementType());
    return linalg::GenericOp::create(
               b, loc, resultType, adaptor.getIndices(), init, maps,
               SmallVector<utils::IteratorType>(rank,
                                                utils::IteratorType::parallel),
               [&](OpBuilder &nb, Location nloc, ValueRange args) {
                 Value idx = wrapIndex(nb, nloc, args[0], idxUnsigned, dim);
                 SmallVector<Value> coords;
                 for (int64_t d = 0; d < axis; ++d)
                   coords.push_back(linalg::IndexOp::create(nb, nloc, d));
                 coords.push_back(idx);
                 for (int64_t d = axis + idxRank; d < rank; ++d)
                   coords.push_back(linalg::IndexOp::create(nb, nloc, d));
                 linalg::YieldOp::create(
                     nb, nloc,
                     tensor::ExtractOp::create(nb, nloc, input, coords)
                         .getResult());
               })
        .getResult(0);
  }
};

/// expand → an elementwise copy with broadcast indexing.
struct ExpandLowering : StaticResultLowering<ExpandOp> {
  using StaticResultLowering::StaticResultLowering;
  Value lower(OpBuilder &b, ExpandOp op, OpAdaptor adaptor,
              RankedTensorType resultType) const override {
    return buildElementwise(
        b, op.getLoc(), resultType, adaptor.getInput(),
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  }
};

/// tile → a generic reading input[i mod size] per dimension.
struct TileLowering : StaticResultLowering<TileOp> {
  using StaticResultLowering::StaticResultLowering;
  Value lower(OpBuilder &b, TileOp op, OpAdaptor adaptor,
              RankedTensorType resultType) const override {
    Location loc = op.getLoc();
    int64_t rank = resultType.getRank();
    ArrayRef<int64_t> inShape = op.getInput().getType().getShape();
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d)
      exprs.push_back(inShape[d] == 1 ? b.getAffineConstantExpr(0)
                                      : b.getAffineDimExpr(d) % inShape[d]);
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, exprs, b.getContext()),
        b.getMultiDimIdentityMap(rank)};
    Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                         resultType.getElementType());
    return linalg::GenericOp::create(
               b, loc, resultType, adaptor.getInput(), init, maps,
               SmallVector<utils::IteratorType>(rank,
                                                utils::IteratorType::parallel),
               [](OpBuilder &nb, Location nloc, ValueRange args) {
                 linalg::YieldOp::create(nb, nloc, args[0]);
               })
        .getResult(0);
  }
};

/// gather_elements → a generic over the indices whose body extracts
/// input[i with i[axis] = index].
struct GatherElementsLowering : StaticResultLowering<GatherElementsOp> {
  using StaticResultLowering::StaticResultLowering;
  Value lower(OpBuilder &b, GatherElementsOp op, OpAdaptor adaptor,
              RankedTensorType resultType) const override {
    Location loc = op.getLoc();
    int64_t rank = resultType.getRank(), axis = op.getAxis();
    bool isUnsigned =
        op.getIndices().getType().getElementType().isUnsignedInteger();
    int64_t size = op.getInput().getType().getDimSize(axis);
    Value input = adaptor.getInput();
    Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                         resultType.getElementType());
    SmallVector<AffineMap> maps(2, b.getMultiDimIdentityMap(rank));
    return linalg::GenericOp::create(
               b, loc, resultType, adaptor.getIndices(), init, maps,
               SmallVector<utils::IteratorType>(rank,
                                                utils::IteratorType::parallel),
               [&](OpBuilder &nb, Location nloc, ValueRange args) {
                 SmallVector<Value> coords;
                 for (int64_t d = 0; d < rank; ++d)
                   coords.push_back(
                       d == axis
                           ? wrapIndex(nb, nloc, args[0], isUnsigned, size)
                           : Value(linalg::IndexOp::create(nb, nloc, d)));
                 linalg::YieldOp::create(
                     nb, nloc,
                     tensor::ExtractOp::create(nb, nloc, input, coords)
                         .getResult());
               })
        .getResult(0);
  }
};

/// cumsum → a generic with an extra reduction loop j over the axis that
/// adds input[j] where j precedes i (in the chosen direction).
struct CumSumLowering : StaticResultLowering<CumSumOp> {
  using StaticResultLowering::StaticResultLowering;
  Value lower(OpBuilder &b, CumSumOp op, OpAdaptor adaptor,
              RankedTensorType resultType) const override {
    Location loc = op.getLoc();
    int64_t rank = resultType.getRank(), axis = op.getAxis();
    Kind kind = kindOf(elementTypeOf(op.getInput()));
    SmallVector<AffineExpr> inExprs;
    for (int64_t d = 0; d < rank; ++d)
      inExprs.push_back(b.getAffineDimExpr(d == axis ? rank : d));
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank + 1, 0, inExprs, b.getContext()),
        AffineMap::getMultiDimIdentityMap(rank + 1, b.getContext())
            .getMajorSubMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank + 1,
                                               utils::IteratorType::parallel);
    iterators.back() = utils::IteratorType::reduction;
    Type elementType = resultType.getElementType();
    Value init =
        linalg::FillOp::create(
            b, loc, zeroOf(b, loc, elementType),
            tensor::EmptyOp::create(b, loc, resultType.getShape(), elementType)
                .getResult())
            .getResult(0);
    bool exclusive = op.getExclusive(), reverse = op.getReverse();
    return linalg::GenericOp::create(
               b, loc, resultType, adaptor.getInput(), init, maps, iterators,
               [&](OpBuilder &nb, Location nloc, ValueRange args) {
                 Value i = linalg::IndexOp::create(nb, nloc, axis);
                 Value j = linalg::IndexOp::create(nb, nloc, rank);
                 using P = arith::CmpIPredicate;
                 P pred = reverse ? (exclusive ? P::ugt : P::uge)
                                  : (exclusive ? P::ult : P::ule);
                 Value take = arith::CmpIOp::create(nb, nloc, pred, j, i);
                 Value sum = scalarAdd(nb, nloc, kind, {args[1], args[0]}, op);
                 linalg::YieldOp::create(
                     nb, nloc,
                     arith::SelectOp::create(nb, nloc, take, sum, args[1])
                         .getResult());
               })
        .getResult(0);
  }
};

/// Pads `input` with `value` by `low`/`high` elements per dimension (all
/// non-negative); returns it unchanged when there is nothing to pad.
Value padWith(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> low,
              ArrayRef<int64_t> high, Value value) {
  if (llvm::all_of(low, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(high, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d)
    shape.push_back(type.getDimSize(d) + low[d] + high[d]);
  SmallVector<OpFoldResult> lowOfr, highOfr;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    lowOfr.push_back(b.getIndexAttr(low[d]));
    highOfr.push_back(b.getIndexAttr(high[d]));
  }
  return tensor::PadOp::create(b, loc, type.clone(shape), input, lowOfr,
                               highOfr, value);
}

/// Zero pads for N and C around a conv/pool's spatial `pads` (k begin pads,
/// then k end pads), in the op's layout.
void windowPads(ArrayRef<int64_t> pads, bool channelsLast,
                SmallVectorImpl<int64_t> &low, SmallVectorImpl<int64_t> &high) {
  int64_t k = pads.size() / 2;
  low.assign(channelsLast ? 1 : 2, 0);
  high.assign(channelsLast ? 1 : 2, 0);
  llvm::append_range(low, pads.take_front(k));
  llvm::append_range(high, pads.drop_front(k));
  if (channelsLast) {
    low.push_back(0);
    high.push_back(0);
  }
}

/// Reassociation that keeps each dimension but splits (or merges)
/// dimension `at` with the one after it.
SmallVector<ReassociationIndices> splitAt(int64_t rank, int64_t at) {
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0, i = 0; d < rank; ++d) {
    if (d == at) {
      groups.push_back({i, i + 1});
      i += 2;
    } else {
      groups.push_back({i++});
    }
  }
  return groups;
}

/// A named 2-D float conv (NCHW/FCHW or NHWC/HWCF), which backends know
/// how to rewrite (e.g. as im2col + matmul on CPUs).
template <typename NamedConvOp>
Value namedConv(OpBuilder &b, Location loc, RankedTensorType resultType,
                Value input, Value filter, Value init,
                ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations) {
  return NamedConvOp::create(b, loc, TypeRange{resultType},
                             ValueRange{input, filter}, ValueRange{init},
                             b.getI64VectorAttr(strides),
                             b.getI64VectorAttr(dilations))
      .getResult(0);
}

/// conv → pad with zeros; a float 2-D conv with one group is then the named
/// linalg.conv_2d_nchw_fchw. Otherwise view input as [N, G, C/G, D...] and
/// filter as
/// [G, OC/G, C/G, K...], one linalg.generic over
/// (n, g, oc, o..., c, k...) reading input[n, g, c, o*s + k*d], then view
/// the result [N, G, OC/G, O...] as [N, OC, O...].
struct ConvLowering : StaticResultLowering<ConvOp> {
  using StaticResultLowering::StaticResultLowering;
  Value lower(OpBuilder &b, ConvOp op, OpAdaptor adaptor,
              RankedTensorType resultType) const override {
    Location loc = op.getLoc();
    Kind kind = kindOf(elementTypeOf(op.getInput()));
    Type elementType = resultType.getElementType();
    int64_t rank = resultType.getRank(), k = rank - 2, group = op.getGroup();
    ArrayRef<int64_t> pads = op.getPads(), strides = op.getStrides(),
                      dilations = op.getDilations();
    SmallVector<int64_t> low, high;
    windowPads(pads, op.getChannelsLast(), low, high);
    Value input = padWith(b, loc, adaptor.getInput(), low, high,
                          zeroOf(b, loc, elementType));
    auto inType = cast<RankedTensorType>(input.getType());
    auto filterType = cast<RankedTensorType>(adaptor.getFilter().getType());
    auto zeroInit = [&](ArrayRef<int64_t> shape) {
      return linalg::FillOp::create(
                 b, loc, zeroOf(b, loc, elementType),
                 tensor::EmptyOp::create(b, loc, shape, elementType)
                     .getResult())
          .getResult(0);
    };

    // The generics' body: acc + in * filter.
    auto multiplyAccumulate = [&](OpBuilder &nb, Location nloc,
                                  ValueRange args) {
      Value product = scalarMul(nb, nloc, kind, args.take_front(2), op);
      linalg::YieldOp::create(
          nb, nloc, scalarAdd(nb, nloc, kind, {args[2], product}, op));
    };
    if (op.getChannelsLast()) {
      // One group: the named op, or a generic over
      // (n, o_1..o_k, oc, c, k_1..k_k) reading in[n, o*s + k*d, c] and
      // filter[k_1..k_k, c, oc]. Depthwise (one channel per group): a
      // generic over (n, o_1..o_k, c, k_1..k_k) reading filter[k.., 0, c].
      bool depthwise = group != 1;
      if (!depthwise && k == 2 && kind == Kind::Float)
        return namedConv<linalg::Conv2DNhwcHwcfOp>(
            b, loc, resultType, input, adaptor.getFilter(),
            zeroInit(resultType.getShape()), strides, dilations);
      int64_t oc = k + 1, c = depthwise ? oc : oc + 1, window = c + 1;
      int64_t numLoops = window + k;
      auto dim = [&](int64_t i) { return b.getAffineDimExpr(i); };
      SmallVector<AffineExpr> inExprs = {dim(0)}, filterExprs,
                              outExprs = {dim(0)};
      for (int64_t i = 0; i < k; ++i) {
        inExprs.push_back(dim(1 + i) * strides[i] +
                          dim(window + i) * dilations[i]);
        filterExprs.push_back(dim(window + i));
        outExprs.push_back(dim(1 + i));
      }
      inExprs.push_back(dim(c));
      if (depthwise)
        filterExprs.append({b.getAffineConstantExpr(0), dim(c)});
      else
        filterExprs.append({dim(c), dim(oc)});
      outExprs.push_back(dim(oc));
      SmallVector<AffineMap> maps = {
          AffineMap::get(numLoops, 0, inExprs, b.getContext()),
          AffineMap::get(numLoops, 0, filterExprs, b.getContext()),
          AffineMap::get(numLoops, 0, outExprs, b.getContext())};
      SmallVector<utils::IteratorType> iterators(k + 2,
                                                 utils::IteratorType::parallel);
      iterators.append(numLoops - (k + 2), utils::IteratorType::reduction);
      return linalg::GenericOp::create(b, loc, resultType,
                                       ValueRange{input, adaptor.getFilter()},
                                       zeroInit(resultType.getShape()), maps,
                                       iterators, multiplyAccumulate)
          .getResult(0);
    }

    // The common case.
    if (group == 1 && k == 2 && kind == Kind::Float)
      return namedConv<linalg::Conv2DNchwFchwOp>(
          b, loc, resultType, input, adaptor.getFilter(),
          zeroInit(resultType.getShape()), strides, dilations);

    SmallVector<int64_t> inShape = {inType.getDimSize(0), group,
                                    inType.getDimSize(1) / group};
    llvm::append_range(inShape, inType.getShape().drop_front(2));
    SmallVector<int64_t> filterShape = {group,
                                        filterType.getDimSize(0) / group};
    llvm::append_range(filterShape, filterType.getShape().drop_front(1));
    SmallVector<int64_t> outShape = {resultType.getDimSize(0), group,
                                     resultType.getDimSize(1) / group};
    llvm::append_range(outShape, resultType.getShape().drop_front(2));
    Value in = tensor::ExpandShapeOp::create(b, loc, inType.clone(inShape),
                                             input, splitAt(rank, 1));
    Value filter =
        tensor::ExpandShapeOp::create(b, loc, filterType.clone(filterShape),
                                      adaptor.getFilter(), splitAt(rank, 0));

    // Loops: n, g, oc, o_1..o_k, c, k_1..k_k.
    int64_t numLoops = 3 + k + 1 + k;
    auto dim = [&](int64_t i) { return b.getAffineDimExpr(i); };
    SmallVector<AffineExpr> inExprs = {dim(0), dim(1), dim(3 + k)};
    SmallVector<AffineExpr> filterExprs = {dim(1), dim(2), dim(3 + k)};
    SmallVector<AffineExpr> outExprs = {dim(0), dim(1), dim(2)};
    for (int64_t i = 0; i < k; ++i) {
      inExprs.push_back(dim(3 + i) * strides[i] +
                        dim(4 + k + i) * dilations[i]);
      filterExprs.push_back(dim(4 + k + i));
      outExprs.push_back(dim(3 + i));
    }
    SmallVector<AffineMap> maps = {
        AffineMap::get(numLoops, 0, inExprs, b.getContext()),
        AffineMap::get(numLoops, 0, filterExprs, b.getContext()),
        AffineMap::get(numLoops, 0, outExprs, b.getContext())};
    SmallVector<utils::IteratorType> iterators(3 + k,
                                               utils::IteratorType::parallel);
    iterators.append(1 + k, utils::IteratorType::reduction);
    auto outType = resultType.clone(outShape);
    Value init = zeroInit(outShape);
    Value conv =
        linalg::GenericOp::create(b, loc, outType, ValueRange{in, filter}, init,
                                  maps, iterators, multiplyAccumulate)
            .getResult(0);
    return tensor::CollapseShapeOp::create(b, loc, resultType, conv,
                                           splitAt(rank, 1));
  }
};

/// max_pool / sum_pool → pad with the combiner's identity, then a generic
/// over (n, c, o..., k...) with a window operand that gives the k loops
/// their extent.
template <typename OpTy, Combiner combiner>
struct PoolLowering : StaticResultLowering<OpTy> {
  using StaticResultLowering<OpTy>::StaticResultLowering;
  Value lower(OpBuilder &b, OpTy op, typename OpTy::Adaptor adaptor,
              RankedTensorType resultType) const override {
    Location loc = op.getLoc();
    Kind kind = kindOf(elementTypeOf(op.getInput()));
    Type elementType = resultType.getElementType();
    int64_t rank = resultType.getRank(), k = rank - 2;
    ArrayRef<int64_t> pads = op.getPads(), strides = op.getStrides(),
                      dilations = op.getDilations(), kernel = op.getKernel();
    Value identity = reductionInit(b, loc, elementType, kind, combiner);
    SmallVector<int64_t> low, high;
    bool channelsLast = op.getChannelsLast();
    windowPads(pads, channelsLast, low, high);
    Value input = padWith(b, loc, adaptor.getInput(), low, high, identity);
    Value window = tensor::EmptyOp::create(b, loc, kernel, elementType);

    // Loops: the result's dimensions (n, c, o... or n, o..., c), then the
    // window's.
    int64_t numLoops = rank + k, firstSpatial = channelsLast ? 1 : 2;
    auto dim = [&](int64_t i) { return b.getAffineDimExpr(i); };
    SmallVector<AffineExpr> inExprs = {dim(0)}, windowExprs;
    if (!channelsLast)
      inExprs.push_back(dim(1));
    for (int64_t i = 0; i < k; ++i) {
      inExprs.push_back(dim(firstSpatial + i) * strides[i] +
                        dim(rank + i) * dilations[i]);
      windowExprs.push_back(dim(rank + i));
    }
    if (channelsLast)
      inExprs.push_back(dim(k + 1));
    SmallVector<AffineMap> maps = {
        AffineMap::get(numLoops, 0, inExprs, b.getContext()),
        AffineMap::get(numLoops, 0, windowExprs, b.getContext()),
        AffineMap::getMultiDimIdentityMap(numLoops, b.getContext())
            .getMajorSubMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.append(k, utils::IteratorType::reduction);
    Value init =
        linalg::FillOp::create(
            b, loc, identity,
            tensor::EmptyOp::create(b, loc, resultType.getShape(), elementType)
                .getResult())
            .getResult(0);
    return linalg::GenericOp::create(
               b, loc, resultType, ValueRange{input, window}, init, maps,
               iterators,
               [&](OpBuilder &nb, Location nloc, ValueRange args) {
                 ValueRange pair = {args[0], args[2]};
                 Value next = combiner == Combiner::Max
                                  ? scalarMax(nb, nloc, kind, pair, op)
                                  : scalarAdd(nb, nloc, kind, pair, op);
                 linalg::YieldOp::create(nb, nloc, next);
               })
        .getResult(0);
  }
};

/// pad, constant mode → crop negative pads (extract_slice), then
/// tensor.pad; reflect/edge/wrap → a generic over the result whose body
/// maps each index back into the input.
struct PadLowering : StaticResultLowering<PadOp> {
  using StaticResultLowering::StaticResultLowering;
  Value lower(OpBuilder &b, PadOp op, OpAdaptor adaptor,
              RankedTensorType resultType) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(adaptor.getInput().getType());
    int64_t rank = inType.getRank();
    ArrayRef<int64_t> pads = op.getPads();
    Value input = adaptor.getInput();
    if (op.getMode() == "constant") {
      SmallVector<int64_t> offsets, sizes, low, high;
      for (int64_t d = 0; d < rank; ++d) {
        int64_t cropLow = std::max<int64_t>(-pads[d], 0);
        int64_t cropHigh = std::max<int64_t>(-pads[rank + d], 0);
        offsets.push_back(cropLow);
        sizes.push_back(
            std::max<int64_t>(inType.getDimSize(d) - cropLow - cropHigh, 0));
        low.push_back(std::max<int64_t>(pads[d], 0));
        high.push_back(std::max<int64_t>(pads[rank + d], 0));
      }
      if (ArrayRef<int64_t>(sizes) != inType.getShape())
        input = tensor::ExtractSliceOp::create(
            b, loc, inType.clone(sizes), input, ValueRange{}, ValueRange{},
            ValueRange{}, offsets, sizes, SmallVector<int64_t>(rank, 1));
      Value value =
          tensor::ExtractOp::create(b, loc, adaptor.getValue(), ValueRange{});
      return padWith(b, loc, input, low, high, value);
    }
    StringRef mode = op.getMode();
    Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                         resultType.getElementType());
    return linalg::GenericOp::create(
               b, loc, resultType, ValueRange{}, init,
               b.getMultiDimIdentityMap(rank),
               SmallVector<utils::IteratorType>(rank,
                                                utils::IteratorType::parallel),
               [&](OpBuilder &nb, Location nloc, ValueRange) {
                 SmallVector<Value> coords;
                 auto cst = [&](int64_t v) {
                   return arith::ConstantIndexOp::create(nb, nloc, v);
                 };
                 for (int64_t d = 0; d < rank; ++d) {
                   int64_t size = inType.getDimSize(d);
                   // p = o - pad_begin, as a signed index.
                   Value p = arith::SubIOp::create(
                       nb, nloc, linalg::IndexOp::create(nb, nloc, d),
                       cst(pads[d]));
                   // ((v mod m) + m) mod m: a non-negative remainder.
                   auto mod = [&](Value v, int64_t m) -> Value {
                     Value r = arith::RemSIOp::create(nb, nloc, v, cst(m));
                     return arith::RemSIOp::create(
                         nb, nloc, arith::AddIOp::create(nb, nloc, r, cst(m)),
                         cst(m));
                   };
                   Value src;
                   if (mode == "edge") {
                     src = arith::MaxSIOp::create(
                         nb, nloc,
                         arith::MinSIOp::create(nb, nloc, p, cst(size - 1)),
                         cst(0));
                   } else if (mode == "wrap") {
                     src = mod(p, size);
                   } else if (size == 1) { // reflect of one element
                     src = cst(0);
                   } else { // reflect: period 2(size-1), mirrored second half
                     int64_t period = 2 * (size - 1);
                     Value q = mod(p, period);
                     Value mirrored =
                         arith::SubIOp::create(nb, nloc, cst(period), q);
                     Value inFirstHalf = arith::CmpIOp::create(
                         nb, nloc, arith::CmpIPredicate::slt, q, cst(size));
                     src = arith::SelectOp::create(nb, nloc, inFirstHalf, q,
                                                   mirrored);
                   }
                   coords.push_back(src);
                 }
                 linalg::YieldOp::create(
                     nb, nloc,
                     tensor::ExtractOp::create(nb, nloc, input, coords)
                         .getResult());
               })
        .getResult(0);
  }
};

/// batch_norm → one elementwise generic reading the [C] statistics along
/// dimension 1: (x - mean) / sqrt(var + eps) * scale + bias.
struct BatchNormLowering : StaticResultLowering<BatchNormOp> {
  using StaticResultLowering::StaticResultLowering;
  Value lower(OpBuilder &b, BatchNormOp op, OpAdaptor adaptor,
              RankedTensorType resultType) const override {
    Location loc = op.getLoc();
    int64_t rank = resultType.getRank();
    AffineMap identity = b.getMultiDimIdentityMap(rank);
    AffineMap channel = AffineMap::get(rank, 0, b.getAffineDimExpr(1));
    SmallVector<AffineMap> maps = {identity, channel, channel,
                                   channel,  channel, identity};
    Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                         resultType.getElementType());
    double eps = op.getEpsilon().convertToDouble();
    return linalg::GenericOp::create(
               b, loc, resultType,
               ValueRange{adaptor.getInput(), adaptor.getScale(),
                          adaptor.getBias(), adaptor.getMean(),
                          adaptor.getVariance()},
               init, maps,
               SmallVector<utils::IteratorType>(rank,
                                                utils::IteratorType::parallel),
               [&](OpBuilder &nb, Location nloc, ValueRange args) {
                 Type t = args[0].getType();
                 Value epsilon = arith::ConstantOp::create(
                     nb, nloc, nb.getFloatAttr(t, eps));
                 Value stddev = math::SqrtOp::create(
                     nb, nloc,
                     arith::AddFOp::create(nb, nloc, args[4], epsilon));
                 Value normalized = arith::DivFOp::create(
                     nb, nloc,
                     arith::SubFOp::create(nb, nloc, args[0], args[3]), stddev);
                 Value scaled =
                     arith::MulFOp::create(nb, nloc, normalized, args[1]);
                 linalg::YieldOp::create(
                     nb, nloc,
                     arith::AddFOp::create(nb, nloc, scaled, args[2])
                         .getResult());
               })
        .getResult(0);
  }
};

} // namespace

void aicc::graph::populateGraphToLinalgTypeConversion(
    TypeConverter &converter) {
  converter.addConversion([](Type type) { return type; });
  converter.addConversion([](RankedTensorType type) -> Type {
    auto intType = dyn_cast<IntegerType>(type.getElementType());
    if (!intType || intType.isSignless())
      return type;
    return type.clone(IntegerType::get(type.getContext(), intType.getWidth()));
  });
}

void aicc::graph::populateGraphToLinalgConversionPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ElementwiseLowering<AddOp>>(converter, ctx, scalarAdd);
  patterns.add<ElementwiseLowering<SubOp>>(converter, ctx, scalarSub);
  patterns.add<ElementwiseLowering<MulOp>>(converter, ctx, scalarMul);
  patterns.add<ElementwiseLowering<DivOp>>(converter, ctx, scalarDiv);
  patterns.add<ElementwiseLowering<ReluOp>>(converter, ctx, scalarRelu);
  patterns.add<ElementwiseLowering<NegOp>>(converter, ctx, scalarNeg);
  patterns.add<ElementwiseLowering<ExpOp>>(converter, ctx, scalarExp);
  patterns.add<ElementwiseLowering<TanhOp>>(converter, ctx, scalarTanh);
  patterns.add<ElementwiseLowering<SigmoidOp>>(converter, ctx, scalarSigmoid);
  patterns.add<ElementwiseLowering<PowOp>>(converter, ctx, scalarPow);
  patterns.add<ElementwiseLowering<MaxOp>>(converter, ctx, scalarMax);
  patterns.add<ElementwiseLowering<MinOp>>(converter, ctx, scalarMin);
  patterns.add<ElementwiseLowering<ModOp>>(converter, ctx, scalarMod);
  patterns.add<ElementwiseLowering<AndOp>>(converter, ctx, scalarAnd);
  patterns.add<ElementwiseLowering<OrOp>>(converter, ctx, scalarOr);
  patterns.add<ElementwiseLowering<XorOp>>(converter, ctx, scalarXor);
  patterns.add<ElementwiseLowering<ShiftLeftOp>>(converter, ctx, scalarShl);
  patterns.add<ElementwiseLowering<ShiftRightOp>>(converter, ctx, scalarShr);
  using P = arith::CmpIPredicate;
  using F = arith::CmpFPredicate;
  patterns.add<ElementwiseLowering<EqualOp>>(
      converter, ctx, scalarCompare<F::OEQ, P::eq, P::eq>);
  patterns.add<ElementwiseLowering<LessOp>>(
      converter, ctx, scalarCompare<F::OLT, P::slt, P::ult>);
  patterns.add<ElementwiseLowering<LessEqualOp>>(
      converter, ctx, scalarCompare<F::OLE, P::sle, P::ule>);
  patterns.add<ElementwiseLowering<GreaterOp>>(
      converter, ctx, scalarCompare<F::OGT, P::sgt, P::ugt>);
  patterns.add<ElementwiseLowering<GreaterEqualOp>>(
      converter, ctx, scalarCompare<F::OGE, P::sge, P::uge>);
  patterns.add<ElementwiseLowering<SelectOp>>(converter, ctx, scalarSelect);
  patterns.add<ElementwiseLowering<AbsOp>>(converter, ctx, scalarAbs);
  patterns.add<ElementwiseLowering<NotOp>>(converter, ctx, scalarNot);
  patterns.add<ElementwiseLowering<IsNanOp>>(converter, ctx, scalarIsNan);
  patterns.add<ElementwiseLowering<SqrtOp>>(converter, ctx,
                                            scalarMath<math::SqrtOp>);
  patterns.add<ElementwiseLowering<LogOp>>(converter, ctx,
                                           scalarMath<math::LogOp>);
  patterns.add<ElementwiseLowering<CeilOp>>(converter, ctx,
                                            scalarMath<math::CeilOp>);
  patterns.add<ElementwiseLowering<FloorOp>>(converter, ctx,
                                             scalarMath<math::FloorOp>);
  patterns.add<ElementwiseLowering<RoundOp>>(converter, ctx,
                                             scalarMath<math::RoundEvenOp>);
  patterns.add<ElementwiseLowering<ErfOp>>(converter, ctx,
                                           scalarMath<math::ErfOp>);
  patterns.add<ElementwiseLowering<SinOp>>(converter, ctx,
                                           scalarMath<math::SinOp>);
  patterns.add<ElementwiseLowering<CosOp>>(converter, ctx,
                                           scalarMath<math::CosOp>);
  patterns.add<ElementwiseLowering<TanOp>>(converter, ctx,
                                           scalarMath<math::TanOp>);
  patterns.add<ElementwiseLowering<AsinOp>>(converter, ctx,
                                            scalarMath<math::AsinOp>);
  patterns.add<ElementwiseLowering<AcosOp>>(converter, ctx,
                                            scalarMath<math::AcosOp>);
  patterns.add<ElementwiseLowering<AtanOp>>(converter, ctx,
                                            scalarMath<math::AtanOp>);
  patterns.add<ElementwiseLowering<SinhOp>>(converter, ctx,
                                            scalarMath<math::SinhOp>);
  patterns.add<ElementwiseLowering<CoshOp>>(converter, ctx,
                                            scalarMath<math::CoshOp>);
  patterns.add<ElementwiseLowering<AsinhOp>>(converter, ctx,
                                             scalarMath<math::AsinhOp>);
  patterns.add<ElementwiseLowering<AcoshOp>>(converter, ctx,
                                             scalarMath<math::AcoshOp>);
  patterns.add<ElementwiseLowering<AtanhOp>>(converter, ctx,
                                             scalarMath<math::AtanhOp>);
  patterns.add<MatMulLowering, TransposeLowering, ReshapeLowering,
               ConstantLowering, CastLowering, ConcatLowering, SliceLowering,
               GatherLowering, ExpandLowering, TileLowering>(converter, ctx);
  patterns
      .add<ReduceLowering<ReduceSumOp, Combiner::Sum>,
           ReduceLowering<ReduceMaxOp, Combiner::Max>,
           ReduceLowering<ReduceMinOp, Combiner::Min>,
           ReduceLowering<ReduceProdOp, Combiner::Prod>,
           ArgReduceLowering<ArgMaxOp, true>,
           ArgReduceLowering<ArgMinOp, false>, GatherElementsLowering,
           CumSumLowering, ConvLowering, PoolLowering<MaxPoolOp, Combiner::Max>,
           PoolLowering<SumPoolOp, Combiner::Sum>, PadLowering,
           BatchNormLowering>(converter, ctx);
}
