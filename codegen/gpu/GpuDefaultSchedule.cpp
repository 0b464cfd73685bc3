//===- GpuDefaultSchedule.cpp - the GPU schedule heuristic ----------------===//
//
// One output element per thread; a block covers up to `maxThreads` of them,
// the output's innermost loop first (it becomes threadIdx.x, so a warp reads
// and writes consecutive addresses), then the next loop out. Reduction loops
// stay whole inside each thread. Tensor cores, shared memory and reduction
// tiling are not chosen yet.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/TileKernel.h"
#include "codegen/gpu/Passes.h"
#include "compiler/partition/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace aicc {
#define GEN_PASS_DEF_GPUDEFAULTSCHEDULEPASS
#include "codegen/gpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {

FailureOr<sched::ScheduleAttr> pickGpuSchedule(Operation *root,
                                               int64_t maxThreads) {
  auto op = dyn_cast<linalg::LinalgOp>(root);
  if (!op || op.getNumDpsInits() == 0 || op.hasDynamicShape() ||
      !mapsGrowWithLoops(op))
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::is_contained(ranges, 0))
    return failure(); // an empty iteration space: nothing to distribute
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  int64_t n = ranges.size();
  auto isParallel = [&](int64_t loop) {
    return loop >= 0 && iterators[loop] == utils::IteratorType::parallel;
  };
  SmallVector<int64_t> blockTile(n, 0), threadTile(n, 0);
  for (int64_t i = 0; i < n; ++i)
    if (isParallel(i))
      blockTile[i] = threadTile[i] = 1;
  // Fill the block from the output's innermost loop outwards.
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  int64_t threads = 1;
  for (unsigned which = 0; which < out.getNumResults() && threads < maxThreads;
       ++which) {
    int64_t loop = resultLoop(out, which);
    if (!isParallel(loop) || blockTile[loop] != 1)
      continue;
    blockTile[loop] = std::min(ranges[loop], maxThreads / threads);
    threads *= blockTile[loop];
  }
  SmallVector<int64_t> order = llvm::to_vector(llvm::seq<int64_t>(0, n));
  SmallVector<int64_t> parallel;
  for (int64_t i = 0; i < n; ++i)
    if (isParallel(i))
      parallel.push_back(i);
  return sched::ScheduleAttr::get(root->getContext(), blockTile, threadTile,
                                  order, parallel, /*unroll=*/1, "heuristic");
}

namespace {
struct GpuDefaultSchedulePass
    : public impl::GpuDefaultSchedulePassBase<GpuDefaultSchedulePass> {
  using Base::Base;
  void runOnOperation() override {
    for (func::FuncOp kernel : getKernels(getOperation())) {
      Operation *root = findKernelRoot(kernel);
      if (!root || root->hasAttr(sched::kScheduleAttr))
        continue;
      FailureOr<sched::ScheduleAttr> schedule =
          pickGpuSchedule(root, maxThreads);
      if (succeeded(schedule))
        root->setAttr(sched::kScheduleAttr, *schedule);
    }
  }
};
} // namespace

} // namespace aicc
