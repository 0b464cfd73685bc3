//===- GpuSplitK.cpp - split the reduction of small tensor-core matmuls ---===//
//
// A matmul whose output, in the smallest warp tiles, gives the GPU too few
// warps (BERT's projections at batch 1) leaves most SMs idle while each
// warp walks the whole reduction. Splitting the reduction S ways gives S
// times the warps, each walking K / S, and a small reduction of the S
// partial results afterwards, which takes the matmul's epilogue.
//
//===----------------------------------------------------------------------===//

#include "codegen/gpu/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"

namespace aicc {
#define GEN_PASS_DEF_GPUSPLITKPASS
#include "codegen/gpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {
namespace {

/// At most this many splits (the partials cost S x M x N floats).
constexpr int64_t kMaxSplits = 16;
/// Each split walks at least this much of the reduction.
constexpr int64_t kMinSplitDepth = 256;

/// How many ways to split `op`'s reduction: 1 (not at all) unless it gets
/// a tensor-core schedule that gives fewer than kMinMmaWarps warps.
int64_t splitsFor(linalg::LinalgOp op, bool tf32) {
  FailureOr<sched::ScheduleAttr> schedule = pickMmaSchedule(op, tf32);
  std::optional<MmaLoops> loops = findMmaLoops(op);
  if (failed(schedule) || !loops)
    return 1;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  ArrayRef<int64_t> warpTile = schedule->getVectorTile();
  int64_t warps = 1;
  for (auto [loop, range] : llvm::enumerate(ranges))
    if (static_cast<int64_t>(loop) != loops->k)
      warps *= llvm::divideCeil(range, std::max<int64_t>(warpTile[loop], 1));
  int64_t depth = ranges[loops->k], splits = 1;
  while (warps * splits < kMinMmaWarps && 2 * splits <= kMaxSplits &&
         depth % (2 * splits) == 0 && depth / (2 * splits) >= kMinSplitDepth)
    splits *= 2;
  return splits;
}

struct GpuSplitKPass : public impl::GpuSplitKPassBase<GpuSplitKPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> candidates;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (linalg::isaContractionOpInterface(op))
        candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      int64_t splits = splitsFor(op, tf32);
      if (splits <= 1)
        continue;
      rewriter.setInsertionPoint(op);
      // The splits outermost in the partial result: [S, .., M, N], so the
      // output's innermost loops stay the tile's n and m.
      FailureOr<linalg::SplitReductionResult> split =
          linalg::splitReduction(rewriter, op, [&](linalg::LinalgOp) {
            return linalg::SplitReductionOptions{splits, /*index=*/0,
                                                 /*innerParallel=*/false};
          });
      if (failed(split))
        op->emitWarning("aicc-gpu-split-k: could not split the reduction ")
            << splits << " ways; left whole";
    }
  }
};

} // namespace
} // namespace aicc
