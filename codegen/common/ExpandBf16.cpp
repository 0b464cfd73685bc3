//===- ExpandBf16.cpp - bf16 conversions as integer arithmetic ------------===//
//
// Two kinds of bf16 code make LLVM call `__truncsfbf2` on x86 CPUs without
// AVX512-BF16: a truncation to bf16, and any bf16 value LLVM has to move
// (bf16 vectors are not legal types there: loaded, stored, split, carried
// through a loop or taken apart element by element, each element goes
// through f32 and back). The first becomes integer arithmetic on the bits
// (before the LLVM conversion); after it, loads and stores move the same
// bits as i16, and where a function's bf16 values are only moved (no
// arithmetic is left after the f32 emulation), every bf16 type in it
// becomes i16.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/AttrTypeSubElements.h"
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

/// Whether `type` is or contains bf16 (a vector, an array, a struct).
bool containsBf16(Type type) {
  bool found = false;
  type.walk([&](Type t) {
    if (t.isBF16())
      found = true;
  });
  return found;
}

/// Whether `op` only moves values (or is a function, branch or address
/// computation): with bf16 in place of i16 it means the same.
bool onlyMoves(Operation *op) {
  return isa<LLVM::ExtractElementOp, LLVM::InsertElementOp,
             LLVM::ExtractValueOp, LLVM::InsertValueOp, LLVM::ShuffleVectorOp,
             LLVM::PoisonOp, LLVM::UndefOp, LLVM::ZeroOp, LLVM::ConstantOp,
             LLVM::BitcastOp, LLVM::SelectOp, LLVM::LoadOp, LLVM::StoreOp,
             LLVM::MaskedLoadOp, LLVM::MaskedStoreOp, LLVM::GEPOp, LLVM::BrOp,
             LLVM::CondBrOp, LLVM::SwitchOp, LLVM::ReturnOp, LLVM::LLVMFuncOp>(
      op);
}

/// Every bf16 type in `func` as i16 (constants keep their bits), where no
/// op of it does anything with a bf16 value but move it.
void moveBf16AsBits(LLVM::LLVMFuncOp func) {
  bool anyBf16 = false, onlyMoved = true;
  func.walk([&](Operation *op) {
    bool typed = llvm::any_of(op->getResultTypes(), containsBf16) ||
                 llvm::any_of(op->getOperandTypes(), containsBf16);
    for (Region &region : op->getRegions())
      for (Block &block : region)
        typed |= llvm::any_of(block.getArgumentTypes(), containsBf16);
    if (auto fn = dyn_cast<LLVM::LLVMFuncOp>(op))
      typed |= containsBf16(fn.getFunctionType());
    if (auto gep = dyn_cast<LLVM::GEPOp>(op))
      typed |= containsBf16(gep.getElemType());
    if (!typed)
      return;
    anyBf16 = true;
    onlyMoved &= onlyMoves(op);
  });
  if (!anyBf16 || !onlyMoved)
    return;
  MLIRContext *ctx = func.getContext();
  auto i16 = IntegerType::get(ctx, 16);
  AttrTypeReplacer replacer;
  replacer.addReplacement([&](BFloat16Type) -> Type { return i16; });
  replacer.addReplacement([&](FloatAttr attr) -> std::optional<Attribute> {
    if (!attr.getType().isBF16())
      return std::nullopt;
    return IntegerAttr::get(i16, attr.getValue().bitcastToAPInt());
  });
  replacer.addReplacement(
      [&](DenseFPElementsAttr attr) -> std::optional<Attribute> {
        if (!attr.getElementType().isBF16())
          return std::nullopt;
        return attr.bitcast(i16);
      });
  replacer.recursivelyReplaceElementsIn(func, /*replaceAttrs=*/true,
                                        /*replaceLocs=*/false,
                                        /*replaceTypes=*/true);
  // The loads' and stores' casts between bits and bf16 now cast i16 to i16.
  func.walk([](LLVM::BitcastOp cast) {
    if (cast.getArg().getType() == cast.getType()) {
      cast.replaceAllUsesWith(cast.getArg());
      cast.erase();
    }
  });
}

struct ExpandBf16Pass : public aicc::impl::ExpandBf16PassBase<ExpandBf16Pass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    arith::populateExpandBFloat16Patterns(patterns);
    patterns.add<StoreBits<LLVM::StoreOp>, StoreBits<LLVM::MaskedStoreOp>,
                 LoadBits<LLVM::LoadOp>, LoadBits<LLVM::MaskedLoadOp>>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    getOperation()->walk([](LLVM::LLVMFuncOp func) { moveBf16AsBits(func); });
  }
};
} // namespace
