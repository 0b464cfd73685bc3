//===- ConvOps.cpp - conv, pooling and pad: verifiers ---------------------===//

#include "dialects/graph/IR/GraphDialect.h"

using namespace mlir;
using namespace aicc::graph;

/// Checks the window attributes of a conv/pool over `inputShape` with window
/// `kernel` and that `resultShape`'s spatial sizes follow from them.
static LogicalResult verifyWindow(Operation *op, ArrayRef<int64_t> inputShape,
                                  ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> dilations,
                                  ArrayRef<int64_t> pads,
                                  ArrayRef<int64_t> resultShape) {
  size_t k = inputShape.size() - 2;
  if (kernel.size() != k || strides.size() != k || dilations.size() != k ||
      pads.size() != 2 * k)
    return op->emitOpError("needs ")
           << k << " kernel sizes, strides and dilations and " << 2 * k
           << " pads for " << k << " spatial dimensions";
  for (size_t i = 0; i < k; ++i) {
    if (strides[i] < 1 || dilations[i] < 1 || kernel[i] < 1)
      return op->emitOpError("kernel sizes, strides and dilations must be "
                             "positive");
    if (pads[i] < 0 || pads[k + i] < 0)
      return op->emitOpError("pads must not be negative");
    int64_t span = dilations[i] * (kernel[i] - 1) + 1;
    int64_t padded = inputShape[2 + i] + pads[i] + pads[k + i];
    int64_t expected = padded < span ? 0 : (padded - span) / strides[i] + 1;
    if (resultShape[2 + i] != expected)
      return op->emitOpError("spatial dimension ")
             << i << " of the result is " << resultShape[2 + i] << ", expected "
             << expected;
  }
  return success();
}

/// `shape` of a channels-last tensor `[N, D1..Dk, C]` in channels-first
/// order `[N, C, D1..Dk]`.
static SmallVector<int64_t> channelsFirst(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> result = {shape.front(), shape.back()};
  llvm::append_range(result, shape.drop_front().drop_back());
  return result;
}

LogicalResult ConvOp::verify() {
  SmallVector<int64_t> in = llvm::to_vector(getInput().getType().getShape());
  SmallVector<int64_t> filter =
      llvm::to_vector(getFilter().getType().getShape());
  SmallVector<int64_t> out = llvm::to_vector(getType().getShape());
  if (in.size() < 3 || filter.size() != in.size() || out.size() != in.size())
    return emitOpError("input, filter and result need the same rank >= 3");
  if (getChannelsLast()) {
    if (getGroup() != 1 &&
        (getGroup() != in.back() || filter.back() != in.back()))
      return emitOpError("a channels_last convolution has one group or one "
                         "per channel (depthwise)");
    // Check it as the channels-first conv it computes: the filter
    // [K1..Kk, C, OC] is [OC, C, K1..Kk] there.
    in = channelsFirst(in);
    out = channelsFirst(out);
    SmallVector<int64_t> reordered = {filter.back(), filter[filter.size() - 2]};
    llvm::append_range(reordered, ArrayRef(filter).drop_back(2));
    filter = reordered;
  }
  int64_t group = getGroup();
  if (group < 1 || in[1] % group != 0 || filter[0] % group != 0)
    return emitOpError("group ")
           << group << " must divide the input's " << in[1]
           << " and the filter's " << filter[0] << " channels";
  if (filter[1] != in[1] / group)
    return emitOpError("filter has ")
           << filter[1] << " input channels per group, expected "
           << in[1] / group;
  if (out[0] != in[0] || out[1] != filter[0])
    return emitOpError("result must be [N, OC, ...] = [")
           << in[0] << ", " << filter[0] << ", ...]";
  return verifyWindow(*this, in, ArrayRef(filter).drop_front(2), getStrides(),
                      getDilations(), getPads(), out);
}

template <typename OpTy> static LogicalResult verifyPool(OpTy op) {
  SmallVector<int64_t> in = llvm::to_vector(op.getInput().getType().getShape());
  SmallVector<int64_t> out = llvm::to_vector(op.getType().getShape());
  if (op.getChannelsLast() && in.size() >= 3 && out.size() == in.size()) {
    in = channelsFirst(in);
    out = channelsFirst(out);
  }
  if (in.size() < 3 || out.size() != in.size() || out[0] != in[0] ||
      out[1] != in[1])
    return op.emitOpError("input and result need rank >= 3 and the same N, C");
  return verifyWindow(op, in, op.getKernel(), op.getStrides(),
                      op.getDilations(), op.getPads(), out);
}

LogicalResult MaxPoolOp::verify() { return verifyPool(*this); }
LogicalResult SumPoolOp::verify() { return verifyPool(*this); }

LogicalResult PadOp::verify() {
  ArrayRef<int64_t> in = getInput().getType().getShape();
  ArrayRef<int64_t> out = getType().getShape();
  size_t rank = in.size();
  if (getValue().getType().getRank() != 0)
    return emitOpError("value must be a scalar tensor");
  StringRef mode = getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge" &&
      mode != "wrap")
    return emitOpError("unknown mode '") << mode << "'";
  if (out.size() != rank || getPads().size() != 2 * rank)
    return emitOpError("needs ")
           << 2 * rank << " pads and a rank-" << rank << " result";
  for (size_t i = 0; i < rank; ++i) {
    int64_t expected = in[i] + getPads()[i] + getPads()[rank + i];
    if (out[i] != expected)
      return emitOpError("dimension ") << i << " of the result is " << out[i]
                                       << ", expected " << expected;
    if (mode != "constant" && (getPads()[i] < 0 || getPads()[rank + i] < 0))
      return emitOpError("negative pads need mode 'constant'");
    if ((mode == "reflect" && in[i] < 2 && expected != in[i]) ||
        (mode != "constant" && in[i] == 0 && expected != 0))
      return emitOpError("cannot ")
             << mode << "-pad dimension " << i << " of size " << in[i];
  }
  return success();
}

LogicalResult BatchNormOp::verify() {
  auto type = getInput().getType();
  if (type.getRank() < 2)
    return emitOpError("input needs rank >= 2 (N, C, ...), got ") << type;
  int64_t channels = type.getDimSize(1);
  for (Value param : {getScale(), getBias(), getMean(), getVariance()}) {
    auto paramType = cast<RankedTensorType>(param.getType());
    if (paramType.getRank() != 1 || paramType.getDimSize(0) != channels)
      return emitOpError("scale, bias, mean and variance must be [")
             << channels << "], got " << paramType;
  }
  return success();
}
