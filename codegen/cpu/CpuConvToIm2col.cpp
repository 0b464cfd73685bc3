//===- CpuConvToIm2col.cpp - 2-D convolutions as im2col + matmul ----------===//

#include "codegen/cpu/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace aicc {
#define GEN_PASS_DEF_CPUCONVTOIM2COLPASS
#include "codegen/cpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {
namespace {

/// A 1x1, unit-stride conv on float tensors as the contraction
/// out[n, f, p] += filter[f, c] * in[n, c, p] on collapsed views: the same
/// form rewriteInIm2Col gives its GEMM, without the copy.
FailureOr<Value> rewritePointwiseConv(RewriterBase &rewriter,
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
  if (filterType.getDimSize(2) != 1 || filterType.getDimSize(3) != 1 ||
      !llvm::all_of(conv.getStrides().getValues<int64_t>(),
                    [](int64_t s) { return s == 1; }) ||
      in[2] != out[2] || in[3] != out[3])
    return failure();

  Location loc = conv.getLoc();
  SmallVector<ReassociationIndices> spatial = {{0}, {1}, {2, 3}};
  auto collapse = [&](Value v, ArrayRef<ReassociationIndices> groups) {
    return tensor::CollapseShapeOp::create(rewriter, loc, v, groups)
        .getResult();
  };
  Value inputView = collapse(input, spatial);
  Value filterView = collapse(filter, {{0}, {1, 2, 3}});
  Value initView = collapse(init, spatial);

  MLIRContext *ctx = rewriter.getContext();
  AffineExpr n, f, p, c;
  bindDims(ctx, n, f, p, c);
  SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {f, c}, ctx),
                                 AffineMap::get(4, 0, {n, c, p}, ctx),
                                 AffineMap::get(4, 0, {n, f, p}, ctx)};
  using utils::IteratorType;
  SmallVector<IteratorType> iterators = {
      IteratorType::parallel, IteratorType::parallel, IteratorType::parallel,
      IteratorType::reduction};
  auto gemm = linalg::GenericOp::create(
      rewriter, loc, initView.getType(), ValueRange{filterView, inputView},
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

struct CpuConvToIm2colPass
    : public impl::CpuConvToIm2colPassBase<CpuConvToIm2colPass> {
  void runOnOperation() override {
    SmallVector<linalg::Conv2DNchwFchwOp> convs;
    getOperation()->walk(
        [&](linalg::Conv2DNchwFchwOp conv) { convs.push_back(conv); });
    IRRewriter rewriter(&getContext());
    for (linalg::Conv2DNchwFchwOp conv : convs) {
      rewriter.setInsertionPoint(conv);
      FailureOr<Value> pointwise = rewritePointwiseConv(rewriter, conv);
      if (succeeded(pointwise)) {
        rewriter.replaceOp(conv, *pointwise);
        continue;
      }
      // A conv the rewrite does not handle (dynamic shapes) stays as it is
      // and lowers to loops.
      (void)linalg::rewriteInIm2Col(rewriter, conv);
    }
  }
};
} // namespace
} // namespace aicc
