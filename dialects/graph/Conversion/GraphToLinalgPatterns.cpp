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
  for (Value operand : operands) {
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(operand.getType()).getShape();
    int64_t offset = rank - static_cast<int64_t>(shape.size());
    SmallVector<AffineExpr> exprs;
    for (auto [i, dim] : llvm::enumerate(shape))
      exprs.push_back(dim == 1 && resultType.getDimSize(offset + i) != 1
                          ? b.getAffineConstantExpr(0)
                          : b.getAffineDimExpr(offset + i));
    maps.push_back(AffineMap::get(rank, 0, exprs, b.getContext()));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                       resultType.getElementType());
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, operands, init, maps, iterators,
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
  using ScalarFn = Value (*)(OpBuilder &, Location, Kind, ValueRange);

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
    Kind kind = kindOf(elementTypeOf(op->getOperand(0)));
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return scalar(b, loc, kind, args);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

  ScalarFn scalar;
};

// Scalar semantics of each elementwise op, by element kind.

Value scalarAdd(OpBuilder &b, Location loc, Kind kind, ValueRange a) {
  if (kind == Kind::Float)
    return arith::AddFOp::create(b, loc, a[0], a[1]);
  return arith::AddIOp::create(b, loc, a[0], a[1]);
}

Value scalarSub(OpBuilder &b, Location loc, Kind kind, ValueRange a) {
  if (kind == Kind::Float)
    return arith::SubFOp::create(b, loc, a[0], a[1]);
  return arith::SubIOp::create(b, loc, a[0], a[1]);
}

Value scalarMul(OpBuilder &b, Location loc, Kind kind, ValueRange a) {
  if (kind == Kind::Float)
    return arith::MulFOp::create(b, loc, a[0], a[1]);
  return arith::MulIOp::create(b, loc, a[0], a[1]);
}

Value scalarDiv(OpBuilder &b, Location loc, Kind kind, ValueRange a) {
  if (kind == Kind::Float)
    return arith::DivFOp::create(b, loc, a[0], a[1]);
  if (kind == Kind::Unsigned)
    return arith::DivUIOp::create(b, loc, a[0], a[1]);
  return arith::DivSIOp::create(b, loc, a[0], a[1]);
}

Value scalarRelu(OpBuilder &b, Location loc, Kind kind, ValueRange a) {
  Value zero = zeroOf(b, loc, a[0].getType());
  if (kind == Kind::Float)
    return arith::MaximumFOp::create(b, loc, a[0], zero);
  if (kind == Kind::Unsigned)
    return a[0];
  return arith::MaxSIOp::create(b, loc, a[0], zero);
}

Value scalarNeg(OpBuilder &b, Location loc, Kind kind, ValueRange a) {
  if (kind == Kind::Float)
    return arith::NegFOp::create(b, loc, a[0]);
  return arith::SubIOp::create(b, loc, zeroOf(b, loc, a[0].getType()), a[0]);
}

Value scalarExp(OpBuilder &b, Location loc, Kind, ValueRange a) {
  return math::ExpOp::create(b, loc, a[0]);
}

Value scalarTanh(OpBuilder &b, Location loc, Kind, ValueRange a) {
  return math::TanhOp::create(b, loc, a[0]);
}

// sigmoid(x) = 1 / (1 + e^-x)
Value scalarSigmoid(OpBuilder &b, Location loc, Kind, ValueRange a) {
  Type type = a[0].getType();
  Value one = arith::ConstantOp::create(b, loc, b.getFloatAttr(type, 1.0));
  Value negated = arith::NegFOp::create(b, loc, a[0]);
  Value denom =
      arith::AddFOp::create(b, loc, one, math::ExpOp::create(b, loc, negated));
  return arith::DivFOp::create(b, loc, one, denom);
}

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

    Type elementType = resultType.getElementType();
    Value empty = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                          elementType);
    Value init = linalg::FillOp::create(
                     rewriter, loc, zeroOf(rewriter, loc, elementType), empty)
                     .getResult(0);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType,
        ValueRange{adaptor.getLhs(), adaptor.getRhs()}, init, maps, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value product = scalarMul(b, nloc, kind, args.take_front(2));
          linalg::YieldOp::create(b, nloc,
                                  scalarAdd(b, nloc, kind, {args[2], product}));
        });
    rewriter.replaceOp(op, generic.getResult(0));
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
  patterns.add<MatMulLowering, TransposeLowering, ReshapeLowering,
               ConstantLowering>(converter, ctx);
}
