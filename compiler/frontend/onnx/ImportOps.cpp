//===- ImportOps.cpp - ONNX node importers, one function per op type ------===//
//
// Each importer maps one ONNX op (all the opset versions aicc reads) onto
// graph-dialect ops. Importers check what ONNX allows but our ops do not
// (static shapes, constant shape inputs) and report it naming the node.
//
//===----------------------------------------------------------------------===//

#include "compiler/frontend/onnx/ImportOps.h"
#include "compiler/frontend/onnx/ImportTensor.h"
#include "dialects/graph/IR/GraphDialect.h"

#include "onnx/onnx.pb.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace aicc::graph;
using llvm::Expected;

namespace aicc::onnx_import {

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

InFlightDiagnostic NodeContext::error() {
  InFlightDiagnostic diag = emitError(loc);
  diag << "node '" << cast<NameLoc>(loc).getName().getValue() << "' ("
       << node.op_type() << ", opset " << opset << "): ";
  return diag;
}

FailureOr<Value> NodeContext::requiredInput(size_t i) {
  if (Value v = input(i))
    return v;
  return error() << "required input #" << i << " is missing";
}

DenseElementsAttr NodeContext::constantInput(size_t i) const {
  DenseElementsAttr attr;
  if (Value v = input(i); v && matchPattern(v, m_Constant(&attr)))
    return attr;
  return nullptr;
}

const onnx::AttributeProto *NodeContext::attribute(StringRef name) const {
  for (const auto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t NodeContext::intAttr(StringRef name, int64_t defaultValue) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr ? attr->i() : defaultValue;
}

float NodeContext::floatAttr(StringRef name, float defaultValue) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr ? attr->f() : defaultValue;
}

std::optional<SmallVector<int64_t>>
NodeContext::intsAttr(StringRef name) const {
  const onnx::AttributeProto *attr = attribute(name);
  if (!attr)
    return std::nullopt;
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Creates `OpTy` with its inferred result type; a shape error is reported at
/// the node instead of aborting in the builder.
template <typename OpTy>
static FailureOr<Value> createInferred(NodeContext &n, ValueRange operands) {
  SmallVector<Type> types;
  if (failed(OpTy::inferReturnTypes(n.builder.getContext(), n.loc,
                                    typename OpTy::Adaptor(operands), types)))
    return failure();
  return OpTy::create(n.builder, n.loc, types, operands).getResult();
}

/// Checks that every present input has the element type of input 0.
static LogicalResult checkSameElementType(NodeContext &n) {
  Type expected = tensorType(n.input(0)).getElementType();
  for (const auto &[i, v] : llvm::enumerate(n.inputs))
    if (v && tensorType(v).getElementType() != expected)
      return n.error() << "input #" << i << " has element type "
                       << tensorType(v).getElementType() << " but input #0 has "
                       << expected;
  return success();
}

/// A scalar constant of `elementType` (float types only).
static Value scalarConstant(NodeContext &n, Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  return ConstantOp::create(
      n.builder, n.loc,
      DenseElementsAttr::get(type, FloatAttr::get(elementType, value)));
}

static Value reshape(NodeContext &n, Value input, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, tensorType(input).getElementType());
  if (type == input.getType())
    return input;
  return ReshapeOp::create(n.builder, n.loc, type, input);
}

//===----------------------------------------------------------------------===//
// Importers
//===----------------------------------------------------------------------===//

template <typename OpTy> static LogicalResult importBinary(NodeContext &n) {
  // Before opset 7, broadcasting was opt-in through attributes.
  if (n.attribute("broadcast") || n.attribute("axis"))
    return n.error() << "legacy (opset < 7) broadcast attributes are not "
                     << "supported";
  if (failed(n.requiredInput(0)) || failed(n.requiredInput(1)) ||
      failed(checkSameElementType(n)))
    return failure();
  FailureOr<Value> result = createInferred<OpTy>(n, {n.input(0), n.input(1)});
  if (failed(result))
    return failure();
  n.results.push_back(*result);
  return success();
}

template <typename OpTy, bool floatOnly>
static LogicalResult importUnary(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  if (floatOnly && !isa<FloatType>(tensorType(*input).getElementType()))
    return n.error() << "expects a floating-point input, got "
                     << input->getType();
  n.results.push_back(OpTy::create(n.builder, n.loc, *input));
  return success();
}

/// Identity, and Dropout in inference mode (its mask output is unsupported).
static LogicalResult importIdentity(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  n.results.push_back(*input);
  return success();
}

static LogicalResult importMatMul(NodeContext &n) {
  return importBinary<MatMulOp>(n);
}

static LogicalResult importTranspose(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  int64_t rank = tensorType(*input).getRank();
  SmallVector<int64_t> perm;
  if (auto given = n.intsAttr("perm"))
    perm = *given;
  else
    perm = llvm::to_vector(llvm::reverse(llvm::seq<int64_t>(0, rank)));
  FailureOr<Value> result = failure();
  {
    SmallVector<Type> types;
    TransposeOp::Properties props;
    props.perm = n.builder.getDenseI64ArrayAttr(perm);
    if (failed(TransposeOp::inferReturnTypes(
            n.builder.getContext(), n.loc,
            TransposeOp::Adaptor(ValueRange{*input}, nullptr, props), types)))
      return failure();
    result = TransposeOp::create(n.builder, n.loc, types[0], *input, props.perm)
                 .getResult();
  }
  n.results.push_back(*result);
  return success();
}

static LogicalResult importReshape(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input) || failed(n.requiredInput(1)))
    return failure();
  DenseElementsAttr shapeAttr = n.constantInput(1);
  if (!shapeAttr || !shapeAttr.getElementType().isInteger(64))
    return n.error() << "a shape input computed at run time is not "
                     << "supported: it must be a constant int64 tensor "
                     << "(aicc compiles static shapes)";
  bool allowZero = n.intAttr("allowzero", 0) != 0;
  ArrayRef<int64_t> inShape = tensorType(*input).getShape();
  int64_t inCount = tensorType(*input).getNumElements();
  SmallVector<int64_t> shape;
  int inferIndex = -1;
  int64_t known = 1;
  for (const auto &[i, dim] : llvm::enumerate(shapeAttr.getValues<int64_t>())) {
    if (dim == 0 && !allowZero) {
      if (i >= inShape.size())
        return n.error() << "shape entry " << i << " is 0 (copy) but the "
                         << "input has rank " << inShape.size();
      shape.push_back(inShape[i]);
    } else if (dim == -1) {
      if (inferIndex >= 0)
        return n.error() << "the shape has more than one -1";
      inferIndex = i;
      shape.push_back(1);
      continue;
    } else if (dim < 0) {
      return n.error() << "invalid shape entry " << dim;
    } else {
      shape.push_back(dim);
    }
    known *= shape.back();
  }
  if (inferIndex >= 0) {
    if (known == 0 || inCount % known != 0)
      return n.error() << "cannot infer the -1 entry: " << inCount
                       << " elements do not divide by " << known;
    shape[inferIndex] = inCount / known;
    known = inCount;
  }
  if (known != inCount)
    return n.error() << "cannot reshape " << input->getType() << " (" << inCount
                     << " elements) to " << known << " elements";
  n.results.push_back(reshape(n, *input, shape));
  return success();
}

static LogicalResult importFlatten(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  ArrayRef<int64_t> shape = tensorType(*input).getShape();
  int64_t rank = shape.size();
  int64_t axis = n.intAttr("axis", 1);
  if (axis < -rank || axis > rank)
    return n.error() << "axis " << axis << " is out of range for rank " << rank;
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < axis ? outer : inner) *= shape[i];
  n.results.push_back(reshape(n, *input, {outer, inner}));
  return success();
}

/// Gemm: Y = alpha * A' * B' + beta * C, A' and B' optionally transposed.
static LogicalResult importGemm(NodeContext &n) {
  if (failed(n.requiredInput(0)) || failed(n.requiredInput(1)) ||
      failed(checkSameElementType(n)))
    return failure();
  Value a = n.input(0), b = n.input(1), c = n.input(2);
  Type elementType = tensorType(a).getElementType();
  for (Value v : {a, b})
    if (tensorType(v).getRank() != 2)
      return n.error() << "A and B must be matrices, got " << v.getType();
  auto transpose = [&](Value v) -> Value {
    auto type = tensorType(v);
    auto resultType = RankedTensorType::get(
        {type.getDimSize(1), type.getDimSize(0)}, type.getElementType());
    return TransposeOp::create(n.builder, n.loc, resultType, v,
                               n.builder.getDenseI64ArrayAttr({1, 0}));
  };
  if (n.intAttr("transA", 0))
    a = transpose(a);
  if (n.intAttr("transB", 0))
    b = transpose(b);
  FailureOr<Value> y = createInferred<MatMulOp>(n, {a, b});
  if (failed(y))
    return failure();
  float alpha = n.floatAttr("alpha", 1.0f), beta = n.floatAttr("beta", 1.0f);
  bool isFloat = isa<FloatType>(elementType);
  if (alpha != 1.0f) {
    if (!isFloat)
      return n.error() << "alpha != 1 needs a floating-point type";
    y = createInferred<MulOp>(n, {*y, scalarConstant(n, elementType, alpha)});
  }
  if (c && succeeded(y)) {
    if (beta != 1.0f) {
      if (!isFloat)
        return n.error() << "beta != 1 needs a floating-point type";
      FailureOr<Value> scaled =
          createInferred<MulOp>(n, {c, scalarConstant(n, elementType, beta)});
      if (failed(scaled))
        return failure();
      c = *scaled;
    }
    y = createInferred<AddOp>(n, {*y, c});
  }
  if (failed(y))
    return failure();
  n.results.push_back(*y);
  return success();
}

static LogicalResult importConstant(NodeContext &n) {
  MLIRContext *ctx = n.builder.getContext();
  Builder &b = n.builder;
  DenseElementsAttr value;
  if (const auto *attr = n.attribute("value")) {
    auto imported = importTensor(*ctx, attr->t(), n.modelDir);
    if (!imported)
      return n.error() << "value: " << llvm::toString(imported.takeError());
    value = *imported;
  } else if (const auto *attr = n.attribute("value_float")) {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                   attr->f());
  } else if (const auto *attr = n.attribute("value_floats")) {
    SmallVector<float> floats(attr->floats().begin(), attr->floats().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)floats.size()}, b.getF32Type()),
        ArrayRef<float>(floats));
  } else if (const auto *attr = n.attribute("value_int")) {
    value = DenseElementsAttr::get(
        RankedTensorType::get({}, b.getIntegerType(64)), attr->i());
  } else if (const auto *attr = n.attribute("value_ints")) {
    SmallVector<int64_t> ints(attr->ints().begin(), attr->ints().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)ints.size()}, b.getIntegerType(64)),
        ArrayRef<int64_t>(ints));
  } else {
    return n.error() << "has no supported value attribute (value, "
                     << "value_float(s), value_int(s))";
  }
  n.results.push_back(ConstantOp::create(n.builder, n.loc, value));
  return success();
}

//===----------------------------------------------------------------------===//
// Registry
//===----------------------------------------------------------------------===//

OpImporter lookupOpImporter(StringRef opType) {
  static const llvm::StringMap<OpImporter> importers = {
      {"Add", importBinary<AddOp>},
      {"Constant", importConstant},
      {"Div", importBinary<DivOp>},
      {"Dropout", importIdentity},
      {"Exp", importUnary<ExpOp, true>},
      {"Flatten", importFlatten},
      {"Gemm", importGemm},
      {"Identity", importIdentity},
      {"MatMul", importMatMul},
      {"Mul", importBinary<MulOp>},
      {"Neg", importUnary<NegOp, false>},
      {"Relu", importUnary<ReluOp, false>},
      {"Reshape", importReshape},
      {"Sigmoid", importUnary<SigmoidOp, true>},
      {"Sub", importBinary<SubOp>},
      {"Tanh", importUnary<TanhOp, true>},
      {"Transpose", importTranspose},
  };
  auto it = importers.find(opType);
  return it == importers.end() ? nullptr : it->second;
}

} // namespace aicc::onnx_import
