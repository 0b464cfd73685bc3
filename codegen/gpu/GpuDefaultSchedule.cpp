//===- GpuDefaultSchedule.cpp - the GPU schedule heuristic ----------------===//
//
// One output element per thread (a 4x4 tile for large matmul-like roots,
// stepping through the reduction); a block covers up to `maxThreads`
// threads, the output's innermost loop first (it becomes threadIdx.x, so a
// warp reads and writes neighbouring addresses), then the next loop out.
// Reductions run inside each thread. On GPUs with tensor cores, f16 and bf16
// matmuls (and f32 ones where tf32 is allowed) get a warp per output tile
// instead (mma.sync; aicc-gpu-mma); with `stages`, large ones get blocks
// of 4 or 8 warps that stage both operands in shared memory.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/GatherContraction.h"
#include "codegen/common/TileKernel.h"
#include "codegen/gpu/Passes.h"
#include "compiler/partition/Passes.h"

#include "mlir/Analysis/SliceAnalysis.h"
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
                                  order, parallel, /*unroll=*/1, "heuristic",
                                  /*mma=*/"", /*lanes=*/0, /*stages=*/0);
}

/// Warp tiles (rows x columns of the output) from the most reuse per load to
/// the least; the heuristic takes the first that still leaves the GPU
/// enough warps (an H100 has 132 SMs). Measured on an H100 (f32 inputs,
/// kernel time): 1024^3 runs 63 us with 1024 warps of 32x32, 54 us with 2048
/// of 32x16; 4096^3 (64x32 either way) and BERT's 128x768xK shapes (16x16
/// either way; 16x8 tiles, 2x more warps, were no faster) do not change.
static constexpr std::pair<int64_t, int64_t> kWarpTiles[] = {
    {64, 32}, {32, 32}, {32, 16}, {16, 16}};
/// Warps per block along each output loop (no shared memory yet: the block
/// only groups warps that share rows or columns in one SM's L1).
static constexpr int64_t kBlockWarps = 2;

std::optional<MmaLoops> findMmaLoops(linalg::LinalgOp op) {
  // A gather contraction (an implicit GEMM) has the same loops; its B
  // operand is computed in the body.
  FailureOr<linalg::ContractionDimensions> dims = failure();
  if (std::optional<GatherContraction> gather = matchGatherContraction(op)) {
    dims = linalg::ContractionDimensions();
    dims->m.assign(gather->m.begin(), gather->m.end());
    dims->n.assign(gather->n.begin(), gather->n.end());
    dims->k.assign(gather->k.begin(), gather->k.end());
  } else {
    dims = linalg::inferContractionDims(op);
  }
  if (failed(dims) || dims->k.size() != 1 || op.getNumDpsInits() != 1)
    return std::nullopt;
  // The tile's n loop is the output's innermost, its m loop the next one
  // out; other m and n loops go one iteration per tile, like batch loops (a
  // [4, 128, 768] activation times a weight has two m loops, a convolution
  // of 2 images as a GEMM two n loops). Where the output's innermost loops
  // are not m and n, the one m (n) loop with more than one iteration.
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  auto pick = [&](ArrayRef<unsigned> loops,
                  unsigned which) -> std::optional<int64_t> {
    int64_t preferred = resultLoop(out, which);
    if (preferred >= 0 && llvm::is_contained(loops, preferred))
      return preferred;
    std::optional<int64_t> found;
    for (unsigned loop : loops)
      if (ranges[loop] != 1) {
        if (found)
          return std::nullopt;
        found = loop;
      }
    if (!found && !loops.empty())
      found = loops.back();
    return found;
  };
  std::optional<int64_t> m = pick(dims->m, 1), n = pick(dims->n, 0);
  if (!m || !n)
    return std::nullopt;
  return MmaLoops{*m, *n, static_cast<int64_t>(dims->k[0])};
}

/// Blocks of a staged (shared-memory) mma schedule, largest first, and the
/// warp tile of each: the heuristic takes the first that gives the GPU at
/// least kMinBlocks blocks. Not measured yet (no GPU since they were
/// written); 128x128 with 8 warps of 64x32 and 64x64 with 4 of 32x32 are
/// the usual first choices of hand-written mma.sync GEMMs.
struct StagedBlock {
  int64_t bm, bn, wm, wn;
};
static constexpr StagedBlock kStagedBlocks[] = {{128, 128, 64, 32},
                                                {64, 64, 32, 32}};
/// sm_90a: two warpgroups of 64x128 (64 accumulators per thread), as the
/// usual wgmma GEMMs without warp specialization; not measured either.
static constexpr StagedBlock kWgmmaBlocks[] = {{128, 128, 64, 128}};
static constexpr int64_t kMinBlocks = 128;

int64_t stagedSharedBytes(int64_t bm, int64_t bn, int64_t bk, int64_t stages,
                          int64_t elementBytes, bool wgmma) {
  // Each buffer's innermost dimension is padded by 16 bytes (aicc-gpu-mma):
  // k or the other one, depending on the operand's layout; this bound holds
  // for either. wgmma's core matrices are dense.
  int64_t pad = wgmma ? 0 : 16 / elementBytes;
  int64_t perStage = (bm + pad) * (bk + pad) + (bk + pad) * (bn + pad);
  return stages * perStage * elementBytes;
}

FailureOr<sched::ScheduleAttr> pickMmaSchedule(Operation *root, bool tf32,
                                               int64_t stages, bool wgmma) {
  auto op = dyn_cast<linalg::LinalgOp>(root);
  if (!op || op.hasDynamicShape() || op.getNumDpsInits() != 1)
    return failure();
  // A matmul, or a gather contraction (an implicit GEMM: B computed in the
  // body, of A's type).
  bool gather = matchGatherContraction(op).has_value();
  if (!gather &&
      (!linalg::isaContractionOpInterface(op) || op.getNumDpsInputs() != 2))
    return failure();
  // Both operands f32 (with tf32 allowed), f16 or bf16; the accumulator
  // f32.
  Type inputElement = getElementTypeOrSelf(op.getDpsInputs()[0].getType());
  StringRef mma = sched::mmaFor(inputElement);
  if (mma.empty() || (mma == sched::kMmaTf32 && !tf32) ||
      !getElementTypeOrSelf(op.getDpsInits()[0].getType()).isF32())
    return failure();
  for (OpOperand &operand : op->getOpOperands())
    if ((op.isDpsInput(&operand) &&
         getElementTypeOrSelf(operand.get().getType()) != inputElement) ||
        !op.getMatchingIndexingMap(&operand).isProjectedPermutation())
      return failure();
  int64_t mmaK = sched::mmaK(mma);
  std::optional<MmaLoops> loops = findMmaLoops(op);
  if (!loops)
    return failure();
  int64_t m = loops->m, n = loops->n, k = loops->k;
  // The output's two innermost dimensions are (m, n): a lane's outputs
  // then pair up along the contiguous dimension.
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (resultLoop(out, 0) != static_cast<int64_t>(n) ||
      resultLoop(out, 1) != static_cast<int64_t>(m))
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ranges[m] < 16 || ranges[n] < 16 || ranges[k] < mmaK)
    return failure();
  int64_t batch = 1;
  for (int64_t i = 0, e = ranges.size(); i < e; ++i)
    if (i != m && i != n && i != k)
      batch *= ranges[i];
  auto roundUp = [](int64_t v, int64_t to) { return (v + to - 1) / to * to; };
  std::pair<int64_t, int64_t> tile = {16, 16};
  for (auto [wm, wn] : kWarpTiles) {
    if (wm > roundUp(ranges[m], 16) || wn > roundUp(ranges[n], 8))
      continue;
    tile = {wm, wn};
    int64_t warps = batch * llvm::divideCeil(ranges[m], wm) *
                    llvm::divideCeil(ranges[n], wn);
    if (warps >= kMinMmaWarps)
      break;
  }
  int64_t numLoops = ranges.size();
  SmallVector<int64_t> blockTile(numLoops, 1), warpTile(numLoops, 1);
  blockTile[k] = 0;
  warpTile[k] = mmaK;
  warpTile[m] = tile.first;
  warpTile[n] = tile.second;
  blockTile[m] =
      std::min<int64_t>(kBlockWarps, llvm::divideCeil(ranges[m], tile.first)) *
      tile.first;
  blockTile[n] =
      std::min<int64_t>(kBlockWarps, llvm::divideCeil(ranges[n], tile.second)) *
      tile.second;
  // Staged: blocks of warps that share their operands' tiles through
  // shared memory, a k step of 64 bytes per row, as many buffers as asked
  // for that fit. Only for fill-initialized accumulators (a warp of a
  // partial block may have no rows of C to read).
  int64_t staged = 0;
  if (stages > 0 && op.getDpsInits()[0].getDefiningOp<linalg::FillOp>()) {
    int64_t bytes = inputElement.getIntOrFloatBitWidth() / 8;
    int64_t bk = 64 / bytes;
    ArrayRef<StagedBlock> blocks = kStagedBlocks;
    if (wgmma)
      blocks = kWgmmaBlocks;
    for (StagedBlock block : blocks) {
      int64_t count = batch * llvm::divideCeil(ranges[m], block.bm) *
                      llvm::divideCeil(ranges[n], block.bn);
      if (count < kMinBlocks || ranges[k] < bk)
        continue;
      staged = stages;
      while (staged > 0 && stagedSharedBytes(block.bm, block.bn, bk, staged,
                                             bytes, wgmma) > kMaxSharedBytes)
        --staged;
      if (staged == 0)
        continue;
      if (wgmma)
        mma = sched::mmaFor(inputElement, /*wgmma=*/true);
      blockTile[m] = block.bm;
      blockTile[n] = block.bn;
      blockTile[k] = bk;
      warpTile[m] = block.wm;
      warpTile[n] = block.wn;
      break;
    }
  }
  SmallVector<int64_t> order = llvm::to_vector(llvm::seq<int64_t>(0, numLoops));
  SmallVector<int64_t> parallel;
  for (int64_t i = 0; i < numLoops; ++i)
    if (i != k)
      parallel.push_back(i);
  return sched::ScheduleAttr::get(root->getContext(), blockTile, warpTile,
                                  order, parallel, /*unroll=*/1, "heuristic",
                                  mma, /*lanes=*/0, staged);
}

/// Reductions at least this long get a warp each (shorter ones a thread).
static constexpr int64_t kMinWarpReduction = 64;
/// Warps per block of a warp reduction (one output each).
static constexpr int64_t kReductionWarps = 8;

std::optional<WarpReduction> matchWarpReduction(linalg::LinalgOp op) {
  if (!op || op.getNumReductionLoops() != 1 || op.getNumDpsInits() != 1 ||
      op.getNumLoops() < 2 ||
      op.getIteratorTypesArray().back() != utils::IteratorType::reduction)
    return std::nullopt;
  int64_t r = op.getNumLoops() - 1;
  OpOperand *init = op.getDpsInitOperand(0);
  if (!getElementTypeOrSelf(init->get().getType()).isF32())
    return std::nullopt;
  // The reduction is innermost in every input: lanes read adjacent
  // elements.
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (!map.isProjectedPermutation() || map.getNumResults() == 0 ||
        map.getResults().back() != getAffineDimExpr(r, op.getContext()))
      return std::nullopt;
  }
  if (!op.getMatchingIndexingMap(init).isProjectedPermutation())
    return std::nullopt;
  SmallVector<Operation *> combiners;
  if (!matchReduction(op.getRegionOutputArgs(), 0, combiners) ||
      combiners.size() != 1)
    return std::nullopt;
  Operation *combiner = combiners.front();
  if (!isa<arith::AddFOp, arith::MulFOp, arith::MaximumFOp, arith::MinimumFOp,
           arith::MaxNumFOp, arith::MinNumFOp>(combiner) ||
      !arith::getNeutralElement(combiner))
    return std::nullopt;
  return WarpReduction{r, combiner};
}

FailureOr<sched::ScheduleAttr> pickWarpReductionSchedule(Operation *root) {
  auto op = dyn_cast<linalg::LinalgOp>(root);
  if (!op || op.hasDynamicShape() || !matchWarpReduction(op))
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ranges.back() < kMinWarpReduction)
    return failure();
  int64_t n = ranges.size();
  SmallVector<int64_t> blockTile(n, 1), warpTile(n, 1);
  blockTile[n - 1] = warpTile[n - 1] = 0;
  // Warps of a block along the output's innermost loop.
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (int64_t inner = resultLoop(out, 0); inner >= 0 && inner < n - 1)
    blockTile[inner] = std::min(kReductionWarps, ranges[inner]);
  SmallVector<int64_t> order = llvm::to_vector(llvm::seq<int64_t>(0, n));
  SmallVector<int64_t> parallel = llvm::to_vector(llvm::seq<int64_t>(0, n - 1));
  return sched::ScheduleAttr::get(root->getContext(), blockTile, warpTile,
                                  order, parallel, /*unroll=*/1, "heuristic",
                                  /*mma=*/"", /*lanes=*/kWarpSize,
                                  /*stages=*/0);
}

/// Whether the kernel's result is the root's or an elementwise epilogue's
/// (what aicc-gpu-mma can split among a warp's lanes).
static bool hasElementwiseEpilogue(func::FuncOp kernel, Operation *root) {
  KernelAnchor anchor = findKernelAnchor(kernel, root);
  if (anchor.op == root)
    return root->hasOneUse() && isa<func::ReturnOp>(*root->user_begin());
  auto epilogue = cast<linalg::LinalgOp>(anchor.op);
  if (epilogue.getNumLoops() != epilogue.getNumParallelLoops())
    return false;
  for (OpOperand &operand : epilogue->getOpOperands())
    if (!epilogue.getMatchingIndexingMap(&operand).isProjectedPermutation())
      return false;
  // Nothing else in the kernel: the root's operands come from outside.
  for (Operation &op : kernel.getBody().front())
    if (isa<linalg::LinalgOp>(op) && &op != root && &op != anchor.op &&
        !isa<linalg::FillOp>(op))
      return false;
  return true;
}

/// Whether a warp can run each row of `kernel` (an `aicc.row_kernel`)
/// alone: every op walks the root's rows (its loops but the last) and then
/// at most the columns, statically, with permutation maps; reductions go
/// along the columns with a combiner a warp can split.
static bool isWarpRowKernel(func::FuncOp kernel, Operation *root) {
  int64_t loops = cast<linalg::LinalgOp>(root).getNumLoops();
  bool ok = loops >= 2;
  kernel.walk([&](linalg::LinalgOp op) {
    if (isa<linalg::FillOp>(op))
      return;
    if (op.getNumLoops() > loops || op.hasDynamicShape() ||
        (op.getNumReductionLoops() > 0 &&
         (!matchWarpReduction(op) || op.getNumLoops() != loops)))
      ok = false;
    for (OpOperand &operand : op->getOpOperands())
      if (!op.getMatchingIndexingMap(&operand).isProjectedPermutation())
        ok = false;
  });
  return ok;
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
      FailureOr<sched::ScheduleAttr> schedule = failure();
      // A row kernel (softmax, layer norm) whose every reduction a warp can
      // split: a warp per row for all of its ops.
      if (kernel->hasAttr(sched::kRowKernelAttr) &&
          isa<linalg::LinalgOp>(root) && isWarpRowKernel(kernel, root))
        schedule = pickWarpReductionSchedule(root);
      if (failed(schedule) && tensorCores &&
          hasElementwiseEpilogue(kernel, root))
        schedule = pickMmaSchedule(root, tf32, stages, wgmma);
      // A long reduction whose result is the kernel's: a warp per output.
      if (failed(schedule) && findKernelAnchor(kernel, root).op == root &&
          root->hasOneUse() && isa<func::ReturnOp>(*root->user_begin()))
        schedule = pickWarpReductionSchedule(root);
      if (failed(schedule))
        schedule = pickGpuSchedule(root, maxThreads);
      if (succeeded(schedule))
        root->setAttr(sched::kScheduleAttr, *schedule);
    }
  }
};
} // namespace

} // namespace aicc
