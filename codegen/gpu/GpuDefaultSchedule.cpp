//===- GpuDefaultSchedule.cpp - the GPU schedule heuristic ----------------===//
//
// One output element per thread (a 4x4 tile for large matmul-like roots,
// stepping through the reduction); a block covers up to `maxThreads`
// threads, the output's innermost loop first (it becomes threadIdx.x, so a
// warp reads and writes neighbouring addresses), then the next loop out.
// Reductions run inside each thread. Tensor cores and shared memory are not
// chosen yet.
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

/// Outputs per thread along each of a matmul's two output loops.
static constexpr int64_t kRegisterTile = 4;
/// Register tiles leave 16x fewer threads; below this many outputs the grid
/// would not fill an H100's 132 SMs (measured: 128x768x3072 ran 0.22 ms with
/// a thread per output, 0.48 ms with 4x4 tiles; 1024^3 0.65 -> 0.49 ms).
static constexpr int64_t kMinRegisterTiledOutputs = 1 << 19;

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
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  // Reductions over both of the output's innermost loops (matmul-like):
  // each thread computes a 4x4 tile, stepping through the reduction one
  // element at a time, so every value it loads is used four times and the
  // 16 accumulators stay in registers. Only where 4 divides both loops.
  int64_t inner = resultLoop(out, 0), outer = resultLoop(out, 1);
  if (op.getNumReductionLoops() > 0 && isParallel(inner) && isParallel(outer) &&
      ranges[inner] % kRegisterTile == 0 &&
      ranges[outer] % kRegisterTile == 0 &&
      ranges[inner] * ranges[outer] >= kMinRegisterTiledOutputs) {
    threadTile[inner] = threadTile[outer] = kRegisterTile;
    blockTile[inner] = blockTile[outer] = kRegisterTile; // grown below
    for (int64_t i = 0; i < n; ++i)
      if (!isParallel(i))
        threadTile[i] = 1; // the reduction step
  }
  // Fill the block from the output's innermost loop outwards (in threads).
  int64_t threads = 1;
  for (unsigned which = 0; which < out.getNumResults() && threads < maxThreads;
       ++which) {
    int64_t loop = resultLoop(out, which);
    if (!isParallel(loop) || blockTile[loop] != threadTile[loop])
      continue;
    int64_t count =
        std::min(ranges[loop] / threadTile[loop], maxThreads / threads);
    if (threadTile[loop] > 1 && which == 0)
      count = std::min<int64_t>(count, 16); // square blocks of 4x4 tiles
    blockTile[loop] = count * threadTile[loop];
    threads *= count;
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
