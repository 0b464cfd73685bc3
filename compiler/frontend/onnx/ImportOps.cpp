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

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"

#include "llvm/ADT/StringMap.h"
#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

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
  Value v = input(i);
  if (!v)
    return nullptr;
  DenseElementsAttr attr;
  if (matchPattern(v, m_Constant(&attr)))
    return attr;
  return inputValue(v);
}

FailureOr<SmallVector<int64_t>> NodeContext::constantInts(size_t i,
                                                          StringRef what) {
  if (!input(i))
    return error() << "missing input '" << what << "'";
  auto attr = dyn_cast_or_null<DenseIntElementsAttr>(constantInput(i));
  if (!attr)
    return error() << "'" << what << "' computed at run time is not "
                   << "supported: it must be a constant integer tensor "
                   << "(aicc compiles static shapes)";
  SmallVector<int64_t> values;
  for (const APInt &v : attr.getValues<APInt>())
    values.push_back(v.getSExtValue());
  return values;
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

std::string NodeContext::stringAttr(StringRef name,
                                    StringRef defaultValue) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr ? attr->s() : defaultValue.str();
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

/// Creates `OpTy` on `operands` with its inferred result type, folding where
/// it can. Returns null when an operand is null (an earlier step failed) or
/// the shapes do not fit (the diagnostic names the node), so steps chain.
template <typename OpTy>
static Value build(NodeContext &n, ValueRange operands) {
  if (llvm::any_of(operands, [](Value v) { return !v; }))
    return nullptr;
  Type resultType;
  if constexpr (OpTy::template hasTrait<OpTrait::SameOperandsAndResultType>()) {
    resultType = operands[0].getType();
  } else {
    SmallVector<Type> types;
    if (failed(OpTy::inferReturnTypes(n.builder.getContext(), n.loc,
                                      typename OpTy::Adaptor(operands), types)))
      return nullptr;
    resultType = types[0];
  }
  return n.builder.createOrFold<OpTy>(n.loc, resultType, operands);
}

template <typename OpTy>
static FailureOr<Value> createInferred(NodeContext &n, ValueRange operands) {
  if (Value v = build<OpTy>(n, operands))
    return v;
  return failure();
}

/// The largest tensor (in elements) the importer creates or computes
/// constants for; beyond it a model is reported, not compiled for hours.
constexpr int64_t kMaxElements = int64_t(1) << 32;

/// Reports and returns true when a tensor of `shape` exceeds kMaxElements.
static bool tooLarge(NodeContext &n, ArrayRef<int64_t> shape, StringRef what) {
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d != 0 && count > kMaxElements / d)) {
      n.error() << what << " is larger than aicc's limit of " << kMaxElements
                << " elements";
      return true;
    }
    count *= d;
  }
  return false;
}

/// Records `result` as the node's output; a null result means failure.
static LogicalResult setResult(NodeContext &n, Value result) {
  if (!result)
    return failure();
  n.results.push_back(result);
  return success();
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

/// A rank-0 constant of `elementType` holding `value`.
static Value scalarConstant(NodeContext &n, Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  Attribute attr;
  if (auto floatType = dyn_cast<FloatType>(elementType))
    attr = FloatAttr::get(floatType, value);
  else
    attr = IntegerAttr::get(elementType,
                            APInt(elementType.getIntOrFloatBitWidth(),
                                  static_cast<int64_t>(value),
                                  /*isSigned=*/true, /*implicitTrunc=*/true));
  return ConstantOp::create(n.builder, n.loc,
                            DenseElementsAttr::get(type, attr));
}

/// A constant like `scalarConstant` with the element type of `like` (null
/// when `like` is: an earlier step failed).
static Value scalarLike(NodeContext &n, Value like, double value) {
  if (!like)
    return nullptr;
  return scalarConstant(n, tensorType(like).getElementType(), value);
}

static Value castTo(NodeContext &n, Value v, Type elementType) {
  if (!v)
    return nullptr;
  auto type = tensorType(v);
  if (type.getElementType() == elementType)
    return v;
  return n.builder.createOrFold<CastOp>(n.loc, type.clone(elementType), v);
}

static Value reshape(NodeContext &n, Value input, ArrayRef<int64_t> shape) {
  if (!input)
    return nullptr;
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
  Type resultType = input->getType();
  if constexpr (std::is_same_v<OpTy, IsNanOp>)
    resultType = tensorType(*input).clone(n.builder.getI1Type());
  return setResult(n, n.builder.createOrFold<OpTy>(n.loc, resultType, *input));
}

static LogicalResult importIdentity(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  n.results.push_back(*input);
  return success();
}

/// Dropout in inference mode: the identity, with an all-true mask.
static LogicalResult importDropout(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  if (n.input(2)) {
    DenseElementsAttr training = n.constantInput(2);
    if (!training || training.getNumElements() != 1 ||
        training.getValues<bool>()[0])
      return n.error() << "training_mode must be a constant false (aicc "
                       << "compiles for inference)";
  }
  auto maskType = tensorType(*input).clone(n.builder.getI1Type());
  n.results = {*input,
               ConstantOp::create(n.builder, n.loc,
                                  DenseElementsAttr::get(maskType, true))};
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
  FailureOr<SmallVector<int64_t>> newShape = n.constantInts(1, "shape");
  if (failed(newShape))
    return failure();
  bool allowZero = n.intAttr("allowzero", 0) != 0;
  ArrayRef<int64_t> inShape = tensorType(*input).getShape();
  int64_t inCount = tensorType(*input).getNumElements();
  SmallVector<int64_t> shape;
  int inferIndex = -1;
  int64_t known = 1;
  for (const auto &[i, dim] : llvm::enumerate(*newShape)) {
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
// Elementwise ops beyond one-to-one: variadic, mixed types, decompositions
//===----------------------------------------------------------------------===//

/// Sum, Max, Min (variadic, broadcasting) and Mean = Sum / count.
template <typename OpTy, bool mean = false>
static LogicalResult importVariadic(NodeContext &n) {
  if (failed(n.requiredInput(0)) || failed(checkSameElementType(n)))
    return failure();
  Value acc = n.input(0);
  for (size_t i = 1; i < n.numInputs(); ++i)
    acc = build<OpTy>(n, {acc, n.input(i)});
  if (mean && n.numInputs() > 1)
    acc = build<DivOp>(n, {acc, scalarLike(n, acc, n.numInputs())});
  return setResult(n, acc);
}

/// Pow: ONNX lets the exponent have another type; it is cast to the base's.
static LogicalResult importPow(NodeContext &n) {
  if (failed(n.requiredInput(0)) || failed(n.requiredInput(1)))
    return failure();
  Value base = n.input(0);
  return setResult(
      n, build<PowOp>(n, {base, castTo(n, n.input(1),
                                       tensorType(base).getElementType())}));
}

static LogicalResult importMod(NodeContext &n) {
  if (failed(n.requiredInput(0)) || failed(n.requiredInput(1)) ||
      failed(checkSameElementType(n)))
    return failure();
  bool fmod = n.intAttr("fmod", 0) != 0;
  if (!fmod && isa<FloatType>(tensorType(n.input(0)).getElementType()))
    return n.error() << "floating-point Mod needs fmod=1";
  Value r = build<ModOp>(n, {n.input(0), n.input(1)});
  if (r && fmod)
    if (auto mod = r.getDefiningOp<ModOp>())
      mod.setFmod(true);
  return setResult(n, r);
}

static LogicalResult importBitShift(NodeContext &n) {
  if (failed(n.requiredInput(0)) || failed(n.requiredInput(1)) ||
      failed(checkSameElementType(n)))
    return failure();
  std::string direction = n.stringAttr("direction", "");
  if (direction == "LEFT")
    return setResult(n, build<ShiftLeftOp>(n, {n.input(0), n.input(1)}));
  if (direction == "RIGHT")
    return setResult(n, build<ShiftRightOp>(n, {n.input(0), n.input(1)}));
  return n.error() << "direction must be LEFT or RIGHT, got '" << direction
                   << "'";
}

static LogicalResult importWhere(NodeContext &n) {
  for (size_t i = 0; i < 3; ++i)
    if (failed(n.requiredInput(i)))
      return failure();
  if (tensorType(n.input(1)).getElementType() !=
      tensorType(n.input(2)).getElementType())
    return n.error() << "X and Y have different element types";
  return setResult(n, build<SelectOp>(n, {n.input(0), n.input(1), n.input(2)}));
}

static LogicalResult importCast(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  Type to;
  if (n.node.op_type() == "CastLike") {
    if (failed(n.requiredInput(1)))
      return failure();
    to = tensorType(n.input(1)).getElementType();
  } else {
    const onnx::AttributeProto *attr = n.attribute("to");
    if (!attr)
      return n.error() << "missing attribute 'to'";
    auto converted = convertElementType(*n.builder.getContext(), attr->i());
    if (!converted)
      return n.error() << "to: " << llvm::toString(converted.takeError());
    to = *converted;
  }
  return setResult(n, castTo(n, *input, to));
}

/// Clip: min/max attributes before opset 11, optional inputs after.
static LogicalResult importClip(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  Value lo = n.input(1), hi = n.input(2);
  if (n.opset < 11) {
    if (n.attribute("min"))
      lo = scalarLike(n, *input, n.floatAttr("min", 0));
    if (n.attribute("max"))
      hi = scalarLike(n, *input, n.floatAttr("max", 0));
  }
  Value y = *input;
  if (lo)
    y = build<MaxOp>(n, {y, lo});
  if (hi)
    y = build<MinOp>(n, {y, hi});
  return setResult(n, y);
}

/// Activations and other ops that are a few elementwise graph ops. Each
/// lambda states its formula; `x` is the input, `c(v)` a scalar constant.
using Decomposition = Value (*)(NodeContext &n, Value x);

template <Decomposition decompose, bool floatOnly = true>
static LogicalResult importDecomposed(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  if (floatOnly && !isa<FloatType>(tensorType(*input).getElementType()))
    return n.error() << "expects a floating-point input, got "
                     << input->getType();
  return setResult(n, decompose(n, *input));
}

static Value c(NodeContext &n, Value like, double v) {
  return scalarLike(n, like, v);
}

// Softplus(x) = log(exp(x) + 1)
static Value softplus(NodeContext &n, Value x) {
  return build<LogOp>(n, build<AddOp>(n, {build<ExpOp>(n, x), c(n, x, 1)}));
}
// Softsign(x) = x / (1 + |x|)
static Value softsign(NodeContext &n, Value x) {
  return build<DivOp>(n,
                      {x, build<AddOp>(n, {c(n, x, 1), build<AbsOp>(n, x)})});
}
// Elu(x) = x < 0 ? alpha * (exp(x) - 1) : x
static Value elu(NodeContext &n, Value x) {
  Value neg =
      build<MulOp>(n, {c(n, x, n.floatAttr("alpha", 1.0f)),
                       build<SubOp>(n, {build<ExpOp>(n, x), c(n, x, 1)})});
  return build<SelectOp>(n, {build<LessOp>(n, {x, c(n, x, 0)}), neg, x});
}
// Selu(x) = gamma * (x <= 0 ? alpha * exp(x) - alpha : x)
static Value selu(NodeContext &n, Value x) {
  Value alpha = c(n, x, n.floatAttr("alpha", 1.67326319217681884765625f));
  Value gamma = c(n, x, n.floatAttr("gamma", 1.05070102214813232421875f));
  Value neg =
      build<SubOp>(n, {build<MulOp>(n, {alpha, build<ExpOp>(n, x)}), alpha});
  Value y =
      build<SelectOp>(n, {build<LessEqualOp>(n, {x, c(n, x, 0)}), neg, x});
  return build<MulOp>(n, {gamma, y});
}
// LeakyRelu(x) = x < 0 ? alpha * x : x
static Value leakyRelu(NodeContext &n, Value x) {
  Value neg = build<MulOp>(n, {c(n, x, n.floatAttr("alpha", 0.01f)), x});
  return build<SelectOp>(n, {build<LessOp>(n, {x, c(n, x, 0)}), neg, x});
}
// HardSigmoid(x) = max(0, min(1, alpha * x + beta))
static Value hardSigmoidWith(NodeContext &n, Value x, float alpha, float beta) {
  Value y =
      build<AddOp>(n, {build<MulOp>(n, {c(n, x, alpha), x}), c(n, x, beta)});
  return build<MaxOp>(n, {c(n, x, 0), build<MinOp>(n, {c(n, x, 1), y})});
}
static Value hardSigmoid(NodeContext &n, Value x) {
  return hardSigmoidWith(n, x, n.floatAttr("alpha", 0.2f),
                         n.floatAttr("beta", 0.5f));
}
// HardSwish(x) = x * HardSigmoid(x; alpha = 1/6, beta = 0.5)
static Value hardSwish(NodeContext &n, Value x) {
  return build<MulOp>(n, {x, hardSigmoidWith(n, x, 1.0f / 6, 0.5f)});
}
// ThresholdedRelu(x) = x > alpha ? x : 0
static Value thresholdedRelu(NodeContext &n, Value x) {
  Value above = build<GreaterOp>(n, {x, c(n, x, n.floatAttr("alpha", 1.0f))});
  return build<SelectOp>(n, {above, x, c(n, x, 0)});
}
// Celu(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
static Value celu(NodeContext &n, Value x) {
  Value alpha = c(n, x, n.floatAttr("alpha", 1.0f));
  Value e = build<SubOp>(
      n, {build<ExpOp>(n, build<DivOp>(n, {x, alpha})), c(n, x, 1)});
  return build<AddOp>(
      n, {build<MaxOp>(n, {c(n, x, 0), x}),
          build<MinOp>(n, {c(n, x, 0), build<MulOp>(n, {alpha, e})})});
}
// Shrink(x) = x < -lambd ? x + bias : (x > lambd ? x - bias : 0)
static Value shrink(NodeContext &n, Value x) {
  float lambd = n.floatAttr("lambd", 0.5f), bias = n.floatAttr("bias", 0.0f);
  Value hi =
      build<SelectOp>(n, {build<GreaterOp>(n, {x, c(n, x, lambd)}),
                          build<SubOp>(n, {x, c(n, x, bias)}), c(n, x, 0)});
  return build<SelectOp>(n, {build<LessOp>(n, {x, c(n, x, -lambd)}),
                             build<AddOp>(n, {x, c(n, x, bias)}), hi});
}
// Mish(x) = x * tanh(softplus(x))
static Value mish(NodeContext &n, Value x) {
  return build<MulOp>(n, {x, build<TanhOp>(n, softplus(n, x))});
}
// Gelu(x) = 0.5 x (1 + erf(x / sqrt 2)); approximate="tanh":
//         0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
static Value gelu(NodeContext &n, Value x) {
  Value inner;
  if (n.stringAttr("approximate", "none") == "tanh") {
    Value x3 = build<MulOp>(n, {x, build<MulOp>(n, {x, x})});
    Value t = build<AddOp>(n, {x, build<MulOp>(n, {c(n, x, 0.044715), x3})});
    inner = build<TanhOp>(n, build<MulOp>(n, {c(n, x, 0.7978845608028654), t}));
  } else {
    inner = build<ErfOp>(n, build<MulOp>(n, {x, c(n, x, 0.7071067811865476)}));
  }
  return build<MulOp>(n, {build<MulOp>(n, {c(n, x, 0.5), x}),
                          build<AddOp>(n, {c(n, x, 1), inner})});
}
// Reciprocal(x) = 1 / x
static Value reciprocal(NodeContext &n, Value x) {
  return build<DivOp>(n, {c(n, x, 1), x});
}
// Sign(x) = x > 0 ? 1 : (x < 0 ? -1 : 0)
static Value sign(NodeContext &n, Value x) {
  Value negOrZero = build<SelectOp>(
      n, {build<LessOp>(n, {x, c(n, x, 0)}), c(n, x, -1), c(n, x, 0)});
  return build<SelectOp>(
      n, {build<GreaterOp>(n, {x, c(n, x, 0)}), c(n, x, 1), negOrZero});
}
// IsInf(x) = (detect_positive && x == inf) || (detect_negative && x == -inf)
static Value isInf(NodeContext &n, Value x) {
  double inf = std::numeric_limits<double>::infinity();
  bool pos = n.intAttr("detect_positive", 1),
       neg = n.intAttr("detect_negative", 1);
  Value posInf = build<EqualOp>(n, {x, c(n, x, inf)});
  Value negInf = build<EqualOp>(n, {x, c(n, x, -inf)});
  if (pos && neg)
    return build<OrOp>(n, {posInf, negInf});
  if (pos)
    return posInf;
  if (neg)
    return negInf;
  return build<AndOp>(n, {posInf, negInf}); // never true
}

// PRelu(x, slope) = x < 0 ? slope * x : x
static LogicalResult importPRelu(NodeContext &n) {
  if (failed(n.requiredInput(0)) || failed(n.requiredInput(1)) ||
      failed(checkSameElementType(n)))
    return failure();
  Value x = n.input(0), slope = n.input(1);
  // Before opset 7 a 1-D slope of size C applied along axis 1 (channels).
  auto xType = tensorType(x), slopeType = tensorType(slope);
  if (slopeType.getRank() == 1 && xType.getRank() > 2 &&
      slopeType.getDimSize(0) == xType.getDimSize(1) &&
      xType.getDimSize(xType.getRank() - 1) != slopeType.getDimSize(0)) {
    SmallVector<int64_t> shape(xType.getRank() - 1, 1);
    shape[0] = slopeType.getDimSize(0);
    slope = reshape(n, slope, shape);
  }
  Value neg = build<MulOp>(n, {slope, x});
  return setResult(
      n, build<SelectOp>(n, {build<LessOp>(n, {x, c(n, x, 0)}), neg, x}));
}

//===----------------------------------------------------------------------===//
// Shape and data-movement ops
//===----------------------------------------------------------------------===//

/// Normalizes a possibly negative `axis` against `rank`, or reports it.
static FailureOr<int64_t> normalizeAxis(NodeContext &n, int64_t axis,
                                        int64_t rank) {
  if (axis < -rank || axis >= rank)
    return n.error() << "axis " << axis << " is out of range for rank " << rank;
  return axis < 0 ? axis + rank : axis;
}

/// Verifies an op the importer built with an explicit result type, then
/// folds it where it can (a verifier failure is reported at the node and
/// the op erased: folders may assume verified ops).
template <typename OpTy> static Value verified(NodeContext &n, OpTy op) {
  if (failed(mlir::verify(op))) {
    op.erase();
    return nullptr;
  }
  SmallVector<OpFoldResult> folded;
  if (failed(op->fold(folded)) || folded.size() != 1)
    return op.getResult();
  op.erase();
  if (auto value = dyn_cast<Value>(folded[0]))
    return value;
  return ConstantOp::create(
      n.builder, n.loc, cast<DenseElementsAttr>(cast<Attribute>(folded[0])));
}

/// The axes of Squeeze/Unsqueeze/reductions: attribute before `inputOpset`,
/// optional input #1 from it on. `present` is false when none are given.
static FailureOr<SmallVector<int64_t>>
axesOf(NodeContext &n, int64_t inputOpset, bool &present) {
  present = true;
  if (n.opset < inputOpset) {
    if (auto axes = n.intsAttr("axes"))
      return *axes;
  } else if (n.input(1)) {
    return n.constantInts(1, "axes");
  }
  present = false;
  return SmallVector<int64_t>();
}

static LogicalResult importUnsqueeze(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  bool present;
  FailureOr<SmallVector<int64_t>> axes = axesOf(n, 13, present);
  if (failed(axes))
    return failure();
  ArrayRef<int64_t> inShape = tensorType(*input).getShape();
  int64_t rank = inShape.size() + axes->size();
  SmallVector<bool> isNew(rank, false);
  for (int64_t axis : *axes) {
    FailureOr<int64_t> a = normalizeAxis(n, axis, rank);
    if (failed(a))
      return failure();
    if (isNew[*a])
      return n.error() << "axis " << axis << " is repeated";
    isNew[*a] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0, i = 0; d < rank; ++d)
    shape.push_back(isNew[d] ? 1 : inShape[i++]);
  return setResult(n, reshape(n, *input, shape));
}

static LogicalResult importSqueeze(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  bool present;
  FailureOr<SmallVector<int64_t>> axes = axesOf(n, 13, present);
  if (failed(axes))
    return failure();
  ArrayRef<int64_t> inShape = tensorType(*input).getShape();
  int64_t rank = inShape.size();
  SmallVector<bool> drop(rank, !present);
  if (!present)
    for (int64_t d = 0; d < rank; ++d)
      drop[d] = inShape[d] == 1;
  for (int64_t axis : *axes) {
    FailureOr<int64_t> a = normalizeAxis(n, axis, rank);
    if (failed(a))
      return failure();
    if (inShape[*a] != 1)
      return n.error() << "cannot squeeze dimension " << *a << " of size "
                       << inShape[*a];
    drop[*a] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    if (!drop[d])
      shape.push_back(inShape[d]);
  return setResult(n, reshape(n, *input, shape));
}

/// A constant 1-D or 0-D int64 tensor.
static Value int64Constant(NodeContext &n, ArrayRef<int64_t> values,
                           bool scalar = false) {
  auto type = RankedTensorType::get(
      scalar ? ArrayRef<int64_t>{} : ArrayRef<int64_t>{(int64_t)values.size()},
      n.builder.getI64Type());
  return ConstantOp::create(n.builder, n.loc,
                            DenseElementsAttr::get(type, values));
}

static LogicalResult importShape(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  ArrayRef<int64_t> shape = tensorType(*input).getShape();
  int64_t rank = shape.size();
  auto clampIndex = [&](int64_t i) {
    return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank);
  };
  int64_t start = clampIndex(n.intAttr("start", 0));
  int64_t end = clampIndex(n.intAttr("end", rank));
  return setResult(
      n,
      int64Constant(n, shape.slice(start, std::max<int64_t>(end - start, 0))));
}

static LogicalResult importSize(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  return setResult(n, int64Constant(n, {tensorType(*input).getNumElements()},
                                    /*scalar=*/true));
}

static LogicalResult importConcat(NodeContext &n) {
  if (n.numInputs() == 0 || failed(checkSameElementType(n)))
    return failure();
  SmallVector<Value> inputs;
  for (Value v : n.inputs)
    if (v)
      inputs.push_back(v);
  RankedTensorType first = tensorType(inputs[0]);
  FailureOr<int64_t> axis =
      normalizeAxis(n, n.intAttr("axis", 0), first.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  shape[*axis] = 0;
  for (Value v : inputs)
    if (tensorType(v).getRank() == first.getRank())
      shape[*axis] += tensorType(v).getDimSize(*axis);
  return setResult(
      n, verified(n, ConcatOp::create(
                         n.builder, n.loc,
                         RankedTensorType::get(shape, first.getElementType()),
                         inputs, *axis)));
}

/// ONNX Slice: clamps starts/ends per its rules, then builds graph.slice.
static LogicalResult importSlice(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (n.opset < 10) {
    starts = n.intsAttr("starts").value_or(SmallVector<int64_t>());
    ends = n.intsAttr("ends").value_or(SmallVector<int64_t>());
    if (auto a = n.intsAttr("axes"))
      axes = *a;
  } else {
    auto s = n.constantInts(1, "starts"), e = n.constantInts(2, "ends");
    if (failed(s) || failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (n.input(3)) {
      auto a = n.constantInts(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (n.input(4)) {
      auto st = n.constantInts(4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  ArrayRef<int64_t> inShape = tensorType(*input).getShape();
  int64_t rank = inShape.size();
  if (axes.empty())
    axes = llvm::to_vector(llvm::seq<int64_t>(0, starts.size()));
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (starts.size() != ends.size() || starts.size() != axes.size() ||
      starts.size() != steps.size())
    return n.error() << "starts, ends, axes and steps differ in length";

  SmallVector<int64_t> outStarts(rank, 0), outSteps(rank, 1),
      shape(inShape.begin(), inShape.end());
  for (size_t i = 0; i < axes.size(); ++i) {
    FailureOr<int64_t> axis = normalizeAxis(n, axes[i], rank);
    if (failed(axis))
      return failure();
    int64_t dim = inShape[*axis], step = steps[i];
    if (step == 0)
      return n.error() << "step of axis " << *axis << " is zero";
    int64_t start = starts[i], end = ends[i];
    if (start < 0)
      start = start < -dim ? 0 - (step < 0) : start + dim;
    if (end < 0)
      end = end < -dim ? -1 : end + dim;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
    } else {
      start = std::clamp<int64_t>(start, -1, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
    }
    int64_t size = step > 0 ? (end - start + step - 1) / step
                            : (start - end + (-step) - 1) / (-step);
    size = std::max<int64_t>(size, 0);
    shape[*axis] = size;
    outStarts[*axis] = size == 0 ? 0 : start;
    outSteps[*axis] = step;
  }
  auto resultType = tensorType(*input).clone(shape);
  Value result = n.builder.createOrFold<SliceOp>(
      n.loc, resultType, *input, n.builder.getDenseI64ArrayAttr(outStarts),
      n.builder.getDenseI64ArrayAttr(outSteps));
  return setResult(n, result);
}

/// graph.gather of `indices` from `input` along `axis` (in range), folded
/// when both are constants; null when the shapes do not fit.
static Value gather(NodeContext &n, Value input, Value indices, int64_t axis) {
  if (!input || !indices)
    return nullptr;
  GatherOp::Properties props;
  props.axis = n.builder.getI64IntegerAttr(axis);
  SmallVector<Type> types;
  if (failed(GatherOp::inferReturnTypes(
          n.builder.getContext(), n.loc,
          GatherOp::Adaptor(ValueRange{input, indices}, nullptr, props),
          types)))
    return nullptr;
  return n.builder.createOrFold<GatherOp>(n.loc, types[0], input, indices,
                                          props.axis);
}

/// The data, integer indices and normalized axis of Gather/GatherElements.
static LogicalResult gatherOperands(NodeContext &n, Value &input,
                                    Value &indices, int64_t &axis) {
  if (failed(n.requiredInput(0)) || failed(n.requiredInput(1)))
    return failure();
  input = n.input(0);
  indices = n.input(1);
  if (!isa<IntegerType>(tensorType(indices).getElementType()))
    return n.error() << "indices must be integers";
  FailureOr<int64_t> normalized =
      normalizeAxis(n, n.intAttr("axis", 0), tensorType(input).getRank());
  if (failed(normalized))
    return failure();
  axis = *normalized;
  return success();
}

static LogicalResult importGather(NodeContext &n) {
  Value input, indices;
  int64_t axis;
  if (failed(gatherOperands(n, input, indices, axis)))
    return failure();
  return setResult(n, gather(n, input, indices, axis));
}

static LogicalResult importExpand(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  FailureOr<SmallVector<int64_t>> target = n.constantInts(1, "shape");
  if (failed(target))
    return failure();
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(tensorType(*input).getShape(),
                                          *target, shape))
    return n.error() << "cannot expand " << input->getType() << " to shape ["
                     << llvm::make_range(target->begin(), target->end()) << "]";
  return setResult(n, n.builder.createOrFold<ExpandOp>(
                          n.loc, tensorType(*input).clone(shape), *input));
}

static LogicalResult importTile(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  FailureOr<SmallVector<int64_t>> repeats = n.constantInts(1, "repeats");
  if (failed(repeats))
    return failure();
  ArrayRef<int64_t> inShape = tensorType(*input).getShape();
  if (repeats->size() != inShape.size())
    return n.error() << "repeats has " << repeats->size()
                     << " entries for rank " << inShape.size();
  SmallVector<int64_t> shape;
  for (auto [dim, r] : llvm::zip(inShape, *repeats)) {
    if (r < 0)
      return n.error() << "negative repeat " << r;
    shape.push_back(dim * r);
  }
  return setResult(
      n, verified(n, TileOp::create(n.builder, n.loc,
                                    tensorType(*input).clone(shape), *input)));
}

static LogicalResult importConstantOfShape(NodeContext &n) {
  FailureOr<SmallVector<int64_t>> shape = n.constantInts(0, "input");
  if (failed(shape))
    return failure();
  for (int64_t d : *shape)
    if (d < 0)
      return n.error() << "negative dimension " << d;
  if (tooLarge(n, *shape, "the output"))
    return failure();
  Attribute element = FloatAttr::get(n.builder.getF32Type(), 0.0);
  if (const auto *attr = n.attribute("value")) {
    auto value = importTensor(*n.builder.getContext(), attr->t(), n.modelDir);
    if (!value)
      return n.error() << "value: " << llvm::toString(value.takeError());
    if (value->getNumElements() != 1)
      return n.error() << "value must hold one element";
    element = value->getValues<Attribute>()[0];
  }
  auto type = RankedTensorType::get(*shape, cast<TypedAttr>(element).getType());
  return setResult(n,
                   ConstantOp::create(n.builder, n.loc,
                                      DenseElementsAttr::get(type, element)));
}

/// Range: start, limit and delta must be known; the result is a constant.
static LogicalResult importRange(NodeContext &n) {
  for (size_t i = 0; i < 3; ++i)
    if (failed(n.requiredInput(i)))
      return failure();
  SmallVector<double> scalars;
  for (size_t i = 0; i < 3; ++i) {
    DenseElementsAttr attr = n.constantInput(i);
    if (!attr || attr.getNumElements() != 1)
      return n.error() << "start, limit and delta must be scalars known at "
                       << "compile time";
    Attribute v = attr.getValues<Attribute>()[0];
    if (auto f = dyn_cast<FloatAttr>(v))
      scalars.push_back(f.getValueAsDouble());
    else
      scalars.push_back(static_cast<double>(cast<IntegerAttr>(v).getInt()));
  }
  double start = scalars[0], limit = scalars[1], delta = scalars[2];
  if (delta == 0)
    return n.error() << "delta is zero";
  double steps = std::ceil((limit - start) / delta);
  if (!(steps < (1 << 24))) // also catches NaN
    return n.error() << "a range of " << steps << " elements is larger than "
                     << "aicc folds at compile time (2^24)";
  int64_t count = std::max<int64_t>(static_cast<int64_t>(steps), 0);
  Type elementType = tensorType(n.input(0)).getElementType();
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < count; ++i) {
    double v = start + i * delta;
    if (auto f = dyn_cast<FloatType>(elementType))
      values.push_back(FloatAttr::get(f, v));
    else
      values.push_back(IntegerAttr::get(elementType, static_cast<int64_t>(v)));
  }
  auto type = RankedTensorType::get({count}, elementType);
  return setResult(n, ConstantOp::create(n.builder, n.loc,
                                         DenseElementsAttr::get(type, values)));
}

//===----------------------------------------------------------------------===//
// Reductions, softmax, normalization
//===----------------------------------------------------------------------===//

/// Reduces `x` over `axes` (sorted, distinct, in range) with `OpTy`; with
/// `keepDims` the reduced dimensions stay as size 1.
template <typename OpTy>
static Value reduce(NodeContext &n, Value x, ArrayRef<int64_t> axes,
                    bool keepDims) {
  if (!x)
    return nullptr;
  typename OpTy::Properties props;
  props.axes = n.builder.getDenseI64ArrayAttr(axes);
  SmallVector<Type> types;
  if (failed(OpTy::inferReturnTypes(
          n.builder.getContext(), n.loc,
          typename OpTy::Adaptor(ValueRange{x}, nullptr, props), types)))
    return nullptr;
  Value r = OpTy::create(n.builder, n.loc, types[0], x, props.axes);
  if (!keepDims)
    return r;
  SmallVector<int64_t> shape(tensorType(x).getShape());
  for (int64_t a : axes)
    shape[a] = 1;
  return reshape(n, r, shape);
}

/// The number of elements `axes` of `x` span, as a constant like `x`.
static Value countOf(NodeContext &n, Value x, ArrayRef<int64_t> axes) {
  if (!x)
    return nullptr;
  int64_t count = 1;
  for (int64_t a : axes)
    count *= tensorType(x).getDimSize(a);
  return scalarLike(n, x, count);
}

/// Normalizes, sorts and de-duplicates `axes` against `rank`.
static FailureOr<SmallVector<int64_t>>
normalizeAxes(NodeContext &n, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes) {
    FailureOr<int64_t> a = normalizeAxis(n, axis, rank);
    if (failed(a))
      return failure();
    result.push_back(*a);
  }
  llvm::sort(result);
  result.erase(std::unique(result.begin(), result.end()), result.end());
  return result;
}

enum class Reduction {
  Sum,
  Mean,
  Max,
  Min,
  Prod,
  L1,
  L2,
  LogSum,
  LogSumExp,
  SumSquare
};

template <Reduction kind> static LogicalResult importReduce(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  Value x = *input;
  int64_t rank = tensorType(x).getRank();
  bool present;
  // ReduceSum took axes as an input from opset 13, the others from 18.
  FailureOr<SmallVector<int64_t>> given =
      axesOf(n, kind == Reduction::Sum ? 13 : 18, present);
  if (failed(given))
    return failure();
  FailureOr<SmallVector<int64_t>> axes = normalizeAxes(n, *given, rank);
  if (failed(axes))
    return failure();
  if (axes->empty()) {
    if (n.intAttr("noop_with_empty_axes", 0))
      return setResult(n, x);
    *axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  }
  bool keep = n.intAttr("keepdims", 1) != 0;
  bool isFloat = isa<FloatType>(tensorType(x).getElementType());
  if (!isFloat && (kind == Reduction::L2 || kind == Reduction::LogSum ||
                   kind == Reduction::LogSumExp))
    return n.error() << "expects a floating-point input";
  Value y;
  switch (kind) {
  case Reduction::Sum:
    y = reduce<ReduceSumOp>(n, x, *axes, keep);
    break;
  case Reduction::Mean:
    y = build<DivOp>(
        n, {reduce<ReduceSumOp>(n, x, *axes, keep), countOf(n, x, *axes)});
    break;
  case Reduction::Max:
    y = reduce<ReduceMaxOp>(n, x, *axes, keep);
    break;
  case Reduction::Min:
    y = reduce<ReduceMinOp>(n, x, *axes, keep);
    break;
  case Reduction::Prod:
    y = reduce<ReduceProdOp>(n, x, *axes, keep);
    break;
  case Reduction::L1:
    y = reduce<ReduceSumOp>(n, build<AbsOp>(n, x), *axes, keep);
    break;
  case Reduction::L2:
    y = build<SqrtOp>(
        n, reduce<ReduceSumOp>(n, build<MulOp>(n, {x, x}), *axes, keep));
    break;
  case Reduction::LogSum:
    y = build<LogOp>(n, reduce<ReduceSumOp>(n, x, *axes, keep));
    break;
  case Reduction::LogSumExp: {
    // log(sum(exp(x - m))) + m with m = max(x), for range.
    Value m = reduce<ReduceMaxOp>(n, x, *axes, /*keepDims=*/true);
    Value s = reduce<ReduceSumOp>(n, build<ExpOp>(n, build<SubOp>(n, {x, m})),
                                  *axes, keep);
    y = build<AddOp>(n, {build<LogOp>(n, s),
                         keep ? m : reshape(n, m, tensorType(s).getShape())});
    break;
  }
  case Reduction::SumSquare:
    y = reduce<ReduceSumOp>(n, build<MulOp>(n, {x, x}), *axes, keep);
    break;
  }
  return setResult(n, y);
}

template <typename OpTy> static LogicalResult importArgReduce(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  int64_t rank = tensorType(*input).getRank();
  FailureOr<int64_t> axis = normalizeAxis(n, n.intAttr("axis", 0), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(tensorType(*input).getShape());
  shape.erase(shape.begin() + *axis);
  auto op = OpTy::create(n.builder, n.loc,
                         RankedTensorType::get(shape, n.builder.getI64Type()),
                         *input, *axis, n.intAttr("select_last_index", 0) != 0);
  Value y = op.getResult();
  if (n.intAttr("keepdims", 1)) {
    shape.insert(shape.begin() + *axis, 1);
    y = reshape(n, y, shape);
  }
  return setResult(n, y);
}

enum class SoftmaxKind { Softmax, LogSoftmax, Hardmax };

/// Softmax(x) = e / sum(e), e = exp(x - max(x)); LogSoftmax = (x - max) -
/// log(sum(e)); Hardmax = one-hot of the first argmax. Before opset 13 the
/// input is viewed as 2-D [d0*...*d(axis-1), d(axis)*...] and reduced over
/// the second dimension.
template <SoftmaxKind kind> static LogicalResult importSoftmax(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  Value x = *input;
  if (!isa<FloatType>(tensorType(x).getElementType()))
    return n.error() << "expects a floating-point input";
  ArrayRef<int64_t> shape = tensorType(x).getShape();
  int64_t rank = shape.size();
  bool legacy = n.opset < 13;
  FailureOr<int64_t> axis =
      normalizeAxis(n, n.intAttr("axis", legacy ? 1 : -1), rank);
  if (failed(axis))
    return failure();
  if (legacy) {
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < rank; ++d)
      (d < *axis ? outer : inner) *= shape[d];
    x = reshape(n, x, {outer, inner});
    axis = 1;
  }
  SmallVector<int64_t> axes = {*axis};
  Value y;
  if (kind == SoftmaxKind::Hardmax) {
    int64_t size = tensorType(x).getDimSize(*axis);
    SmallVector<int64_t> reduced(tensorType(x).getShape());
    reduced.erase(reduced.begin() + *axis);
    SmallVector<int64_t> keptShape(tensorType(x).getShape());
    keptShape[*axis] = 1;
    Value idx = reshape(
        n,
        ArgMaxOp::create(n.builder, n.loc,
                         RankedTensorType::get(reduced, n.builder.getI64Type()),
                         x, *axis, false),
        keptShape);
    SmallVector<int64_t> iotaShape(tensorType(x).getRank(), 1);
    iotaShape[*axis] = size;
    Value iota = reshape(
        n, int64Constant(n, llvm::to_vector(llvm::seq<int64_t>(0, size))),
        iotaShape);
    y = castTo(n, build<EqualOp>(n, {iota, idx}),
               tensorType(x).getElementType());
  } else {
    Value shifted = build<SubOp>(n, {x, reduce<ReduceMaxOp>(n, x, axes, true)});
    Value e = build<ExpOp>(n, shifted);
    Value sum = reduce<ReduceSumOp>(n, e, axes, true);
    y = kind == SoftmaxKind::Softmax
            ? build<DivOp>(n, {e, sum})
            : build<SubOp>(n, {shifted, build<LogOp>(n, sum)});
  }
  if (legacy && y)
    y = reshape(n, y, shape);
  return setResult(n, y);
}

/// (x - mean) / sqrt(var + eps) over `axes`, with mean and variance kept
/// (size-1 dims) for callers that return them.
struct Normalized {
  Value y, mean, invStdDev;
};
static Normalized normalize(NodeContext &n, Value x, ArrayRef<int64_t> axes,
                            float epsilon) {
  Value count = countOf(n, x, axes);
  Value mean = build<DivOp>(n, {reduce<ReduceSumOp>(n, x, axes, true), count});
  Value centered = build<SubOp>(n, {x, mean});
  Value var = build<DivOp>(
      n, {reduce<ReduceSumOp>(n, build<MulOp>(n, {centered, centered}), axes,
                              true),
          count});
  Value inv = build<DivOp>(
      n,
      {c(n, x, 1), build<SqrtOp>(n, build<AddOp>(n, {var, c(n, x, epsilon)}))});
  return {build<MulOp>(n, {centered, inv}), mean, inv};
}

/// A per-channel parameter of shape [C] reshaped to [C, 1, ..., 1] so that it
/// broadcasts against [N, C, D1, ...].
static Value perChannel(NodeContext &n, Value p, int64_t rank) {
  if (!p || tensorType(p).getRank() != 1 || rank < 2)
    return p;
  SmallVector<int64_t> shape(rank - 1, 1);
  shape[0] = tensorType(p).getDimSize(0);
  return reshape(n, p, shape);
}

static LogicalResult importLayerNorm(NodeContext &n) {
  if (failed(n.requiredInput(0)) || failed(n.requiredInput(1)))
    return failure();
  Value x = n.input(0), scale = n.input(1), bias = n.input(2);
  Type type = tensorType(x).getElementType();
  if (!isa<FloatType>(type))
    return n.error() << "expects a floating-point input";
  int64_t rank = tensorType(x).getRank();
  FailureOr<int64_t> axis = normalizeAxis(n, n.intAttr("axis", -1), rank);
  if (failed(axis))
    return failure();
  // stash_type=1 (default): statistics in f32.
  Type stash = n.intAttr("stash_type", 1) == 1 ? n.builder.getF32Type() : type;
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(*axis, rank));
  Normalized norm =
      normalize(n, castTo(n, x, stash), axes, n.floatAttr("epsilon", 1e-5f));
  Value y = build<MulOp>(n, {castTo(n, norm.y, type), scale});
  if (bias)
    y = build<AddOp>(n, {y, bias});
  if (!y || !norm.mean || !norm.invStdDev)
    return failure();
  n.results = {y, norm.mean, norm.invStdDev};
  return success();
}

static LogicalResult importInstanceNorm(NodeContext &n) {
  for (size_t i = 0; i < 3; ++i)
    if (failed(n.requiredInput(i)))
      return failure();
  Value x = n.input(0);
  if (!isa<FloatType>(tensorType(x).getElementType()))
    return n.error() << "expects a floating-point input";
  int64_t rank = tensorType(x).getRank();
  if (rank < 3)
    return n.error() << "expects rank >= 3, got " << x.getType();
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(2, rank));
  Normalized norm = normalize(n, x, axes, n.floatAttr("epsilon", 1e-5f));
  Value y = build<MulOp>(n, {norm.y, perChannel(n, n.input(1), rank)});
  return setResult(n, build<AddOp>(n, {y, perChannel(n, n.input(2), rank)}));
}

/// BatchNormalization in inference mode, as graph.batch_norm (which
/// aicc-fold-batch-norm folds into a preceding conv or matmul).
static LogicalResult importBatchNorm(NodeContext &n) {
  for (size_t i = 0; i < 5; ++i)
    if (failed(n.requiredInput(i)))
      return failure();
  if (n.intAttr("training_mode", 0))
    return n.error() << "training_mode=1 is not supported (aicc compiles "
                     << "for inference)";
  if (!n.intAttr("spatial", 1))
    return n.error() << "spatial=0 is not supported";
  Value x = n.input(0);
  if (!isa<FloatType>(tensorType(x).getElementType()))
    return n.error() << "expects a floating-point input";
  if (tensorType(x).getRank() < 2)
    return n.error() << "expects X [N, C, ...], got " << x.getType();
  auto op = BatchNormOp::create(
      n.builder, n.loc, x.getType(), x, n.input(1), n.input(2), n.input(3),
      n.input(4), n.builder.getF32FloatAttr(n.floatAttr("epsilon", 1e-5f)));
  return setResult(n, verified(n, op));
}

//===----------------------------------------------------------------------===//
// More data movement: GatherElements, CumSum, Trilu, Split, DepthToSpace,
// SpaceToDepth, OneHot, EyeLike
//===----------------------------------------------------------------------===//

static LogicalResult importGatherElements(NodeContext &n) {
  Value input, indices;
  int64_t axis;
  if (failed(gatherOperands(n, input, indices, axis)))
    return failure();
  return setResult(n, verified(n, GatherElementsOp::create(
                                      n.builder, n.loc,
                                      tensorType(indices).clone(
                                          tensorType(input).getElementType()),
                                      input, indices, axis)));
}

static LogicalResult importCumSum(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  FailureOr<SmallVector<int64_t>> axisValue = n.constantInts(1, "axis");
  if (failed(axisValue))
    return failure();
  if (axisValue->size() != 1)
    return n.error() << "axis must hold one value";
  FailureOr<int64_t> axis =
      normalizeAxis(n, (*axisValue)[0], tensorType(*input).getRank());
  if (failed(axis))
    return failure();
  return setResult(n,
                   CumSumOp::create(n.builder, n.loc, input->getType(), *input,
                                    *axis, n.intAttr("exclusive", 0) != 0,
                                    n.intAttr("reverse", 0) != 0));
}

/// An int64 iota of `size` along dimension `dim` of a rank-`rank` tensor
/// whose other dimensions are 1.
static Value iota(NodeContext &n, int64_t size, int64_t dim, int64_t rank) {
  if (size > (1 << 24)) {
    n.error() << "an index range of " << size << " is larger than aicc "
              << "folds (2^24)";
    return nullptr;
  }
  SmallVector<int64_t> shape(rank, 1);
  shape[dim] = size;
  return reshape(
      n, int64Constant(n, llvm::to_vector(llvm::seq<int64_t>(0, size))), shape);
}

// Trilu(x, k) = x where (col - row) >= k (upper) or <= k (lower), else 0.
static LogicalResult importTrilu(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  Value x = *input;
  int64_t rank = tensorType(x).getRank();
  if (rank < 2)
    return n.error() << "expects rank >= 2, got " << x.getType();
  int64_t k = 0;
  if (n.input(1)) {
    FailureOr<SmallVector<int64_t>> kValue = n.constantInts(1, "k");
    if (failed(kValue))
      return failure();
    if (kValue->size() != 1)
      return n.error() << "k must be a scalar";
    k = (*kValue)[0];
  }
  ArrayRef<int64_t> shape = tensorType(x).getShape();
  Value diff = build<SubOp>(
      n, {iota(n, shape[rank - 1], 1, 2), iota(n, shape[rank - 2], 0, 2)});
  Value kConst = int64Constant(n, {k}, /*scalar=*/true);
  Value keep = n.intAttr("upper", 1) ? build<GreaterEqualOp>(n, {diff, kConst})
                                     : build<LessEqualOp>(n, {diff, kConst});
  return setResult(n, build<SelectOp>(n, {keep, x, c(n, x, 0)}));
}

static LogicalResult importSplit(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  ArrayRef<int64_t> shape = tensorType(*input).getShape();
  FailureOr<int64_t> axis =
      normalizeAxis(n, n.intAttr("axis", 0), shape.size());
  if (failed(axis))
    return failure();
  int64_t dim = shape[*axis], outputs = n.node.output_size();
  SmallVector<int64_t> sizes;
  if (n.opset >= 13 && n.input(1)) {
    FailureOr<SmallVector<int64_t>> split = n.constantInts(1, "split");
    if (failed(split))
      return failure();
    sizes = *split;
  } else if (auto split = n.intsAttr("split"); split && n.opset < 13) {
    sizes = *split;
  } else {
    // Equal parts; with num_outputs (opset 18) the last may be smaller.
    int64_t parts = n.intAttr("num_outputs", outputs);
    int64_t each = (dim + parts - 1) / parts;
    for (int64_t i = 0; i < parts; ++i)
      sizes.push_back(std::max<int64_t>(std::min(each, dim - i * each), 0));
  }
  int64_t total = 0;
  for (int64_t s : sizes)
    total += s;
  if (total != dim || static_cast<int64_t>(sizes.size()) != outputs)
    return n.error() << "cannot split size " << dim << " into " << sizes.size()
                     << " parts for " << outputs << " outputs";
  int64_t offset = 0;
  for (int64_t size : sizes) {
    SmallVector<int64_t> starts(shape.size(), 0), steps(shape.size(), 1);
    SmallVector<int64_t> outShape(shape);
    starts[*axis] = size ? offset : 0;
    outShape[*axis] = size;
    n.results.push_back(n.builder.createOrFold<SliceOp>(
        n.loc, tensorType(*input).clone(outShape), *input,
        n.builder.getDenseI64ArrayAttr(starts),
        n.builder.getDenseI64ArrayAttr(steps)));
    offset += size;
  }
  return success();
}

static Value transpose(NodeContext &n, Value v, ArrayRef<int64_t> perm) {
  if (!v)
    return nullptr;
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(tensorType(v).getDimSize(p));
  return TransposeOp::create(n.builder, n.loc, tensorType(v).clone(shape), v,
                             n.builder.getDenseI64ArrayAttr(perm));
}

/// DepthToSpace and SpaceToDepth: reshape to 6-D, transpose, reshape.
template <bool toSpace> static LogicalResult importDepthSpace(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = tensorType(*input);
  if (type.getRank() != 4)
    return n.error() << "expects a 4-D NCHW input, got " << input->getType();
  int64_t b = n.intAttr("blocksize", 0);
  int64_t N = type.getDimSize(0), C = type.getDimSize(1),
          H = type.getDimSize(2), W = type.getDimSize(3);
  if (b <= 0 || (toSpace ? C % (b * b) != 0 : (H % b != 0 || W % b != 0)))
    return n.error() << "blocksize " << b << " does not divide "
                     << input->getType();
  Value y;
  if (toSpace) {
    int64_t c = C / (b * b);
    if (n.stringAttr("mode", "DCR") == "CRD")
      y = transpose(n, reshape(n, *input, {N, c, b, b, H, W}),
                    {0, 1, 4, 2, 5, 3});
    else
      y = transpose(n, reshape(n, *input, {N, b, b, c, H, W}),
                    {0, 3, 4, 1, 5, 2});
    y = reshape(n, y, {N, c, H * b, W * b});
  } else {
    y = transpose(n, reshape(n, *input, {N, C, H / b, b, W / b, b}),
                  {0, 3, 5, 1, 2, 4});
    y = reshape(n, y, {N, C * b * b, H / b, W / b});
  }
  return setResult(n, y);
}

// OneHot(indices, depth, values) = (iota == wrap(indices)) ? on : off
static LogicalResult importOneHot(NodeContext &n) {
  for (size_t i = 0; i < 3; ++i)
    if (failed(n.requiredInput(i)))
      return failure();
  DenseElementsAttr depthAttr = n.constantInput(1);
  if (!depthAttr || depthAttr.getNumElements() != 1)
    return n.error() << "depth must be a scalar known at compile time";
  Attribute d = depthAttr.getValues<Attribute>()[0];
  int64_t depth =
      isa<FloatAttr>(d)
          ? static_cast<int64_t>(cast<FloatAttr>(d).getValueAsDouble())
          : cast<IntegerAttr>(d).getInt();
  Value values = n.input(2);
  if (tensorType(values).getNumElements() != 2)
    return n.error() << "values must hold [off, on]";
  int64_t rank = tensorType(n.input(0)).getRank() + 1;
  FailureOr<int64_t> axis = normalizeAxis(n, n.intAttr("axis", -1), rank);
  if (failed(axis))
    return failure();
  Value idx = castTo(n, n.input(0), n.builder.getI64Type());
  // Negative indices count from the end: idx < 0 ? idx + depth : idx.
  idx = build<SelectOp>(
      n, {build<LessOp>(n, {idx, int64Constant(n, {0}, true)}),
          build<AddOp>(n, {idx, int64Constant(n, {depth}, true)}), idx});
  SmallVector<int64_t> idxShape(tensorType(n.input(0)).getShape());
  idxShape.insert(idxShape.begin() + *axis, 1);
  Value hit = build<EqualOp>(
      n, {reshape(n, idx, idxShape), iota(n, depth, *axis, rank)});
  Value flat = reshape(n, values, {2});
  auto one = RankedTensorType::get({1}, tensorType(values).getElementType());
  auto pick = [&](int64_t i) {
    return reshape(n,
                   n.builder.createOrFold<SliceOp>(
                       n.loc, one, flat, n.builder.getDenseI64ArrayAttr({i}),
                       n.builder.getDenseI64ArrayAttr({1})),
                   {});
  };
  return setResult(n, build<SelectOp>(n, {hit, pick(1), pick(0)}));
}

static LogicalResult importEyeLike(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = tensorType(*input);
  if (type.getRank() != 2)
    return n.error() << "expects a 2-D input, got " << input->getType();
  Type elementType = type.getElementType();
  if (const auto *dtype = n.attribute("dtype")) {
    auto converted = convertElementType(*n.builder.getContext(), dtype->i());
    if (!converted)
      return n.error() << "dtype: " << llvm::toString(converted.takeError());
    elementType = *converted;
  }
  int64_t k = n.intAttr("k", 0);
  if (type.getNumElements() > (1 << 24))
    return n.error() << "EyeLike of " << type.getNumElements()
                     << " elements is larger than aicc folds (2^24)";
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < type.getDimSize(0); ++i)
    for (int64_t j = 0; j < type.getDimSize(1); ++j) {
      double v = j - i == k ? 1.0 : 0.0;
      values.push_back(
          isa<FloatType>(elementType)
              ? Attribute(FloatAttr::get(elementType, v))
              : Attribute(IntegerAttr::get(elementType, (int64_t)v)));
    }
  return setResult(n, ConstantOp::create(n.builder, n.loc,
                                         DenseElementsAttr::get(
                                             type.clone(elementType), values)));
}

//===----------------------------------------------------------------------===//
// Convolution, pooling, padding
//===----------------------------------------------------------------------===//

/// A conv/pool window with ONNX's auto_pad and ceil_mode resolved: explicit
/// pads (k begin, then k end; the end may include ceil_mode's overhang) and
/// the output's spatial sizes.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, pads, explicitPads, out;
};

static FailureOr<Window> resolveWindow(NodeContext &n,
                                       ArrayRef<int64_t> spatial,
                                       ArrayRef<int64_t> kernel,
                                       bool ceilMode) {
  size_t k = spatial.size();
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  w.strides = n.intsAttr("strides").value_or(SmallVector<int64_t>(k, 1));
  w.dilations = n.intsAttr("dilations").value_or(SmallVector<int64_t>(k, 1));
  w.pads = n.intsAttr("pads").value_or(SmallVector<int64_t>(2 * k, 0));
  if (w.strides.size() != k || w.dilations.size() != k ||
      w.pads.size() != 2 * k)
    return n.error() << "strides, dilations and pads do not match the " << k
                     << " spatial dimensions";
  std::string autoPad = n.stringAttr("auto_pad", "NOTSET");
  for (size_t i = 0; i < k; ++i) {
    if (w.strides[i] < 1 || w.dilations[i] < 1 || w.pads[i] < 0 ||
        w.pads[k + i] < 0)
      return n.error() << "strides and dilations must be positive and pads "
                       << "not negative";
    int64_t span = w.dilations[i] * (kernel[i] - 1) + 1;
    if (autoPad == "VALID") {
      w.pads[i] = w.pads[k + i] = 0;
    } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t out = (spatial[i] + w.strides[i] - 1) / w.strides[i];
      int64_t total =
          std::max<int64_t>((out - 1) * w.strides[i] + span - spatial[i], 0);
      int64_t small = total / 2, large = total - small;
      w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
      w.pads[k + i] = autoPad == "SAME_UPPER" ? large : small;
    } else if (autoPad != "NOTSET") {
      return n.error() << "unknown auto_pad '" << autoPad << "'";
    }
  }
  for (size_t i = 0; i < k; ++i)
    if (kernel[i] < 1 || kernel[i] > (1 << 24) || w.strides[i] > (1 << 24) ||
        w.dilations[i] > (1 << 24) || w.pads[i] > (1 << 24) ||
        w.pads[k + i] > (1 << 24))
      return n.error() << "kernel, strides, dilations and pads must be in "
                       << "[1, 2^24] (pads in [0, 2^24])";
  w.explicitPads = w.pads;
  for (size_t i = 0; i < k; ++i) {
    int64_t span = w.dilations[i] * (kernel[i] - 1) + 1;
    int64_t padded = spatial[i] + w.pads[i] + w.pads[k + i];
    if (padded < span)
      return n.error() << "the window (" << span << ") is larger than the "
                       << "padded input (" << padded << ") in dimension " << i;
    int64_t out = (padded - span) / w.strides[i] + 1;
    if (ceilMode && (padded - span) % w.strides[i] != 0) {
      ++out;
      // The last window must start inside the input or its begin pad.
      if ((out - 1) * w.strides[i] >= spatial[i] + w.pads[i])
        --out;
      w.pads[k + i] +=
          std::max<int64_t>((out - 1) * w.strides[i] + span - padded, 0);
    }
    w.out.push_back(out);
  }
  return w;
}

/// graph.conv of `x` by `filter` with the node's window attributes.
static Value convolve(NodeContext &n, Value x, Value filter) {
  if (!x || !filter)
    return nullptr;
  ArrayRef<int64_t> xShape = tensorType(x).getShape();
  ArrayRef<int64_t> wShape = tensorType(filter).getShape();
  if (xShape.size() < 3 || wShape.size() != xShape.size()) {
    n.error() << "expects X [N, C, D...] and W [M, C/group, K...] of the "
              << "same rank >= 3, got " << x.getType() << " and "
              << filter.getType();
    return nullptr;
  }
  FailureOr<Window> w =
      resolveWindow(n, xShape.drop_front(2), wShape.drop_front(2), false);
  if (failed(w))
    return nullptr;
  SmallVector<int64_t> shape = {xShape[0], wShape[0]};
  llvm::append_range(shape, w->out);
  return verified(
      n, ConvOp::create(n.builder, n.loc, tensorType(x).clone(shape), x, filter,
                        n.builder.getDenseI64ArrayAttr(w->strides),
                        n.builder.getDenseI64ArrayAttr(w->dilations),
                        n.builder.getDenseI64ArrayAttr(w->pads),
                        n.intAttr("group", 1)));
}

static LogicalResult importConv(NodeContext &n) {
  if (failed(n.requiredInput(0)) || failed(n.requiredInput(1)) ||
      failed(checkSameElementType(n)))
    return failure();
  Value y = convolve(n, n.input(0), n.input(1));
  if (y && n.input(2))
    y = build<AddOp>(n,
                     {y, perChannel(n, n.input(2), tensorType(y).getRank())});
  return setResult(n, y);
}

template <bool isMax> static LogicalResult importPool(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  Value x = *input;
  ArrayRef<int64_t> xShape = tensorType(x).getShape();
  std::optional<SmallVector<int64_t>> kernel = n.intsAttr("kernel_shape");
  if (xShape.size() < 3 || !kernel || kernel->size() != xShape.size() - 2)
    return n.error() << "expects X [N, C, D...] and a kernel_shape per "
                     << "spatial dimension";
  if (n.intAttr("storage_order", 0))
    return n.error() << "storage_order=1 is not supported";
  if (!isMax && !isa<FloatType>(tensorType(x).getElementType()))
    return n.error() << "expects a floating-point input";
  FailureOr<Window> w = resolveWindow(n, xShape.drop_front(2), *kernel,
                                      n.intAttr("ceil_mode", 0) != 0);
  if (failed(w))
    return failure();
  SmallVector<int64_t> shape = {xShape[0], xShape[1]};
  llvm::append_range(shape, w->out);
  if (tooLarge(n, shape, "the output"))
    return failure();
  auto resultType = tensorType(x).clone(shape);
  auto attrs = [&](ArrayRef<int64_t> v) {
    return n.builder.getDenseI64ArrayAttr(v);
  };
  if (isMax)
    return setResult(
        n, verified(n, MaxPoolOp::create(n.builder, n.loc, resultType, x,
                                         attrs(w->kernel), attrs(w->strides),
                                         attrs(w->dilations), attrs(w->pads))));

  Value sum =
      verified(n, SumPoolOp::create(n.builder, n.loc, resultType, x,
                                    attrs(w->kernel), attrs(w->strides),
                                    attrs(w->dilations), attrs(w->pads)));
  // The divisor depends only on shapes: per output position, the number of
  // window elements inside the input (or inside input + explicit pads with
  // count_include_pad), a product over the spatial dimensions.
  bool includePad = n.intAttr("count_include_pad", 0) != 0;
  size_t k = w->out.size();
  for (size_t i = 0; i < k; ++i)
    if (w->out[i] * w->kernel[i] > (int64_t(1) << 30))
      return n.error() << "the pooling window is beyond aicc's limits";
  SmallVector<SmallVector<int64_t>> counts(k);
  for (size_t i = 0; i < k; ++i)
    for (int64_t o = 0; o < w->out[i]; ++o) {
      int64_t count = 0;
      for (int64_t j = 0; j < w->kernel[i]; ++j) {
        int64_t p = o * w->strides[i] + j * w->dilations[i] - w->pads[i];
        int64_t lo = includePad ? -w->explicitPads[i] : 0;
        int64_t hi = xShape[2 + i] + (includePad ? w->explicitPads[k + i] : 0);
        count += p >= lo && p < hi;
      }
      counts[i].push_back(count);
    }
  SmallVector<int64_t> divisorShape = {1, 1};
  llvm::append_range(divisorShape, w->out);
  auto divisorType = resultType.clone(divisorShape);
  SmallVector<Attribute> values;
  SmallVector<int64_t> idx(k, 0);
  for (int64_t e = 0; e < divisorType.getNumElements(); ++e) {
    double v = 1;
    for (size_t i = 0; i < k; ++i)
      v *= counts[i][idx[i]];
    values.push_back(FloatAttr::get(divisorType.getElementType(), v));
    for (int64_t i = k - 1; i >= 0; --i) {
      if (++idx[i] < w->out[i])
        break;
      idx[i] = 0;
    }
  }
  Value divisor = ConstantOp::create(
      n.builder, n.loc, DenseElementsAttr::get(divisorType, values));
  return setResult(n, build<DivOp>(n, {sum, divisor}));
}

template <bool isMax> static LogicalResult importGlobalPool(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  int64_t rank = tensorType(*input).getRank();
  if (rank < 3)
    return n.error() << "expects X [N, C, D...], got " << input->getType();
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(2, rank));
  if (isMax)
    return setResult(n, reduce<ReduceMaxOp>(n, *input, axes, true));
  if (!isa<FloatType>(tensorType(*input).getElementType()))
    return n.error() << "expects a floating-point input";
  return setResult(n,
                   build<DivOp>(n, {reduce<ReduceSumOp>(n, *input, axes, true),
                                    countOf(n, *input, axes)}));
}

static LogicalResult importPad(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = tensorType(*input);
  int64_t rank = type.getRank();
  SmallVector<int64_t> pads;
  Value value;
  if (n.opset < 11) {
    pads = n.intsAttr("pads").value_or(SmallVector<int64_t>());
    value = scalarLike(n, *input, n.floatAttr("value", 0.0f));
  } else {
    FailureOr<SmallVector<int64_t>> given = n.constantInts(1, "pads");
    if (failed(given))
      return failure();
    pads = *given;
    if (Value v = n.input(2)) {
      if (tensorType(v).getNumElements() != 1)
        return n.error() << "constant_value must be a scalar";
      value = reshape(n, v, {});
    } else {
      value = scalarLike(n, *input, 0);
    }
    if (n.input(3)) { // opset 18: pads for the given axes only
      FailureOr<SmallVector<int64_t>> axes = n.constantInts(3, "axes");
      if (failed(axes))
        return failure();
      if (pads.size() != 2 * axes->size())
        return n.error() << "pads must hold 2 values per axis";
      SmallVector<int64_t> full(2 * rank, 0);
      for (auto [i, axis] : llvm::enumerate(*axes)) {
        FailureOr<int64_t> a = normalizeAxis(n, axis, rank);
        if (failed(a))
          return failure();
        full[*a] = pads[i];
        full[rank + *a] = pads[axes->size() + i];
      }
      pads = full;
    }
  }
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return n.error() << "pads must hold " << 2 * rank << " values, got "
                     << pads.size();
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    shape.push_back(type.getDimSize(d) + pads[d] + pads[rank + d]);
  return setResult(
      n, verified(n, PadOp::create(n.builder, n.loc, type.clone(shape), *input,
                                   value, n.stringAttr("mode", "constant"),
                                   n.builder.getDenseI64ArrayAttr(pads))));
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

/// NegativeLogLikelihoodLoss on log-probabilities `x` [N, C, d...] and
/// integer `target` [N, d...]:
///   loss[n, d] = -x[n, target[n, d], d] * w[target[n, d]]
/// (0 where target == ignore_index), then reduction none, sum, or mean =
/// sum(loss) / sum(w[target]) over the kept elements.
static Value negativeLogLikelihood(NodeContext &n, Value x, Value target,
                                   Value weight) {
  RankedTensorType xType = tensorType(x);
  if (xType.getRank() < 2 || !isa<FloatType>(xType.getElementType()) ||
      !isa<IntegerType>(tensorType(target).getElementType())) {
    n.error() << "expects float input [N, C, ...] and integer target, got "
              << x.getType() << " and " << target.getType();
    return nullptr;
  }
  target = castTo(n, target, n.builder.getI64Type());
  std::optional<int64_t> ignore;
  if (n.attribute("ignore_index"))
    ignore = n.intAttr("ignore_index", 0);
  // Ignored targets may be out of range: gather with 0 instead, mask later.
  Value keep, safe = target;
  if (ignore) {
    keep = build<NotOp>(
        n, build<EqualOp>(n, {target, int64Constant(n, {*ignore}, true)}));
    safe = build<SelectOp>(n, {keep, target, int64Constant(n, {0}, true)});
  }
  SmallVector<int64_t> idxShape(tensorType(target).getShape());
  idxShape.insert(idxShape.begin() + 1, 1);
  Value safeIdx = reshape(n, safe, idxShape);
  Value picked = verified(
      n, GatherElementsOp::create(
             n.builder, n.loc,
             tensorType(safeIdx).clone(xType.getElementType()), x, safeIdx, 1));
  if (!picked)
    return nullptr;
  picked = reshape(n, picked, tensorType(target).getShape());
  Value w = weight ? gather(n, weight, safe, 0)
                   : n.builder.createOrFold<ExpandOp>(n.loc, tensorType(picked),
                                                      c(n, picked, 1));
  if (keep)
    w = build<SelectOp>(n, {keep, w, c(n, picked, 0)});
  Value loss = build<MulOp>(n, {build<NegOp>(n, picked), w});
  if (!loss)
    return nullptr;
  std::string reduction = n.stringAttr("reduction", "mean");
  SmallVector<int64_t> all =
      llvm::to_vector(llvm::seq<int64_t>(0, tensorType(loss).getRank()));
  if (reduction == "none")
    return loss;
  Value sum = reduce<ReduceSumOp>(n, loss, all, false);
  if (reduction == "sum")
    return sum;
  if (reduction == "mean")
    return build<DivOp>(n, {sum, reduce<ReduceSumOp>(n, w, all, false)});
  n.error() << "unknown reduction '" << reduction << "'";
  return nullptr;
}

static LogicalResult importNegativeLogLikelihood(NodeContext &n) {
  if (failed(n.requiredInput(0)) || failed(n.requiredInput(1)))
    return failure();
  return setResult(
      n, negativeLogLikelihood(n, n.input(0), n.input(1), n.input(2)));
}

/// SoftmaxCrossEntropyLoss = NLL(LogSoftmax(scores, axis 1), labels); the
/// optional second output is the log-probabilities.
static LogicalResult importSoftmaxCrossEntropy(NodeContext &n) {
  if (failed(n.requiredInput(0)) || failed(n.requiredInput(1)))
    return failure();
  Value x = n.input(0);
  if (!isa<FloatType>(tensorType(x).getElementType()) ||
      tensorType(x).getRank() < 2)
    return n.error() << "expects float scores [N, C, ...], got " << x.getType();
  SmallVector<int64_t> axes = {1};
  Value shifted = build<SubOp>(n, {x, reduce<ReduceMaxOp>(n, x, axes, true)});
  Value logProb = build<SubOp>(
      n,
      {shifted, build<LogOp>(n, reduce<ReduceSumOp>(n, build<ExpOp>(n, shifted),
                                                    axes, true))});
  Value loss = logProb
                   ? negativeLogLikelihood(n, logProb, n.input(1), n.input(2))
                   : nullptr;
  if (!loss)
    return failure();
  n.results = {loss, logProb};
  return success();
}

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//
//
// Shapes are static, so each resized axis's interpolation is computed here,
// following the ONNX reference: an index table for nearest (applied with
// Gather, exact for every type) or an [out, in] weight matrix for linear and
// cubic (applied as a contraction along the axis). Axes are resized one
// after the other, which is exact because the kernels are separable.

namespace {
struct ResizeAxis {
  int64_t in, out;
  double scale; // output / input, as given or derived from sizes
  double roiStart = 0, roiEnd = 1;
};
} // namespace

/// The input coordinate that output index `x` maps to.
static double resizeCoordinate(StringRef mode, const ResizeAxis &a, double x) {
  double outWidth = a.scale * a.in; // the reference uses the unrounded size
  if (mode == "align_corners")
    return outWidth == 1 ? 0 : x * (a.in - 1) / (outWidth - 1);
  if (mode == "asymmetric")
    return x / a.scale;
  if (mode == "pytorch_half_pixel")
    return outWidth == 1 ? -0.5 : (x + 0.5) / a.scale - 0.5;
  if (mode == "tf_crop_and_resize")
    return a.out > 1 ? a.roiStart * (a.in - 1) + x * (a.roiEnd - a.roiStart) *
                                                     (a.in - 1) / (a.out - 1)
                     : 0.5 * (a.roiStart + a.roiEnd) * (a.in - 1);
  if (mode == "tf_half_pixel_for_nn") // opset 11 only
    return (x + 0.5) / a.scale;
  if (mode == "half_pixel_symmetric") {
    double adjustment = a.out / (a.scale * a.in);
    double center = a.in / 2.0;
    return center * (1 - adjustment) + (x + 0.5) / a.scale - 0.5;
  }
  return (x + 0.5) / a.scale - 0.5; // half_pixel
}

/// Interpolation taps of one output element: input indices (maybe outside
/// [0, in)) and their weights.
static void resizeTaps(StringRef interp, double x, double scale, double cubicA,
                       bool antialias, StringRef nearestMode,
                       SmallVectorImpl<int64_t> &idx,
                       SmallVectorImpl<double> &w) {
  // The reference prefers the pixel on the left: ratio is in (0, 1].
  double left = std::floor(x);
  double ratio = x - left;
  if (ratio == 0) {
    ratio = 1;
    left -= 1;
  }
  if (interp == "nearest") {
    bool right;
    if (ratio == 1)
      right = true;
    else if (nearestMode == "round_prefer_ceil")
      right = ratio >= 0.5;
    else if (nearestMode == "floor")
      right = false;
    else if (nearestMode == "ceil")
      right = true;
    else // round_prefer_floor
      right = ratio > 0.5;
    idx.push_back(static_cast<int64_t>(left) + right);
    w.push_back(1);
    return;
  }
  bool cubic = interp == "cubic";
  auto cubicKernel = [&](double t) { // Keys' kernel with parameter A
    t = std::abs(t);
    if (t <= 1)
      return ((cubicA + 2) * t - (cubicA + 3)) * t * t + 1;
    if (t < 2)
      return ((cubicA * t - 5 * cubicA) * t + 8 * cubicA) * t - 4 * cubicA;
    return 0.0;
  };
  double support = cubic ? 2 : 1;
  double s = antialias && scale < 1 ? scale : 1;
  // Taps start..start+n-1 relative to `left`, chosen like the reference's
  // nearest-neighbour selection.
  int64_t start = static_cast<int64_t>(std::floor(-support / s)) + 1;
  int64_t n = 2 * support - 2 * start;
  if (s == 1) {
    start = cubic ? -1 : 0;
    n = cubic ? 4 : 2;
  }
  double sum = 0;
  for (int64_t t = 0; t < n; ++t) {
    double d = (start + t - ratio) * s; // distance from x, in kernel units
    double v = cubic ? cubicKernel(d) : std::max(0.0, 1 - std::abs(d));
    idx.push_back(static_cast<int64_t>(left) + start + t);
    w.push_back(v);
    sum += v;
  }
  if (s != 1)
    for (double &v : w)
      v /= sum;
}

static LogicalResult importResize(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  Value x = *input;
  RankedTensorType type = tensorType(x);
  int64_t rank = type.getRank();
  // Inputs: opset 10 (X, scales); 11+ (X, roi, scales, sizes).
  size_t scalesIdx = n.opset < 11 ? 1 : 2, sizesIdx = 3, roiIdx = 1;
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  if (auto given = n.intsAttr("axes")) {
    FailureOr<SmallVector<int64_t>> normalized = normalizeAxes(n, *given, rank);
    if (failed(normalized))
      return failure();
    axes = *normalized;
  }
  SmallVector<ResizeAxis> dims;
  for (int64_t a : axes)
    dims.push_back({type.getDimSize(a), type.getDimSize(a), 1.0});
  auto floats = [&](size_t i) -> std::optional<SmallVector<double>> {
    DenseElementsAttr attr = n.constantInput(i);
    if (!attr || !isa<FloatType>(attr.getElementType()))
      return std::nullopt;
    SmallVector<double> v;
    for (const APFloat &f : attr.getValues<APFloat>())
      v.push_back(f.convertToDouble());
    return v;
  };
  Value sizesInput = n.opset < 11 ? Value() : n.input(sizesIdx);
  if (sizesInput && tensorType(sizesInput).getNumElements() > 0) {
    FailureOr<SmallVector<int64_t>> sizes = n.constantInts(sizesIdx, "sizes");
    if (failed(sizes))
      return failure();
    if (sizes->size() != dims.size())
      return n.error() << "sizes has " << sizes->size() << " entries for "
                       << dims.size() << " axes";
    std::string policy = n.stringAttr("keep_aspect_ratio_policy", "stretch");
    double common = policy == "not_larger" ? 1e300 : 0;
    for (auto [d, size] : llvm::zip(dims, *sizes)) {
      double s = static_cast<double>(size) / d.in;
      common =
          policy == "not_larger" ? std::min(common, s) : std::max(common, s);
    }
    for (auto [d, size] : llvm::zip(dims, *sizes)) {
      if (policy == "stretch") {
        d.out = size;
        d.scale = static_cast<double>(size) / d.in;
      } else {
        d.scale = common;
        d.out = static_cast<int64_t>(std::round(common * d.in));
      }
    }
  } else {
    std::optional<SmallVector<double>> scales = floats(scalesIdx);
    if (!scales)
      return n.error() << "scales (or sizes) must be known at compile time";
    if (scales->size() != dims.size())
      return n.error() << "scales has " << scales->size() << " entries for "
                       << dims.size() << " axes";
    for (auto [d, s] : llvm::zip(dims, *scales)) {
      if (s <= 0)
        return n.error() << "scales must be positive";
      d.scale = s;
      d.out = static_cast<int64_t>(std::floor(d.in * s));
    }
  }
  std::string interp = n.stringAttr("mode", "nearest");
  std::string coordMode =
      n.opset < 11
          ? "asymmetric"
          : n.stringAttr("coordinate_transformation_mode", "half_pixel");
  std::string nearestMode =
      n.opset < 11 ? "floor"
                   : n.stringAttr("nearest_mode", "round_prefer_floor");
  if (interp != "nearest" && interp != "linear" && interp != "cubic")
    return n.error() << "unknown mode '" << interp << "'";
  if (coordMode == "tf_crop_and_resize") {
    std::optional<SmallVector<double>> roi = floats(roiIdx);
    if (!roi || roi->size() != 2 * dims.size())
      return n.error() << "tf_crop_and_resize needs a constant roi with "
                       << 2 * dims.size() << " values";
    for (size_t i = 0; i < dims.size(); ++i) {
      dims[i].roiStart = (*roi)[i];
      dims[i].roiEnd = (*roi)[dims.size() + i];
    }
  }
  bool excludeOutside = n.intAttr("exclude_outside", 0) != 0;
  bool antialias = n.intAttr("antialias", 0) != 0;
  double cubicA = n.floatAttr("cubic_coeff_a", -0.75f);
  double extrapolation = n.floatAttr("extrapolation_value", 0.0f);
  if (interp != "nearest" && !isa<FloatType>(type.getElementType()))
    return n.error() << interp << " interpolation needs a floating-point input";

  for (const ResizeAxis &d : dims)
    if (d.out < 0 || d.out > (1 << 24) || d.out * d.in > (1 << 28))
      return n.error() << "resizing " << d.in << " to " << d.out
                       << " elements is beyond aicc's limits";
  for (auto [axis, d] : llvm::zip(axes, dims)) {
    if (d.out == d.in && d.scale == 1 && coordMode != "tf_crop_and_resize")
      continue;
    // Rows of the interpolation: taps and weights per output index, and
    // whether the output falls outside the crop (tf_crop_and_resize).
    SmallVector<int64_t> table;
    SmallVector<double> matrix(d.out * d.in, 0.0);
    SmallVector<bool> outside(d.out, false);
    for (int64_t o = 0; o < d.out; ++o) {
      double xo = resizeCoordinate(coordMode, d, o);
      if (coordMode == "tf_crop_and_resize" && (xo < 0 || xo > d.in - 1))
        outside[o] = true;
      SmallVector<int64_t> idx;
      SmallVector<double> w;
      resizeTaps(interp, xo, d.scale, cubicA, antialias, nearestMode, idx, w);
      if (excludeOutside) {
        double sum = 0;
        for (auto [i, v] : llvm::zip(idx, w)) {
          if (i < 0 || i >= d.in)
            v = 0;
          sum += v;
        }
        for (double &v : w)
          v = sum != 0 ? v / sum : 0;
      }
      for (auto [i, v] : llvm::zip(idx, w)) {
        int64_t clamped = std::clamp<int64_t>(i, 0, d.in - 1);
        matrix[o * d.in + clamped] += v;
        if (interp == "nearest")
          table.push_back(clamped);
      }
    }
    SmallVector<int64_t> outShape(tensorType(x).getShape());
    outShape[axis] = d.out;
    if (interp == "nearest") {
      x = gather(n, x, int64Constant(n, table), axis);
    } else {
      // y = x contracted with matrix^T along `axis`: move it last, matmul.
      SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(0, rank));
      perm.erase(perm.begin() + axis);
      perm.push_back(axis);
      SmallVector<int64_t> inverse(rank);
      for (int64_t i = 0; i < rank; ++i)
        inverse[perm[i]] = i;
      Type elementType = type.getElementType();
      SmallVector<Attribute> weights;
      for (int64_t i = 0; i < d.in; ++i)
        for (int64_t o = 0; o < d.out; ++o)
          weights.push_back(FloatAttr::get(elementType, matrix[o * d.in + i]));
      Value wT = ConstantOp::create(
          n.builder, n.loc,
          DenseElementsAttr::get(
              RankedTensorType::get({d.in, d.out}, elementType), weights));
      x = transpose(n, build<MatMulOp>(n, {transpose(n, x, perm), wT}),
                    inverse);
    }
    if (llvm::is_contained(outside, true)) {
      SmallVector<bool> mask(outside.begin(), outside.end());
      SmallVector<int64_t> maskShape(rank, 1);
      maskShape[axis] = d.out;
      Value maskConst = ConstantOp::create(
          n.builder, n.loc,
          DenseElementsAttr::get(
              RankedTensorType::get(maskShape, n.builder.getI1Type()),
              ArrayRef<bool>(mask)));
      x = build<SelectOp>(n, {maskConst, c(n, x, extrapolation), x});
    }
    if (!x)
      return failure();
  }
  return setResult(n, x);
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

/// A per-axis quantization parameter ([C]) reshaped to broadcast along
/// `axis` of a rank-`rank` tensor; scalars are returned unchanged.
static Value alongAxis(NodeContext &n, Value p, int64_t axis, int64_t rank) {
  if (!p || tensorType(p).getRank() == 0 ||
      (tensorType(p).getRank() == 1 && tensorType(p).getDimSize(0) == 1 &&
       rank != 1))
    return p ? reshape(n, p, {}) : p;
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = tensorType(p).getNumElements();
  return reshape(n, p, shape);
}

/// (x - zeroPoint) * scale in the scale's float type.
static Value dequantize(NodeContext &n, Value x, Value scale, Value zeroPoint) {
  if (!x || !scale)
    return nullptr;
  Type f = tensorType(scale).getElementType();
  Value v = castTo(n, x, f);
  if (zeroPoint)
    v = build<SubOp>(n, {v, castTo(n, zeroPoint, f)});
  return build<MulOp>(n, {v, scale});
}

/// saturate(round_half_even(x / scale) + zeroPoint) as `type` (an 8/16-bit
/// integer type).
static Value quantize(NodeContext &n, Value x, Value scale, Value zeroPoint,
                      Type type) {
  if (!x || !scale)
    return nullptr;
  Type f = tensorType(x).getElementType();
  Value v = build<RoundOp>(n, build<DivOp>(n, {x, castTo(n, scale, f)}));
  if (zeroPoint)
    v = build<AddOp>(n, {v, castTo(n, zeroPoint, f)});
  unsigned width = type.getIntOrFloatBitWidth();
  bool isUnsigned = type.isUnsignedInteger();
  double lo = isUnsigned ? 0 : -std::ldexp(1.0, width - 1);
  double hi =
      isUnsigned ? std::ldexp(1.0, width) - 1 : std::ldexp(1.0, width - 1) - 1;
  v = build<MinOp>(n, {build<MaxOp>(n, {v, c(n, v, lo)}), c(n, v, hi)});
  return castTo(n, v, type);
}

/// The axis of per-axis quantization, checked against `rank`; irrelevant
/// (0) when `scale` is a single value.
static FailureOr<int64_t> quantAxis(NodeContext &n, int64_t rank, Value scale) {
  if (n.intAttr("block_size", 0) != 0)
    return n.error() << "blocked quantization (block_size) is not supported";
  if (rank == 0 || tensorType(scale).getNumElements() == 1)
    return 0;
  return normalizeAxis(n, n.intAttr("axis", 1), rank);
}

static LogicalResult importQuantizeLinear(NodeContext &n) {
  if (failed(n.requiredInput(0)) || failed(n.requiredInput(1)))
    return failure();
  Value x = n.input(0);
  int64_t rank = tensorType(x).getRank();
  FailureOr<int64_t> axis = quantAxis(n, rank, n.input(1));
  if (failed(axis))
    return failure();
  Type type = n.input(2) ? tensorType(n.input(2)).getElementType()
                         : IntegerType::get(n.builder.getContext(), 8,
                                            IntegerType::Unsigned);
  if (const auto *attr = n.attribute("output_dtype"); attr && attr->i()) {
    auto converted = convertElementType(*n.builder.getContext(), attr->i());
    if (!converted)
      return n.error() << "output_dtype: "
                       << llvm::toString(converted.takeError());
    type = *converted;
  }
  if (!isa<IntegerType>(type) || type.getIntOrFloatBitWidth() > 16)
    return n.error() << "quantizing to " << type << " is not supported";
  return setResult(n, quantize(n, x, alongAxis(n, n.input(1), *axis, rank),
                               alongAxis(n, n.input(2), *axis, rank), type));
}

static LogicalResult importDequantizeLinear(NodeContext &n) {
  if (failed(n.requiredInput(0)) || failed(n.requiredInput(1)))
    return failure();
  Value x = n.input(0);
  int64_t rank = tensorType(x).getRank();
  FailureOr<int64_t> axis = quantAxis(n, rank, n.input(1));
  if (failed(axis))
    return failure();
  return setResult(n, dequantize(n, x, alongAxis(n, n.input(1), *axis, rank),
                                 alongAxis(n, n.input(2), *axis, rank)));
}

/// DynamicQuantizeLinear: scale = (max(0, max x) - min(0, min x)) / 255,
/// zero point = saturate(round(-min / scale)), y = quantize(x) as uint8.
static LogicalResult importDynamicQuantizeLinear(NodeContext &n) {
  FailureOr<Value> input = n.requiredInput(0);
  if (failed(input))
    return failure();
  Value x = *input;
  SmallVector<int64_t> all =
      llvm::to_vector(llvm::seq<int64_t>(0, tensorType(x).getRank()));
  Value lo =
      build<MinOp>(n, {reduce<ReduceMinOp>(n, x, all, false), c(n, x, 0)});
  Value hi =
      build<MaxOp>(n, {reduce<ReduceMaxOp>(n, x, all, false), c(n, x, 0)});
  Value scale = build<DivOp>(n, {build<SubOp>(n, {hi, lo}), c(n, x, 255)});
  Type u8 = IntegerType::get(n.builder.getContext(), 8, IntegerType::Unsigned);
  Value zeroPoint = quantize(n, build<NegOp>(n, lo), scale, nullptr, u8);
  Value y = quantize(n, x, scale, zeroPoint, u8);
  if (!y || !scale || !zeroPoint)
    return failure();
  n.results = {y, scale, zeroPoint};
  return success();
}

/// x - zeroPoint in int32 (the integer ops' arithmetic).
static Value widenMinusZero(NodeContext &n, Value x, Value zeroPoint) {
  Value v = castTo(n, x, n.builder.getI32Type());
  return zeroPoint ? build<SubOp>(
                         n, {v, castTo(n, zeroPoint, n.builder.getI32Type())})
                   : v;
}

static LogicalResult importMatMulInteger(NodeContext &n) {
  if (failed(n.requiredInput(0)) || failed(n.requiredInput(1)))
    return failure();
  Value aZero = n.input(2);
  // A per-row zero point of a matrix A broadcasts along its rows.
  if (aZero && tensorType(aZero).getRank() == 1 &&
      tensorType(aZero).getNumElements() > 1)
    aZero = reshape(n, aZero, {tensorType(aZero).getNumElements(), 1});
  return setResult(
      n, build<MatMulOp>(n, {widenMinusZero(n, n.input(0), aZero),
                             widenMinusZero(n, n.input(1), n.input(3))}));
}

static LogicalResult importConvInteger(NodeContext &n) {
  if (failed(n.requiredInput(0)) || failed(n.requiredInput(1)))
    return failure();
  int64_t rank = tensorType(n.input(0)).getRank();
  Value wZero = n.input(3);
  if (wZero && tensorType(wZero).getNumElements() > 1)
    wZero = alongAxis(n, wZero, 0, rank);
  return setResult(n, convolve(n, widenMinusZero(n, n.input(0), n.input(2)),
                               widenMinusZero(n, n.input(1), wZero)));
}

/// QLinearMatMul / QLinearConv: dequantize the operands, compute in float,
/// quantize the result with y's scale and zero point.
static LogicalResult importQLinearMatMul(NodeContext &n) {
  for (size_t i = 0; i < 8; ++i)
    if (failed(n.requiredInput(i)))
      return failure();
  Value a = dequantize(n, n.input(0), n.input(1), n.input(2));
  Value b = dequantize(n, n.input(3), alongAxis(n, n.input(4), 1, 2),
                       alongAxis(n, n.input(5), 1, 2));
  Value y = build<MatMulOp>(n, {a, b});
  return setResult(n, quantize(n, y, n.input(6), n.input(7),
                               tensorType(n.input(7)).getElementType()));
}

static LogicalResult importQLinearConv(NodeContext &n) {
  for (size_t i = 0; i < 8; ++i)
    if (failed(n.requiredInput(i)))
      return failure();
  int64_t rank = tensorType(n.input(0)).getRank();
  Value x = dequantize(n, n.input(0), n.input(1), n.input(2));
  Value w = dequantize(n, n.input(3), alongAxis(n, n.input(4), 0, rank),
                       alongAxis(n, n.input(5), 0, rank));
  Value y = convolve(n, x, w);
  if (y && n.input(8)) { // int32 bias in units of x_scale * w_scale
    Value scale = build<MulOp>(n, {n.input(1), n.input(4)});
    Value bias = build<MulOp>(
        n, {castTo(n, n.input(8), tensorType(scale).getElementType()), scale});
    y = build<AddOp>(n, {y, perChannel(n, bias, rank)});
  }
  return setResult(n, quantize(n, y, n.input(6), n.input(7),
                               tensorType(n.input(7)).getElementType()));
}

//===----------------------------------------------------------------------===//
// Registry
//===----------------------------------------------------------------------===//

OpImporter lookupOpImporter(StringRef opType) {
  static const llvm::StringMap<OpImporter> importers = {
      {"QLinearConv", importQLinearConv},
      {"QLinearMatMul", importQLinearMatMul},
      {"ConvInteger", importConvInteger},
      {"MatMulInteger", importMatMulInteger},
      {"DynamicQuantizeLinear", importDynamicQuantizeLinear},
      {"DequantizeLinear", importDequantizeLinear},
      {"QuantizeLinear", importQuantizeLinear},
      {"Upsample", importResize},
      {"Resize", importResize},
      {"SoftmaxCrossEntropyLoss", importSoftmaxCrossEntropy},
      {"NegativeLogLikelihoodLoss", importNegativeLogLikelihood},
      {"Pad", importPad},
      {"GlobalAveragePool", importGlobalPool<false>},
      {"GlobalMaxPool", importGlobalPool<true>},
      {"AveragePool", importPool<false>},
      {"MaxPool", importPool<true>},
      {"Conv", importConv},
      {"EyeLike", importEyeLike},
      {"OneHot", importOneHot},
      {"SpaceToDepth", importDepthSpace<false>},
      {"DepthToSpace", importDepthSpace<true>},
      {"Split", importSplit},
      {"Trilu", importTrilu},
      {"CumSum", importCumSum},
      {"GatherElements", importGatherElements},
      {"ReduceSumSquare", importReduce<Reduction::SumSquare>},
      {"ReduceSum", importReduce<Reduction::Sum>},
      {"ReduceProd", importReduce<Reduction::Prod>},
      {"ReduceMin", importReduce<Reduction::Min>},
      {"ReduceMean", importReduce<Reduction::Mean>},
      {"ReduceMax", importReduce<Reduction::Max>},
      {"ReduceLogSumExp", importReduce<Reduction::LogSumExp>},
      {"ReduceLogSum", importReduce<Reduction::LogSum>},
      {"ReduceL2", importReduce<Reduction::L2>},
      {"ReduceL1", importReduce<Reduction::L1>},
      {"Softmax", importSoftmax<SoftmaxKind::Softmax>},
      {"LogSoftmax", importSoftmax<SoftmaxKind::LogSoftmax>},
      {"LayerNormalization", importLayerNorm},
      {"InstanceNormalization", importInstanceNorm},
      {"Hardmax", importSoftmax<SoftmaxKind::Hardmax>},
      {"BatchNormalization", importBatchNorm},
      {"ArgMin", importArgReduce<ArgMinOp>},
      {"ArgMax", importArgReduce<ArgMaxOp>},
      {"Unsqueeze", importUnsqueeze},
      {"Tile", importTile},
      {"Squeeze", importSqueeze},
      {"Slice", importSlice},
      {"Size", importSize},
      {"Shape", importShape},
      {"Range", importRange},
      {"Gather", importGather},
      {"Expand", importExpand},
      {"ConstantOfShape", importConstantOfShape},
      {"Concat", importConcat},
      {"Abs", importUnary<AbsOp, false>},
      {"Acos", importUnary<AcosOp, true>},
      {"Acosh", importUnary<AcoshOp, true>},
      {"Add", importBinary<AddOp>},
      {"And", importBinary<AndOp>},
      {"Asin", importUnary<AsinOp, true>},
      {"Asinh", importUnary<AsinhOp, true>},
      {"Atan", importUnary<AtanOp, true>},
      {"Atanh", importUnary<AtanhOp, true>},
      {"BitShift", importBitShift},
      {"Cast", importCast},
      {"CastLike", importCast},
      {"Ceil", importUnary<CeilOp, true>},
      {"Celu", importDecomposed<celu>},
      {"Clip", importClip},
      {"Constant", importConstant},
      {"Cos", importUnary<CosOp, true>},
      {"Cosh", importUnary<CoshOp, true>},
      {"Div", importBinary<DivOp>},
      {"Dropout", importDropout},
      {"Elu", importDecomposed<elu>},
      {"Equal", importBinary<EqualOp>},
      {"Erf", importUnary<ErfOp, true>},
      {"Exp", importUnary<ExpOp, true>},
      {"Flatten", importFlatten},
      {"Floor", importUnary<FloorOp, true>},
      {"Gelu", importDecomposed<gelu>},
      {"Gemm", importGemm},
      {"Greater", importBinary<GreaterOp>},
      {"GreaterOrEqual", importBinary<GreaterEqualOp>},
      {"HardSigmoid", importDecomposed<hardSigmoid>},
      {"HardSwish", importDecomposed<hardSwish>},
      {"Identity", importIdentity},
      {"IsInf", importDecomposed<isInf>},
      {"IsNaN", importUnary<IsNanOp, true>},
      {"LeakyRelu", importDecomposed<leakyRelu>},
      {"Less", importBinary<LessOp>},
      {"LessOrEqual", importBinary<LessEqualOp>},
      {"Log", importUnary<LogOp, true>},
      {"MatMul", importMatMul},
      {"Max", importVariadic<MaxOp>},
      {"Mean", importVariadic<AddOp, true>},
      {"Min", importVariadic<MinOp>},
      {"Mish", importDecomposed<mish>},
      {"Mod", importMod},
      {"Mul", importBinary<MulOp>},
      {"Neg", importUnary<NegOp, false>},
      {"Not", importUnary<NotOp, false>},
      {"Or", importBinary<OrOp>},
      {"Pow", importPow},
      {"PRelu", importPRelu},
      {"Reciprocal", importDecomposed<reciprocal>},
      {"Relu", importUnary<ReluOp, false>},
      {"Reshape", importReshape},
      {"Round", importUnary<RoundOp, true>},
      {"Selu", importDecomposed<selu>},
      {"Shrink", importDecomposed<shrink, false>},
      {"Sigmoid", importUnary<SigmoidOp, true>},
      {"Sign", importDecomposed<sign, false>},
      {"Sin", importUnary<SinOp, true>},
      {"Sinh", importUnary<SinhOp, true>},
      {"Softplus", importDecomposed<softplus>},
      {"Softsign", importDecomposed<softsign>},
      {"Sqrt", importUnary<SqrtOp, true>},
      {"Sub", importBinary<SubOp>},
      {"Sum", importVariadic<AddOp>},
      {"Tan", importUnary<TanOp, true>},
      {"Tanh", importUnary<TanhOp, true>},
      {"ThresholdedRelu", importDecomposed<thresholdedRelu>},
      {"Transpose", importTranspose},
      {"Where", importWhere},
      {"Xor", importBinary<XorOp>},
  };
  auto it = importers.find(opType);
  return it == importers.end() ? nullptr : it->second;
}

} // namespace aicc::onnx_import
