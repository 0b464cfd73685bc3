//===- GpuTileAndDistribute.cpp - block and thread tiles of a kernel ------===//
//
// One level of tile-and-fuse on tensors: the anchor is tiled into an
// scf.forall over thread tiles (the schedule's inner level) with its
// producers fused; the tiled op records how many thread tiles make a block
// (outer level / inner level). After bufferization `aicc-gpu-map-loops`
// splits each forall into blocks of that shape and maps both levels.
// Splitting after fusion means a block never computes a producer that its
// threads then recompute.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/TileKernel.h"
#include "codegen/gpu/Passes.h"
#include "compiler/partition/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace aicc {
#define GEN_PASS_DEF_GPUTILEANDDISTRIBUTEPASS
#include "codegen/gpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {

/// A constant-value tensor.pad with static low padding becomes an
/// elementwise linalg.generic over the padded shape that reads the source
/// where the index is in bounds (tensor.extract) and the pad value
/// elsewhere. Fused into a thread tile it computes just the window that
/// thread reads; a tensor.pad would be materialized whole per block.
static LogicalResult rewritePadAsGather(RewriterBase &rewriter,
                                        tensor::PadOp pad) {
  Value padValue = pad.getConstantPaddingValue();
  auto type = pad.getResultType();
  auto sourceType = pad.getSourceType();
  if (!padValue || !type.hasStaticShape() || !sourceType.hasStaticShape())
    return failure();
  SmallVector<int64_t> low;
  for (OpFoldResult l : pad.getMixedLowPad()) {
    std::optional<int64_t> v = getConstantIntValue(l);
    if (!v)
      return failure();
    low.push_back(*v);
  }
  Location loc = pad.getLoc();
  rewriter.setInsertionPoint(pad);
  Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                        type.getElementType());
  int64_t rank = type.getRank();
  AffineMap identity =
      AffineMap::getMultiDimIdentityMap(rank, rewriter.getContext());
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  Value source = pad.getSource();
  auto gather = linalg::GenericOp::create(
      rewriter, loc, type, ValueRange(), ValueRange{empty},
      ArrayRef<AffineMap>{identity}, iterators,
      [&](OpBuilder &b, Location loc, ValueRange) {
        Value inBounds;
        SmallVector<Value> indices;
        Value zero = arith::ConstantIndexOp::create(b, loc, 0);
        for (int64_t d = 0; d < rank; ++d) {
          Value i = linalg::IndexOp::create(b, loc, d);
          if (low[d] == 0 && type.getDimSize(d) == sourceType.getDimSize(d)) {
            indices.push_back(i);
            continue;
          }
          Value src = arith::SubIOp::create(
              b, loc, i, arith::ConstantIndexOp::create(b, loc, low[d]));
          Value ge = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                           src, zero);
          Value lt = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::slt, src,
              arith::ConstantIndexOp::create(b, loc, sourceType.getDimSize(d)));
          Value ok = arith::AndIOp::create(b, loc, ge, lt);
          inBounds =
              inBounds ? arith::AndIOp::create(b, loc, inBounds, ok) : ok;
          indices.push_back(src);
        }
        if (inBounds)
          for (Value &index : indices)
            index = arith::SelectOp::create(b, loc, inBounds, index, zero);
        Value value = tensor::ExtractOp::create(b, loc, source, indices);
        if (inBounds)
          value = arith::SelectOp::create(b, loc, inBounds, value, padValue);
        linalg::YieldOp::create(b, loc, value);
      });
  rewriter.replaceOp(pad, gather.getResult(0));
  return success();
}

/// Marks an op the heuristic cannot distribute (it stays a host loop).
static constexpr StringLiteral kSkipAttr = "aicc.gpu_skip";
/// Threads per block for ops distributed without a schedule of their own.
static constexpr int64_t kMaxThreads = 256;

/// Producers are fused into a thread's tile only while the slice of them
/// that one thread needs stays small; a larger one (a window with a large
/// dilation, say) is distributed as its own parallel loop instead.
static constexpr int64_t kMaxFusedSliceElements = 4096;

static std::optional<scf::SCFTileAndFuseOptions::ControlFnResult>
fuseSmallSlices(tensor::ExtractSliceOp slice, OpResult, bool) {
  RankedTensorType type = slice.getResultType();
  if (!type.hasStaticShape() || type.getNumElements() > kMaxFusedSliceElements)
    return std::nullopt;
  return scf::SCFTileAndFuseOptions::ControlFnResult{};
}

/// Largest accumulator a thread keeps in private memory (registers).
static constexpr int64_t kMaxAccumulatorElements = 64;

/// A reduction that starts from a fill accumulates in its thread's tile of
/// the output buffer: a load and a store of global memory per step. Filling
/// a fresh tensor instead gives the thread a private accumulator (after
/// bufferization an alloca, then registers); the tile is written once.
static void privatizeAccumulators(RewriterBase &rewriter,
                                  linalg::LinalgOp tiled) {
  if (tiled.getNumReductionLoops() == 0)
    return;
  for (OpOperand &init : tiled.getDpsInitsMutable()) {
    auto fill = init.get().getDefiningOp<linalg::FillOp>();
    if (!fill || !fill->hasOneUse() ||
        !fill.getOutputs()[0].getDefiningOp<tensor::ExtractSliceOp>())
      continue;
    auto type = cast<RankedTensorType>(fill.getResult(0).getType());
    if (!type.hasStaticShape() ||
        type.getNumElements() > kMaxAccumulatorElements)
      continue;
    rewriter.setInsertionPoint(fill);
    Value fresh = tensor::EmptyOp::create(
        rewriter, fill.getLoc(), type.getShape(), type.getElementType());
    rewriter.modifyOpInPlace(fill,
                             [&] { fill.getOutputsMutable()[0].set(fresh); });
  }
}

/// How `distribute` tiles: per thread, or per warp (a loop of 32 lanes per
/// tile comes after bufferization: aicc-gpu-mma, aicc-gpu-warp-reduce).
struct Distribution {
  bool warps = false;
  scf::SCFTileAndFuseOptions::ControlFnTy fusion = fuseSmallSlices;
  bool privatize = true; // give fill-initialized reductions a private tile
};

/// Tiles `op` into one scf.forall over thread (warp) tiles (`threadTiles`,
/// one per loop of `op`) with its producers fused, and records on the tiled
/// op how many tiles of each forall dimension make one block.
static LogicalResult distribute(RewriterBase &rewriter, func::FuncOp kernel,
                                linalg::LinalgOp op,
                                ArrayRef<int64_t> threadTiles,
                                ArrayRef<int64_t> blockTiles,
                                const Distribution &how = {}) {
  // One entry per tiled loop, with its number of thread tiles (loops of
  // one tile may be folded away later; aicc-gpu-map-loops matches them).
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<int64_t> blockShape, trips;
  for (auto [thread, block, range] : llvm::zip(threadTiles, blockTiles, ranges))
    if (thread != 0) {
      blockShape.push_back(std::max<int64_t>(1, block / thread));
      trips.push_back((range + thread - 1) / thread);
    }
  if (how.warps) { // the lane loop added after bufferization, innermost
    blockShape.push_back(kWarpSize);
    trips.push_back(kWarpSize);
  }
  if (llvm::all_of(trips, [](int64_t t) { return t <= 1; })) {
    // A single iteration: one thread runs it (aicc-gpu-map-loops gives a
    // loop-free op no launch, so it would stay on the host).
    op->setAttr(kSkipAttr, rewriter.getUnitAttr());
    return success();
  }
  op->setAttr(kAnchorAttr, rewriter.getUnitAttr());
  if (failed(tileAndFuse(rewriter, op, threadTiles,
                         scf::SCFTilingOptions::LoopType::ForallOp, {},
                         how.fusion)))
    return failure();
  eraseDeadCode(rewriter, kernel);
  Operation *tiled = findMarked(kernel, kAnchorAttr);
  tiled->removeAttr(kAnchorAttr);
  if (how.privatize)
    privatizeAccumulators(rewriter, cast<linalg::LinalgOp>(tiled));
  tiled->setAttr(kGpuBlockAttr, rewriter.getDenseI64ArrayAttr(blockShape));
  tiled->setAttr(kGpuTripsAttr, rewriter.getDenseI64ArrayAttr(trips));
  return success();
}

/// An `mma` schedule: the anchor is tiled into one scf.forall over warp
/// tiles with only the root contraction (and a fill of its accumulator)
/// fused; the contraction's operands are read in place.
static LogicalResult distributeWarps(RewriterBase &rewriter,
                                     func::FuncOp kernel, Operation *root,
                                     const KernelAnchor &anchor,
                                     sched::ScheduleAttr schedule) {
  ArrayRef<int64_t> rootWarp = schedule.getVectorTile();
  std::optional<MmaLoops> loops = findMmaLoops(cast<linalg::LinalgOp>(root));
  if (!loops)
    return root->emitOpError("has an mma schedule but is not a matmul");
  SmallVector<int64_t> mmaTile = {rootWarp[loops->m], rootWarp[loops->n],
                                  loops->m, loops->n, loops->k};
  // Staged: the forall goes over block tiles (whole reduction), and
  // aicc-gpu-mma adds the block's threads and its shared memory.
  SmallVector<int64_t> blockTile(schedule.getThreadTile());
  ArrayRef<int64_t> tile = rootWarp;
  if (int64_t stages = schedule.getStages()) {
    int64_t bm = blockTile[loops->m], bn = blockTile[loops->n];
    int64_t bk = blockTile[loops->k];
    int64_t mmaK = sched::mmaK(schedule.getMma());
    if (bm == 0 || bn == 0 || bm % mmaTile[0] != 0 || bn % mmaTile[1] != 0)
      return root->emitOpError() << "staged mma schedule: the block tile " << bm
                                 << "x" << bn << " must be whole warp tiles of "
                                 << mmaTile[0] << "x" << mmaTile[1];
    if (bk <= 0 || bk % mmaK != 0)
      return root->emitOpError()
             << "staged mma schedule: the block's reduction step " << bk
             << " must be a positive multiple of the instruction's k (" << mmaK
             << ")";
    // wgmma: the warp tile is a warpgroup's (4 warps, 64 rows).
    bool wgmma = sched::isWgmma(schedule.getMma());
    if (wgmma && (mmaTile[0] != sched::kWgmmaM || mmaTile[1] % 8 != 0 ||
                  mmaTile[1] > sched::kMaxWgmmaN))
      return root->emitOpError()
             << "wgmma schedule: the warpgroup tile " << mmaTile[0] << "x"
             << mmaTile[1] << " must be " << sched::kWgmmaM
             << " x a multiple of 8 up to " << sched::kMaxWgmmaN;
    int64_t threads =
        bm / mmaTile[0] * (bn / mmaTile[1]) * kWarpSize * (wgmma ? 4 : 1);
    if (threads > 1024)
      return root->emitOpError() << "staged mma schedule: " << threads
                                 << " threads per block (at most 1024)";
    for (auto [loop, size] : llvm::enumerate(blockTile))
      if (static_cast<int64_t>(loop) != loops->m &&
          static_cast<int64_t>(loop) != loops->n &&
          static_cast<int64_t>(loop) != loops->k && size != 1)
        return root->emitOpError() << "staged mma schedule: batch loop " << loop
                                   << " must have a block tile of 1";
    mmaTile.append({bm, bn, bk, stages});
    if (wgmma)
      mmaTile.push_back(1);
    blockTile[loops->k] = 0;
    tile = blockTile;
  }
  root->setAttr(kGpuMmaAttr, rewriter.getDenseI64ArrayAttr(mmaTile));
  Distribution how;
  how.warps = schedule.getStages() == 0;
  how.privatize = false;
  how.fusion = [root](tensor::ExtractSliceOp, OpResult producer, bool)
      -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
    Operation *owner = producer.getOwner();
    if (owner == root || isa<linalg::FillOp>(owner))
      return scf::SCFTileAndFuseOptions::ControlFnResult{};
    return std::nullopt;
  };
  return distribute(rewriter, kernel, cast<linalg::LinalgOp>(anchor.op),
                    anchor.tilesFor(tile), anchor.tilesFor(blockTile), how);
}

/// A row kernel with a `lanes` schedule: its last op is tiled one row per
/// warp (the root's rows: all its loops but the last) with every producer
/// fused, so each warp runs every op of its row; aicc-gpu-warp-reduce then
/// splits the row's columns among the lanes.
static LogicalResult distributeRows(RewriterBase &rewriter, func::FuncOp kernel,
                                    Operation *root,
                                    sched::ScheduleAttr schedule) {
  auto ret = cast<func::ReturnOp>(kernel.getBody().front().getTerminator());
  auto last = ret.getNumOperands() == 1
                  ? ret.getOperand(0).getDefiningOp<linalg::LinalgOp>()
                  : linalg::LinalgOp();
  if (!last)
    return kernel.emitError("a row kernel returns one linalg op's result");
  int64_t rows = cast<linalg::LinalgOp>(root).getNumLoops() - 1;
  auto rowTiles = [&](ArrayRef<int64_t> tiles) {
    SmallVector<int64_t> result(last.getNumLoops(), 0);
    for (int64_t i = 0; i < rows && i < static_cast<int64_t>(result.size());
         ++i)
      result[i] = tiles[i];
    return result;
  };
  last->setAttr(kGpuRowsAttr, rewriter.getI64IntegerAttr(rows));
  Distribution how;
  how.warps = true;
  how.privatize = false;
  how.fusion = nullptr; // the whole row: every producer
  if (failed(distribute(rewriter, kernel, last,
                        rowTiles(schedule.getVectorTile()),
                        rowTiles(schedule.getThreadTile()), how)))
    return failure();
  // A producer two ops read was fused twice; a row's intermediates become
  // tensors of one row (bufferized: per-row scratch).
  DominanceInfo dominance;
  eliminateCommonSubExpressions(rewriter, dominance, kernel);
  RewritePatternSet patterns(kernel.getContext());
  tensor::populateFoldTensorEmptyPatterns(patterns);
  (void)applyPatternsGreedily(kernel, std::move(patterns));
  eraseDeadCode(rewriter, kernel);
  return success();
}

/// A linalg op left at the kernel's top level (not fused into a tile), last
/// first; null when there is none.
static linalg::LinalgOp findUndistributed(func::FuncOp kernel) {
  linalg::LinalgOp found;
  for (Operation &op : kernel.getBody().front())
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(&op))
      if (linalgOp.hasPureTensorSemantics() && !linalgOp.hasDynamicShape() &&
          linalgOp.getNumParallelLoops() > 0 && !op.hasAttr(kGpuBlockAttr) &&
          !op.hasAttr(kSkipAttr))
        found = linalgOp;
  return found;
}

static LogicalResult tileAndDistributeKernel(RewriterBase &rewriter,
                                             func::FuncOp kernel) {
  SmallVector<tensor::PadOp> pads;
  kernel.walk([&](tensor::PadOp pad) { pads.push_back(pad); });
  for (tensor::PadOp pad : pads)
    (void)rewritePadAsGather(rewriter, pad);
  // 1. The anchor, by the root's schedule.
  Operation *root = findKernelRoot(kernel);
  auto schedule =
      root ? root->getAttrOfType<sched::ScheduleAttr>(sched::kScheduleAttr)
           : sched::ScheduleAttr();
  if (schedule) {
    if (failed(sched::verifyScheduleFor(root, schedule)))
      return failure();
    KernelAnchor anchor = findKernelAnchor(kernel, root);
    for (auto [loop, kind] : llvm::enumerate(anchor.rootIterators))
      if (kind == utils::IteratorType::reduction &&
          schedule.getThreadTile()[loop] != 0 && schedule.getStages() == 0)
        return root->emitOpError()
               << "schedule blocks reduction loop " << loop
               << " at thread level, which GPU codegen does not do (0 there)";
    auto anchorOp = dyn_cast<linalg::LinalgOp>(anchor.op);
    if (!anchorOp)
      return root->emitOpError("GPU codegen needs a linalg root");
    if (!schedule.getMma().empty()) {
      if (failed(distributeWarps(rewriter, kernel, root, anchor, schedule)))
        return failure();
    } else if (schedule.getLanes() != 0 &&
               kernel->hasAttr(sched::kRowKernelAttr)) {
      if (failed(distributeRows(rewriter, kernel, root, schedule)))
        return failure();
    } else if (schedule.getLanes() != 0) {
      // A warp per output: tiled like one output per thread (elementwise
      // producers fused), plus the lanes aicc-gpu-warp-reduce adds.
      if (anchor.op != root)
        return root->emitOpError("a schedule with lanes needs the reduction "
                                 "to be the kernel's result");
      root->setAttr(kGpuWarpReduceAttr, rewriter.getUnitAttr());
      Distribution how;
      how.warps = true;
      how.privatize = false;
      if (failed(distribute(rewriter, kernel, anchorOp,
                            anchor.tilesFor(schedule.getVectorTile()),
                            anchor.tilesFor(schedule.getThreadTile()), how)))
        return failure();
    } else if (failed(distribute(rewriter, kernel, anchorOp,
                                 anchor.tilesFor(schedule.getVectorTile()),
                                 anchor.tilesFor(schedule.getThreadTile())))) {
      return failure();
    } else if (failed(tileRootReductions(rewriter, kernel, anchor,
                                         schedule.getVectorTile()))) {
      // The root's reduction step (vector_tile on reduction loops): a
      // thread walks the reduction in steps, its register tile accumulating.
      return failure();
    }
  }
  // 2. What was not fused (fills, large gathers, ops the root does not
  //    reach), each by the heuristic, so no arithmetic is left on the host.
  while (linalg::LinalgOp op = findUndistributed(kernel)) {
    FailureOr<sched::ScheduleAttr> own = pickGpuSchedule(op, kMaxThreads);
    if (failed(own)) {
      op->setAttr(kSkipAttr, rewriter.getUnitAttr());
      continue;
    }
    if (failed(distribute(rewriter, kernel, op, own->getVectorTile(),
                          own->getThreadTile())))
      return failure();
  }
  kernel.walk([](Operation *op) { op->removeAttr(kSkipAttr); });
  return success();
}

namespace {
struct GpuTileAndDistributePass
    : public impl::GpuTileAndDistributePassBase<GpuTileAndDistributePass> {
  void runOnOperation() override {
    func::FuncOp kernel = getOperation();
    if (!kernel->hasAttr(sched::kKernelAttr))
      return;
    IRRewriter rewriter(kernel.getContext());
    if (failed(tileAndDistributeKernel(rewriter, kernel)))
      signalPassFailure();
  }
};
} // namespace

} // namespace aicc
