//===- LowerMemRefCopy.cpp - memref.copy → linalg.copy --------------------===//

#include "codegen/common/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "aicc-lower-memref-copy"

namespace aicc {
#define GEN_PASS_DEF_LOWERMEMREFCOPYPASS
#include "codegen/common/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace {
struct CopyToLinalg : OpRewritePattern<memref::CopyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(memref::CopyOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(op, op.getSource(),
                                                op.getTarget());
    return success();
  }
};

/// Whether `type` has a static shape and unit innermost stride.
bool hasContiguousRows(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  return type.hasStaticShape() && type.getRank() > 0 &&
         succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

/// A copy of contiguous rows: loops over the outer dimensions, each row
/// moved in vectors of up to kChunk elements (a loop of full chunks, then
/// the static remainder). A copy of at least kParallelElements directly in
/// a function's body (a padded image's interior: serial, it was a third of
/// MobileNetV2's time on 2 threads) runs its outer loops as an scf.parallel,
/// which the OpenMP conversion distributes over the threads.
struct CopyRowsWithVectors : OpRewritePattern<memref::CopyOp> {
  static constexpr int64_t kChunk = 64;
  static constexpr int64_t kParallelElements = 1 << 15;
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(memref::CopyOp op,
                                PatternRewriter &rewriter) const override {
    auto src = dyn_cast<MemRefType>(op.getSource().getType());
    auto dst = dyn_cast<MemRefType>(op.getTarget().getType());
    if (!src || !dst || !hasContiguousRows(src) || !hasContiguousRows(dst))
      return failure();
    Type element = src.getElementType();
    // Vectors of i1 are bit masks, memrefs of i1 hold bytes.
    if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() < 8)
      return failure();
    Location loc = op.getLoc();
    ArrayRef<int64_t> shape = src.getShape();
    int64_t row = shape.back();
    int64_t chunk = std::min(row, kChunk), full = row / chunk * chunk;
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    // The outer dimensions' loops; in each, the row's full chunks and then
    // the remainder.
    SmallVector<Value> lbs(shape.size() - 1, zero), ubs,
        steps(shape.size() - 1, one);
    for (int64_t size : shape.drop_back())
      ubs.push_back(arith::ConstantIndexOp::create(rewriter, loc, size));
    auto move = [&](OpBuilder &b, Location loc, ValueRange outer, Value col,
                    int64_t size) {
      SmallVector<Value> indices(outer);
      indices.push_back(col);
      auto type = VectorType::get({size}, element);
      Value v =
          vector::TransferReadOp::create(b, loc, type, op.getSource(), indices,
                                         std::nullopt, ArrayRef<bool>{true});
      vector::TransferWriteOp::create(b, loc, v, op.getTarget(), indices,
                                      ArrayRef<bool>{true});
    };
    auto copyRow = [&](OpBuilder &b, Location loc, ValueRange outer) {
      scf::ForOp::create(
          b, loc, zero, arith::ConstantIndexOp::create(b, loc, full),
          arith::ConstantIndexOp::create(b, loc, chunk), ValueRange{},
          [&](OpBuilder &b, Location loc, Value col, ValueRange) {
            move(b, loc, outer, col, chunk);
            scf::YieldOp::create(b, loc);
          });
      if (full != row)
        move(b, loc, outer, arith::ConstantIndexOp::create(b, loc, full),
             row - full);
    };
    bool parallel = isa<func::FuncOp>(op->getParentOp()) && shape.size() > 1 &&
                    src.getNumElements() >= kParallelElements;
    if (parallel)
      scf::ParallelOp::create(rewriter, loc, lbs, ubs, steps, copyRow);
    else
      scf::buildLoopNest(rewriter, loc, lbs, ubs, steps, copyRow);
    rewriter.eraseOp(op);
    return success();
  }
};

/// The constant a fill-like op writes to every element of its only output:
/// `linalg.fill` or a `linalg.map` with no inputs yielding a value defined
/// outside it (what bufferizing `tensor.pad` gives).
Value filledValue(Operation *op) {
  if (auto fill = dyn_cast<linalg::FillOp>(op))
    return fill.hasPureBufferSemantics() ? fill.getInputs()[0] : Value();
  auto map = dyn_cast<linalg::MapOp>(op);
  if (!map || !map.getInputs().empty() || !map.hasPureBufferSemantics())
    return {};
  auto yield = cast<linalg::YieldOp>(map.getMapper().front().getTerminator());
  Value v = yield->getOperand(0);
  return v.getParentRegion() != &map.getMapper() ? v : Value();
}

/// A padded buffer: `fill(buf, v)` immediately followed by a copy into a
/// static box of `buf` (`subview` with unit strides). Only the complement of
/// the box is filled (per dimension, the slabs before and after the box
/// within the box's extent in earlier dimensions), so the interior is
/// written once instead of twice.
struct FillOnlyOutsideCopiedBox : OpRewritePattern<memref::CopyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(memref::CopyOp copy,
                                PatternRewriter &rewriter) const override {
    auto box = copy.getTarget().getDefiningOp<memref::SubViewOp>();
    if (!box)
      return failure();
    Operation *fill = copy->getPrevNode();
    if (fill == box.getOperation())
      fill = fill->getPrevNode();
    Value value = fill ? filledValue(fill) : Value();
    Value buffer = box.getSource();
    auto type = dyn_cast<MemRefType>(buffer.getType());
    if (!value || fill->getOperands().back() != buffer || !type ||
        !type.hasStaticShape() || box.getType().getRank() != type.getRank() ||
        !box.hasUnitStride())
      return failure();
    ArrayRef<int64_t> offsets = box.getStaticOffsets();
    ArrayRef<int64_t> sizes = box.getStaticSizes();
    if (ShapedType::isDynamicShape(offsets) ||
        ShapedType::isDynamicShape(sizes))
      return failure();
    ArrayRef<int64_t> shape = type.getShape();
    Location loc = fill->getLoc();
    rewriter.setInsertionPoint(fill);
    auto fillSlab = [&](int64_t dim, int64_t begin, int64_t end) {
      if (begin >= end)
        return;
      SmallVector<int64_t> slabOffsets, slabSizes;
      for (int64_t d = 0; d < type.getRank(); ++d) {
        slabOffsets.push_back(d < dim ? offsets[d] : d == dim ? begin : 0);
        slabSizes.push_back(d < dim    ? sizes[d]
                            : d == dim ? end - begin
                                       : shape[d]);
      }
      SmallVector<int64_t> ones(type.getRank(), 1);
      Value slab = memref::SubViewOp::create(rewriter, loc, buffer, slabOffsets,
                                             slabSizes, ones);
      linalg::FillOp::create(rewriter, loc, value, slab);
    };
    for (int64_t d = 0; d < type.getRank(); ++d) {
      fillSlab(d, 0, offsets[d]);
      fillSlab(d, offsets[d] + sizes[d], shape[d]);
    }
    rewriter.eraseOp(fill);
    return success();
  }
};

struct LowerMemRefCopyPass
    : aicc::impl::LowerMemRefCopyPassBase<LowerMemRefCopyPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    if (vectorize) {
      // Pads first (their fill must still precede the copy), then rows.
      RewritePatternSet pads(&getContext());
      pads.add<FillOnlyOutsideCopiedBox>(&getContext());
      if (failed(applyPatternsGreedily(getOperation(), std::move(pads))))
        return signalPassFailure();
      patterns.add<CopyRowsWithVectors>(&getContext(), /*benefit=*/2);
    }
    aicc::populateLowerMemRefCopyPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void aicc::populateLowerMemRefCopyPatterns(RewritePatternSet &patterns) {
  patterns.add<CopyToLinalg>(patterns.getContext());
}
