//===- ExpandBf16.cpp - bf16 conversions as integer arithmetic ------------===//
//
// Two kinds of bf16 code make LLVM call `__truncsfbf2` on x86 CPUs without
// AVX512-BF16: a truncation to bf16, and loads and stores of bf16 data
// (bf16 vectors are not legal types there: split or scalarized, each
// element goes through f32 and back). The first becomes integer arithmetic
// on the bits (before the LLVM conversion); the second loads and stores the
// same bits as i16 (after it).
//
//===----------------------------------------------------------------------===//

#include "codegen/common/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace aicc {
#define GEN_PASS_DEF_EXPANDBF16PASS
#include "codegen/common/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace {
/// The same type with i16 elements, if `type` is bf16 or a vector of it.
Type asBits(Type type) {
  auto i16 = IntegerType::get(type.getContext(), 16);
  if (type.isBF16())
    return i16;
  auto vector = dyn_cast<VectorType>(type);
  if (!vector || !vector.getElementType().isBF16())
    return {};
  return vector.clone(i16);
}

/// A store of bf16 data stores its bits.
template <typename StoreOp> struct StoreBits : OpRewritePattern<StoreOp> {
  using OpRewritePattern<StoreOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(StoreOp op,
                                PatternRewriter &rewriter) const override {
    Type bits = asBits(op.getValue().getType());
    if (!bits)
      return failure();
    Value value =
        LLVM::BitcastOp::create(rewriter, op.getLoc(), bits, op.getValue());
    rewriter.modifyOpInPlace(op, [&] { op.getValueMutable().assign(value); });
    return success();
  }
};

/// A load of bf16 data loads its bits (a masked load's pass-through too).
template <typename LoadOp> struct LoadBits : OpRewritePattern<LoadOp> {
  using OpRewritePattern<LoadOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(LoadOp op,
                                PatternRewriter &rewriter) const override {
    Value result = op->getResult(0);
    Type type = result.getType();
    Type bits = asBits(type);
    if (!bits)
      return failure();
    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    Value passThru;
    if constexpr (std::is_same_v<LoadOp, LLVM::MaskedLoadOp>)
      if (Value old = op.getPassThru())
        passThru = LLVM::BitcastOp::create(rewriter, loc, bits, old);
    rewriter.setInsertionPointAfter(op);
    auto cast = LLVM::BitcastOp::create(rewriter, loc, type, result);
    rewriter.modifyOpInPlace(op, [&] {
      result.setType(bits);
      if constexpr (std::is_same_v<LoadOp, LLVM::MaskedLoadOp>)
        if (passThru)
          op.getPassThruMutable().assign(passThru);
    });
    rewriter.replaceAllUsesExcept(result, cast, cast);
    return success();
  }
};

struct ExpandBf16Pass : public aicc::impl::ExpandBf16PassBase<ExpandBf16Pass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    arith::populateExpandBFloat16Patterns(patterns);
    patterns.add<StoreBits<LLVM::StoreOp>, StoreBits<LLVM::MaskedStoreOp>,
                 LoadBits<LLVM::LoadOp>, LoadBits<LLVM::MaskedLoadOp>>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
