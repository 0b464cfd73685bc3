//===- ShapeOps.cpp - graph ops that move data: verifiers and folders -----===//
//
// concat, slice, gather, expand and tile. Their folders evaluate small
// constant inputs, which is how ONNX shape computations (Shape → Gather →
// Concat → Reshape) become constants at import time.
//
//===----------------------------------------------------------------------===//

#include "dialects/graph/IR/GraphDialect.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace aicc::graph;

/// Constants larger than this are not folded (compile time and memory).
static constexpr int64_t kMaxFoldElements = 1 << 16;

/// Row-major strides of `shape`.
static SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// A constant of `type` whose element at each index `idx` is produced by
/// `element(idx)`; null when the result is too large to fold.
static DenseElementsAttr
buildConstant(RankedTensorType type,
              function_ref<Attribute(ArrayRef<int64_t>)> element) {
  if (!type.hasStaticShape() || type.getNumElements() > kMaxFoldElements)
    return nullptr;
  SmallVector<Attribute> values;
  values.reserve(type.getNumElements());
  SmallVector<int64_t> idx(type.getRank(), 0);
  for (int64_t n = 0; n < type.getNumElements(); ++n) {
    values.push_back(element(idx));
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      if (++idx[d] < type.getDimSize(d))
        break;
      idx[d] = 0;
    }
  }
  return DenseElementsAttr::get(type, values);
}

/// The elements of `attr` as attributes, or nothing when it is not a
/// constant or too large to fold.
static std::optional<SmallVector<Attribute>>
elementsOf(DenseElementsAttr attr) {
  if (!attr || attr.getNumElements() > kMaxFoldElements)
    return std::nullopt;
  return SmallVector<Attribute>(attr.getValues<Attribute>());
}

//===----------------------------------------------------------------------===//
// ConcatOp
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  auto resultType = getResult().getType();
  int64_t rank = resultType.getRank(), axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for rank " << rank;
  int64_t sum = 0;
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    auto type = cast<RankedTensorType>(input.getType());
    if (type.getRank() != rank)
      return emitOpError("input #") << i << " has rank " << type.getRank()
                                    << ", the result has rank " << rank;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && type.getDimSize(d) != resultType.getDimSize(d))
        return emitOpError("input #")
               << i << " has size " << type.getDimSize(d) << " in dimension "
               << d << ", the result has " << resultType.getDimSize(d);
    sum += type.getDimSize(axis);
  }
  if (sum != resultType.getDimSize(axis))
    return emitOpError("inputs add up to ")
           << sum << " along axis " << axis << ", the result has "
           << resultType.getDimSize(axis);
  return success();
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1)
    return getInputs()[0];
  SmallVector<SmallVector<Attribute>> inputs;
  for (Attribute attr : adaptor.getInputs()) {
    auto values = elementsOf(dyn_cast_or_null<DenseElementsAttr>(attr));
    if (!values)
      return {};
    inputs.push_back(std::move(*values));
  }
  int64_t axis = getAxis();
  return buildConstant(getType(), [&](ArrayRef<int64_t> idx) -> Attribute {
    int64_t pos = idx[axis];
    for (auto [input, values] : llvm::zip(getInputs(), inputs)) {
      auto shape = cast<RankedTensorType>(input.getType()).getShape();
      if (pos >= shape[axis]) {
        pos -= shape[axis];
        continue;
      }
      SmallVector<int64_t> strides = stridesOf(shape);
      int64_t linear = 0;
      for (size_t d = 0; d < idx.size(); ++d)
        linear += (d == static_cast<size_t>(axis) ? pos : idx[d]) * strides[d];
      return values[linear];
    }
    llvm_unreachable("verified concat covers the result");
  });
}

//===----------------------------------------------------------------------===//
// SliceOp
//===----------------------------------------------------------------------===//

LogicalResult SliceOp::verify() {
  auto inputType = getInput().getType();
  auto resultType = getResult().getType();
  int64_t rank = inputType.getRank();
  if (resultType.getRank() != rank ||
      static_cast<int64_t>(getStarts().size()) != rank ||
      static_cast<int64_t>(getSteps().size()) != rank)
    return emitOpError("starts, steps and the result need the input's rank ")
           << rank;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t start = getStarts()[d], step = getSteps()[d];
    int64_t size = resultType.getDimSize(d), dim = inputType.getDimSize(d);
    if (step == 0)
      return emitOpError("step of dimension ") << d << " is zero";
    if (size == 0)
      continue;
    int64_t last = start + (size - 1) * step;
    if (start < 0 || start >= dim || last < 0 || last >= dim)
      return emitOpError("dimension ")
             << d << " reads [" << start << ", " << last
             << "], outside the input's size " << dim;
  }
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  // Slice(x) = x when it takes every element in order.
  if (getInput().getType() == getType() &&
      llvm::all_of(getStarts(), [](int64_t s) { return s == 0; }) &&
      llvm::all_of(getSteps(), [](int64_t s) { return s == 1; }))
    return getInput();
  auto values =
      elementsOf(dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()));
  if (!values)
    return {};
  SmallVector<int64_t> strides = stridesOf(getInput().getType().getShape());
  return buildConstant(getType(), [&](ArrayRef<int64_t> idx) {
    int64_t linear = 0;
    for (size_t d = 0; d < idx.size(); ++d)
      linear += (getStarts()[d] + idx[d] * getSteps()[d]) * strides[d];
    return (*values)[linear];
  });
}

//===----------------------------------------------------------------------===//
// GatherOp
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
  auto indicesType = cast<RankedTensorType>(adaptor.getIndices().getType());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= inputType.getRank())
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ",
                             inputType.getRank());
  SmallVector<int64_t> shape(inputType.getShape().take_front(axis));
  llvm::append_range(shape, indicesType.getShape());
  llvm::append_range(shape, inputType.getShape().drop_front(axis + 1));
  inferred.push_back(RankedTensorType::get(shape, inputType.getElementType()));
  return success();
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  auto values =
      elementsOf(dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()));
  auto indices = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getIndices());
  if (!values || !indices || indices.getNumElements() > kMaxFoldElements)
    return {};
  SmallVector<int64_t> idxValues;
  for (const APInt &v : indices.getValues<APInt>())
    idxValues.push_back(indices.getElementType().isUnsignedInteger()
                            ? static_cast<int64_t>(v.getZExtValue())
                            : v.getSExtValue());
  ArrayRef<int64_t> inShape = getInput().getType().getShape();
  int64_t axis = getAxis(), dim = inShape[axis];
  for (int64_t &v : idxValues) {
    if (v < 0)
      v += dim;
    if (v < 0 || v >= dim)
      return {}; // out of range: leave it to run time
  }
  SmallVector<int64_t> inStrides = stridesOf(inShape);
  SmallVector<int64_t> idxStrides =
      stridesOf(getIndices().getType().getShape());
  int64_t idxRank = getIndices().getType().getRank();
  return buildConstant(getType(), [&](ArrayRef<int64_t> idx) {
    int64_t which = 0;
    for (int64_t j = 0; j < idxRank; ++j)
      which += idx[axis + j] * idxStrides[j];
    int64_t linear = 0;
    for (int64_t d = 0; d < static_cast<int64_t>(inShape.size()); ++d) {
      int64_t i = d < axis    ? idx[d]
                  : d == axis ? idxValues[which]
                              : idx[d + idxRank - 1];
      linear += i * inStrides[d];
    }
    return (*values)[linear];
  });
}

//===----------------------------------------------------------------------===//
// ExpandOp
//===----------------------------------------------------------------------===//

LogicalResult ExpandOp::verify() {
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> result = getType().getShape();
  if (!OpTrait::util::getBroadcastedShape(getInput().getType().getShape(),
                                          result, shape) ||
      ArrayRef<int64_t>(shape) != result)
    return emitOpError("cannot broadcast ")
           << getInput().getType() << " to " << getType();
  return success();
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput());
  if (dense && dense.isSplat())
    return DenseElementsAttr::get(getType(), dense.getSplatValue<Attribute>());
  auto values = elementsOf(dense);
  if (!values)
    return {};
  ArrayRef<int64_t> inShape = getInput().getType().getShape();
  SmallVector<int64_t> strides = stridesOf(inShape);
  int64_t offset = getType().getRank() - inShape.size();
  return buildConstant(getType(), [&](ArrayRef<int64_t> idx) {
    int64_t linear = 0;
    for (size_t d = 0; d < inShape.size(); ++d)
      linear += (inShape[d] == 1 ? 0 : idx[d + offset]) * strides[d];
    return (*values)[linear];
  });
}

//===----------------------------------------------------------------------===//
// TileOp
//===----------------------------------------------------------------------===//

LogicalResult TileOp::verify() {
  auto inputType = getInput().getType();
  if (inputType.getRank() != getType().getRank())
    return emitOpError("the result needs the input's rank ")
           << inputType.getRank();
  for (int64_t d = 0; d < inputType.getRank(); ++d) {
    int64_t in = inputType.getDimSize(d), out = getType().getDimSize(d);
    if ((in == 0 && out != 0) || (in != 0 && out % in != 0))
      return emitOpError("result size ")
             << out << " of dimension " << d
             << " is not a multiple of the input's " << in;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// GatherElementsOp, CumSumOp
//===----------------------------------------------------------------------===//

LogicalResult GatherElementsOp::verify() {
  int64_t rank = getInput().getType().getRank();
  if (getIndices().getType().getRank() != rank)
    return emitOpError("indices need the input's rank ") << rank;
  if (getAxis() < 0 || getAxis() >= rank)
    return emitOpError("axis ")
           << getAxis() << " is out of range for rank " << rank;
  return success();
}

LogicalResult CumSumOp::verify() {
  int64_t rank = getInput().getType().getRank();
  if (getAxis() < 0 || getAxis() >= rank)
    return emitOpError("axis ")
           << getAxis() << " is out of range for rank " << rank;
  return success();
}
