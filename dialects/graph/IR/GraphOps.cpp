//===- GraphOps.cpp - aicc graph dialect ops: verifiers, shapes, folds ----===//

#include "dialects/graph/IR/GraphDialect.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"

#include <cstring>

using namespace mlir;
using namespace aicc::graph;

/// Result type of a broadcasting elementwise op: numpy's rule on the shapes;
/// the element type of the last operand, or i1 for comparisons.
static LogicalResult inferBroadcastType(std::optional<Location> loc,
                                        ArrayRef<Type> operands, bool isCompare,
                                        SmallVectorImpl<Type> &inferred) {
  SmallVector<int64_t> shape;
  for (Type operand : operands) {
    SmallVector<int64_t> next;
    if (!OpTrait::util::getBroadcastedShape(
            shape, cast<RankedTensorType>(operand).getShape(), next)) {
      std::string types;
      llvm::raw_string_ostream os(types);
      llvm::interleave(
          operands, os, [&](Type t) { os << "'" << t << "'"; }, " and ");
      return emitOptionalError(
          loc, "operands are not broadcast-compatible: ", types);
    }
    shape = std::move(next);
  }
  Type elementType = cast<RankedTensorType>(operands.back()).getElementType();
  if (isCompare)
    elementType = IntegerType::get(elementType.getContext(), 1);
  inferred.push_back(RankedTensorType::get(shape, elementType));
  return success();
}

/// Result type of a reduction over `axes` (which must be sorted, distinct
/// and in range): the input without those dimensions, with `elementType`
/// if given.
static LogicalResult inferReducedType(std::optional<Location> loc, Type input,
                                      ArrayRef<int64_t> axes,
                                      std::optional<Type> elementType,
                                      SmallVectorImpl<Type> &inferred) {
  auto type = cast<RankedTensorType>(input);
  for (auto [i, axis] : llvm::enumerate(axes))
    if (axis < 0 || axis >= type.getRank() || (i > 0 && axis <= axes[i - 1]))
      return emitOptionalError(loc,
                               "axes must be sorted, distinct and in "
                               "[0, ",
                               type.getRank(), ")");
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (!llvm::is_contained(axes, d))
      shape.push_back(type.getDimSize(d));
  inferred.push_back(RankedTensorType::get(
      shape, elementType ? *elementType : type.getElementType()));
  return success();
}

#define GET_OP_CLASSES
#include "dialects/graph/IR/GraphOps.cpp.inc"

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// MatMulOp
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto lhsType = cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhsType = cast<RankedTensorType>(adaptor.getRhs().getType());
  if (lhsType.getRank() == 0 || rhsType.getRank() == 0)
    return emitOptionalError(loc, "operands must have rank >= 1");

  // Promote vectors to matrices as numpy does; drop the added dims at the end.
  SmallVector<int64_t> lhs(lhsType.getShape()), rhs(rhsType.getShape());
  bool lhsVector = lhs.size() == 1, rhsVector = rhs.size() == 1;
  if (lhsVector)
    lhs.insert(lhs.begin(), 1);
  if (rhsVector)
    rhs.push_back(1);

  int64_t k = lhs.back(), rhsK = rhs[rhs.size() - 2];
  if (!ShapedType::isDynamic(k) && !ShapedType::isDynamic(rhsK) && k != rhsK)
    return emitOptionalError(loc, "contracting dimensions differ: lhs has ", k,
                             ", rhs has ", rhsK);

  SmallVector<int64_t> batch;
  if (!OpTrait::util::getBroadcastedShape(ArrayRef(lhs).drop_back(2),
                                          ArrayRef(rhs).drop_back(2), batch))
    return emitOptionalError(loc,
                             "batch dimensions are not broadcast-"
                             "compatible: ",
                             lhsType, " and ", rhsType);
  SmallVector<int64_t> shape(batch);
  if (!lhsVector)
    shape.push_back(lhs[lhs.size() - 2]);
  if (!rhsVector)
    shape.push_back(rhs.back());
  inferred.push_back(RankedTensorType::get(shape, lhsType.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

/// Returns true when `perm` holds each of 0..perm.size()-1 exactly once.
static bool isPermutation(ArrayRef<int64_t> perm) {
  SmallVector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(perm.size()) || seen[p])
      return false;
    seen[p] = true;
  }
  return true;
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *context,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if (static_cast<int64_t>(perm.size()) != inputType.getRank() ||
      !isPermutation(perm))
    return emitOptionalError(loc, "perm must be a permutation of [0, ",
                             inputType.getRank(), ")");
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(inputType.getDimSize(p));
  inferred.push_back(RankedTensorType::get(shape, inputType.getElementType()));
  return success();
}

/// `attr` with its dimensions permuted (result dimension i is dimension
/// perm[i] of `attr`), or null for element types that are not stored as
/// whole bytes.
static DenseElementsAttr transposeConstant(DenseElementsAttr attr,
                                           ArrayRef<int64_t> perm,
                                           RankedTensorType resultType) {
  if (attr.isSplat())
    return attr.resizeSplat(resultType);
  Type element = attr.getElementType();
  if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8 != 0)
    return {};
  size_t width = element.getIntOrFloatBitWidth() / 8;
  ArrayRef<char> raw = attr.getRawData();
  auto type = cast<RankedTensorType>(attr.getType());
  int64_t rank = type.getRank(), count = type.getNumElements();
  // Strides of the input per result dimension; walk the result in order.
  SmallVector<int64_t> inStrides(rank, 1), strides(rank);
  for (int64_t d = rank - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * type.getDimSize(d + 1);
  for (int64_t d = 0; d < rank; ++d)
    strides[d] = inStrides[perm[d]];
  std::vector<char> data(raw.size());
  SmallVector<int64_t> index(rank, 0);
  int64_t offset = 0;
  for (int64_t i = 0; i < count; ++i) {
    std::memcpy(&data[i * width], &raw[offset * width], width);
    for (int64_t d = rank - 1; d >= 0; --d) {
      offset += strides[d];
      if (++index[d] < resultType.getDimSize(d))
        break;
      offset -= strides[d] * index[d];
      index[d] = 0;
    }
  }
  return DenseElementsAttr::getFromRawBuffer(resultType, data);
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPerm();
  // Transpose(x, identity) = x
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return getInput();
  // Transpose(Transpose(x, p), q) = Transpose(x, p∘q), or x.
  if (auto producer = getInput().getDefiningOp<TransposeOp>()) {
    SmallVector<int64_t> composed;
    for (int64_t d : perm)
      composed.push_back(producer.getPerm()[d]);
    if (llvm::equal(composed, llvm::seq<int64_t>(0, composed.size())))
      return producer.getInput();
    getInputMutable().assign(producer.getInput());
    setPerm(composed);
    return getResult();
  }
  // Transpose(constant) = the permuted constant.
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    if (DenseElementsAttr result =
            transposeConstant(dense, perm, getResult().getType()))
      return result;
  return {};
}

//===----------------------------------------------------------------------===//
// ReshapeOp
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto inputType = getInput().getType();
  auto resultType = getResult().getType();
  if (!inputType.hasStaticShape() || !resultType.hasStaticShape())
    return emitOpError("requires static shapes, got ")
           << inputType << " -> " << resultType;
  if (inputType.getNumElements() != resultType.getNumElements())
    return emitOpError("input has ")
           << inputType.getNumElements() << " elements but the result has "
           << resultType.getNumElements();
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  // Reshape(x) = x when the shape does not change.
  if (getInput().getType() == getResult().getType())
    return getInput();
  // Reshape(Reshape(x)) = Reshape(x)
  if (auto producer = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(producer.getInput());
    return getResult();
  }
  // Reshape(constant) = constant with the new shape.
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getResult().getType());
  return {};
}

//===----------------------------------------------------------------------===//
// SelectOp
//===----------------------------------------------------------------------===//

LogicalResult SelectOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  return inferBroadcastType(loc,
                            {adaptor.getCondition().getType(),
                             adaptor.getLhs().getType(),
                             adaptor.getRhs().getType()},
                            /*isCompare=*/false, inferred);
}

//===----------------------------------------------------------------------===//
// CastOp
//===----------------------------------------------------------------------===//

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  // Cast(x : T -> T) = x
  if (getInput().getType() == getResult().getType())
    return getInput();
  // Integer constants (shape computations) fold to their new integer type.
  auto dense = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getInput());
  auto toType = dyn_cast<IntegerType>(getResult().getType().getElementType());
  if (!dense || !toType || toType.getWidth() == 1 ||
      dense.getElementType().isInteger(1))
    return {};
  bool fromUnsigned = dense.getElementType().isUnsignedInteger();
  return dense.mapValues(toType, [&](const APInt &v) {
    return fromUnsigned ? v.zextOrTrunc(toType.getWidth())
                        : v.sextOrTrunc(toType.getWidth());
  });
}

//===----------------------------------------------------------------------===//
// Integer arithmetic folders (shape computations)
//===----------------------------------------------------------------------===//

/// Folds `op` on two small integer constants with `fn`, broadcasting them
/// to the result's shape; `fn` returns nullopt where it must not fold
/// (division by zero).
template <typename OpTy>
static OpFoldResult foldIntegerBinary(
    OpTy op, ArrayRef<Attribute> operands,
    function_ref<std::optional<APInt>(const APInt &, const APInt &)> fn) {
  auto lhs = dyn_cast_or_null<DenseIntElementsAttr>(operands[0]);
  auto rhs = dyn_cast_or_null<DenseIntElementsAttr>(operands[1]);
  RankedTensorType type = op.getType();
  if (!lhs || !rhs || lhs.getElementType().isInteger(1) ||
      type.getNumElements() > (1 << 16))
    return {};
  SmallVector<APInt> l(lhs.getValues<APInt>()), r(rhs.getValues<APInt>());
  // The linear index into an operand of `shape` broadcast to `type`.
  auto operandIndex = [&](ArrayRef<int64_t> shape, ArrayRef<int64_t> idx) {
    int64_t linear = 0, offset = idx.size() - shape.size();
    for (size_t d = 0; d < shape.size(); ++d)
      linear = linear * shape[d] + (shape[d] == 1 ? 0 : idx[offset + d]);
    return linear;
  };
  SmallVector<APInt> values;
  SmallVector<int64_t> idx(type.getRank(), 0);
  for (int64_t e = 0; e < type.getNumElements(); ++e) {
    std::optional<APInt> v = fn(l[operandIndex(lhs.getType().getShape(), idx)],
                                r[operandIndex(rhs.getType().getShape(), idx)]);
    if (!v)
      return {};
    values.push_back(*v);
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      if (++idx[d] < type.getDimSize(d))
        break;
      idx[d] = 0;
    }
  }
  return DenseElementsAttr::get(type, values);
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldIntegerBinary(*this, adaptor.getOperands(),
                           [](const APInt &a, const APInt &b) {
                             return std::optional<APInt>(a + b);
                           });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldIntegerBinary(*this, adaptor.getOperands(),
                           [](const APInt &a, const APInt &b) {
                             return std::optional<APInt>(a - b);
                           });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldIntegerBinary(*this, adaptor.getOperands(),
                           [](const APInt &a, const APInt &b) {
                             return std::optional<APInt>(a * b);
                           });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  bool isUnsigned = getType().getElementType().isUnsignedInteger();
  return foldIntegerBinary(
      *this, adaptor.getOperands(),
      [&](const APInt &a, const APInt &b) -> std::optional<APInt> {
        if (b.isZero())
          return std::nullopt;
        return isUnsigned ? a.udiv(b) : a.sdiv(b);
      });
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  // Neg(integer constant) folds (shape computations); floats are left to run
  // time.
  auto dense = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getInput());
  if (!dense || dense.getElementType().isInteger(1))
    return {};
  return dense.mapValues(dense.getElementType(),
                         [](const APInt &v) { return -v; });
}
