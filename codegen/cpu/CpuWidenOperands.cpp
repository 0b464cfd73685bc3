//===- CpuWidenOperands.cpp - 16-bit GEMM operands converted once ---------===//
//
// graph-to-linalg lowers an f16 or bf16 MatMul to a contraction that extends
// both factors of each product to f32 in its body and sums in f32. The CPU
// GEMM path (packed panels, register tiles of FMAs) matches multiply-
// accumulates over one element type; with the extensions inside, the
// contraction ran as scalar code (128x768x768: 6 GFLOP/s). Here each
// extended operand is converted once, before the contraction: a constant at
// compile time (then packed like any f32 weight), anything else by an
// elementwise linalg.generic (a kernel of its own, one pass over M x K), and
// the contraction becomes an f32 one. The f32 sum is unchanged: the same
// products of the same exactly widened values.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/TileKernel.h"
#include "codegen/cpu/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace aicc {
#define GEN_PASS_DEF_CPUWIDENOPERANDSPASS
#include "codegen/cpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {
namespace {

/// The type every use of block argument `arg` extends it to with
/// arith.extf; null when some use is not such an extension.
Type widenedType(BlockArgument arg) {
  Type to;
  for (Operation *user : arg.getUsers()) {
    auto ext = dyn_cast<arith::ExtFOp>(user);
    if (!ext || (to && ext.getType() != to))
      return Type();
    to = ext.getType();
  }
  return to;
}

/// `value` (a ranked tensor) converted to `element`: folded when it is a
/// dense constant, else an elementwise linalg.generic.
Value widen(PatternRewriter &rw, Location loc, Value value, Type element) {
  auto type = cast<RankedTensorType>(value.getType());
  auto wideType = type.clone(element);
  DenseFPElementsAttr dense;
  if (matchPattern(value, m_Constant(&dense))) {
    const llvm::fltSemantics &to = cast<FloatType>(element).getFloatSemantics();
    DenseElementsAttr wide = dense.mapValues(element, [&](const APFloat &v) {
      APFloat w = v;
      bool losesInfo = false;
      (void)w.convert(to, APFloat::rmNearestTiesToEven, &losesInfo);
      return w.bitcastToAPInt();
    });
    return arith::ConstantOp::create(rw, loc, wide);
  }
  int64_t rank = type.getRank();
  Value empty = tensor::EmptyOp::create(rw, loc, type.getShape(), element);
  AffineMap id = rw.getMultiDimIdentityMap(rank);
  return linalg::GenericOp::create(
             rw, loc, wideType, value, empty, ArrayRef<AffineMap>{id, id},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &b, Location nloc, ValueRange args) {
               linalg::YieldOp::create(
                   b, nloc,
                   arith::ExtFOp::create(b, nloc, element, args[0])
                       .getResult());
             })
      .getResult(0);
}

struct WidenContractionOperands : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rw) const override {
    if (!op.hasPureTensorSemantics() || !isMultiplyAccumulate(op))
      return failure();
    SmallVector<Type> widened;
    for (OpOperand *input : op.getDpsInputOperands()) {
      BlockArgument arg = op.getMatchingBlockArgument(input);
      Type to = arg.use_empty() ? Type() : widenedType(arg);
      if (to && !isa<RankedTensorType>(input->get().getType()))
        to = Type();
      widened.push_back(to);
    }
    if (llvm::all_of(widened, [](Type t) { return !t; }))
      return failure();
    SmallVector<Value> inputs;
    for (auto [input, to] : llvm::zip(op.getDpsInputOperands(), widened))
      inputs.push_back(to ? widen(rw, op.getLoc(), input->get(), to)
                          : input->get());
    // The contraction on the widened operands: its body with each extension
    // replaced by the (now wide) block argument.
    auto wide = linalg::GenericOp::create(
        rw, op.getLoc(), op->getResultTypes(), inputs, op.getDpsInits(),
        op.getIndexingMapsArray(), op.getIteratorTypesArray());
    wide->setDiscardableAttrs(op->getDiscardableAttrDictionary());
    Region &region = wide.getRegion();
    rw.cloneRegionBefore(op.getRegion(), region, region.end());
    Block *newBody = &region.front();
    for (auto [i, to] : llvm::enumerate(widened)) {
      if (!to)
        continue;
      BlockArgument arg = newBody->getArgument(i);
      for (Operation *ext : llvm::make_early_inc_range(arg.getUsers()))
        rw.replaceOp(ext, arg);
      arg.setType(to);
    }
    rw.replaceOp(op, wide.getResults());
    return success();
  }
};

struct CpuWidenOperandsPass
    : public impl::CpuWidenOperandsPassBase<CpuWidenOperandsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<WidenContractionOperands>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace aicc
