//===- GpuMapLoops.cpp - kernels' parallel loops onto blocks and threads --===//

#include "codegen/gpu/Passes.h"
#include "compiler/partition/Passes.h"

#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace aicc {
#define GEN_PASS_DEF_GPUMAPLOOPSPASS
#include "codegen/gpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {

/// Grid dimensions y and z hold at most this many blocks.
static constexpr int64_t kMaxGridYZ = 65535;
static constexpr int64_t kMaxThreadsPerBlock = 1024;

static std::optional<int64_t> tripCount(scf::ParallelOp loop, unsigned dim) {
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()[dim]);
  std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound()[dim]);
  std::optional<int64_t> step = getConstantIntValue(loop.getStep()[dim]);
  if (!lb || !ub || !step || *step <= 0)
    return std::nullopt;
  return (*ub - *lb + *step - 1) / *step;
}

/// Innermost loop on x, then y, then z; the rest sequential. On the grid,
/// loops of one iteration are skipped and y/z loops must fit the limit.
static LogicalResult mapLoop(scf::ParallelOp loop, bool grid,
                             ArrayRef<std::optional<int64_t>> trips = {}) {
  MLIRContext *ctx = loop.getContext();
  using gpu::Processor;
  Processor first = grid ? Processor::BlockX : Processor::ThreadX;
  unsigned numDims = loop.getNumLoops();
  SmallVector<Processor> processors(numDims, Processor::Sequential);
  int next = 0;
  for (unsigned dim = numDims; dim-- > 0 && next < 3;) {
    std::optional<int64_t> count =
        trips.empty() ? tripCount(loop, dim) : trips[dim];
    if (grid && count && *count == 1)
      continue;
    if (grid && next > 0 && (!count || *count > kMaxGridYZ))
      continue;
    processors[dim] = static_cast<Processor>(static_cast<int>(first) + next++);
  }
  AffineMap identity = AffineMap::getMultiDimIdentityMap(1, ctx);
  SmallVector<gpu::ParallelLoopDimMappingAttr> mapping;
  for (Processor p : processors)
    mapping.push_back(
        gpu::ParallelLoopDimMappingAttr::get(ctx, p, identity, identity));
  return gpu::setMappingAttr(loop, mapping);
}

/// Host-side copies between buffers (a kernel's result into the caller's
/// buffer, reshapes that need one) become parallel loops, so they run on
/// the GPU like the kernels instead of pulling managed memory to the host.
/// Copies out of a constant global stay on the host: it reads host memory.
static void copiesToParallelLoops(func::FuncOp func) {
  SmallVector<memref::CopyOp> copies;
  func.walk([&](memref::CopyOp copy) {
    if (copy->getParentOfType<scf::ParallelOp>() ||
        copy.getSource().getDefiningOp<memref::GetGlobalOp>())
      return;
    auto type = cast<MemRefType>(copy.getTarget().getType());
    if (type.getRank() > 0 && type.hasStaticShape() &&
        type.getNumElements() > 0)
      copies.push_back(copy);
  });
  for (memref::CopyOp copy : copies) {
    OpBuilder b(copy);
    Location loc = copy.getLoc();
    auto type = cast<MemRefType>(copy.getTarget().getType());
    SmallVector<Value> lbs, ubs, steps;
    for (int64_t d : type.getShape()) {
      lbs.push_back(arith::ConstantIndexOp::create(b, loc, 0));
      ubs.push_back(arith::ConstantIndexOp::create(b, loc, d));
      steps.push_back(arith::ConstantIndexOp::create(b, loc, 1));
    }
    scf::ParallelOp::create(
        b, loc, lbs, ubs, steps,
        [&](OpBuilder &nested, Location loc, ValueRange ivs) {
          Value v = memref::LoadOp::create(nested, loc, copy.getSource(), ivs);
          memref::StoreOp::create(nested, loc, v, copy.getTarget(), ivs);
        });
    copy.erase();
  }
}

static LogicalResult mapKernel(func::FuncOp kernel) {
  SmallVector<scf::ParallelOp> outermost;
  kernel.walk([&](scf::ParallelOp loop) {
    if (!loop->getParentOfType<scf::ParallelOp>())
      outermost.push_back(loop);
  });
  for (scf::ParallelOp loop : outermost) {
    // Threads a pass mapped itself (aicc-gpu-mma's staged blocks): the loop
    // around them is the grid; alone they are one block.
    if (loop->hasAttr(gpu::getMappingAttrName()))
      continue;
    bool threadsMapped = false;
    loop.walk([&](scf::ParallelOp inner) {
      threadsMapped |=
          inner != loop && inner->hasAttr(gpu::getMappingAttrName());
    });
    if (threadsMapped) {
      if (failed(mapLoop(loop, /*grid=*/true)))
        return failure();
      continue;
    }
    // The block shape the tiled op inside records; without one (a loop
    // from elsewhere) the whole loop is one block if it fits, else one
    // thread per block.
    SmallVector<int64_t> shape;
    loop.walk([&](Operation *op) {
      auto block = op->getAttrOfType<DenseI64ArrayAttr>(kGpuBlockAttr);
      auto trips = op->getAttrOfType<DenseI64ArrayAttr>(kGpuTripsAttr);
      if (!block || !trips || block.size() != trips.size())
        return;
      // Dimensions of one tile may have been folded out of the loop.
      SmallVector<int64_t> kept;
      for (auto [b, t] : llvm::zip(block.asArrayRef(), trips.asArrayRef()))
        if (block.size() == loop.getNumLoops() || t > 1)
          kept.push_back(b);
      if (kept.size() == loop.getNumLoops())
        shape = kept;
    });
    if (shape.empty()) {
      int64_t iterations = 1;
      for (unsigned d = 0; d < loop.getNumLoops(); ++d) {
        std::optional<int64_t> trips = tripCount(loop, d);
        iterations = trips ? iterations * *trips : kMaxThreadsPerBlock + 1;
      }
      if (iterations <= kMaxThreadsPerBlock) {
        if (failed(mapLoop(loop, /*grid=*/false)))
          return failure();
        continue;
      }
      // Up to 256 threads along the innermost loop.
      shape.assign(loop.getNumLoops(), 1);
      std::optional<int64_t> inner = tripCount(loop, loop.getNumLoops() - 1);
      shape.back() = inner ? std::clamp<int64_t>(*inner, 1, 256) : 256;
    }
    // The grid's extent per dimension, from the loop before the split (the
    // split's bounds are not folded yet).
    SmallVector<std::optional<int64_t>> gridTrips;
    for (unsigned d = 0; d < loop.getNumLoops(); ++d) {
      std::optional<int64_t> trips = tripCount(loop, d);
      gridTrips.push_back(
          trips ? std::optional<int64_t>((*trips + shape[d] - 1) / shape[d])
                : std::nullopt);
    }
    auto [blocks, threads] =
        scf::tileParallelLoop(loop, shape, /*noMinMaxBounds=*/false);
    if (failed(mapLoop(blocks, /*grid=*/true, gridTrips)) ||
        failed(mapLoop(threads, /*grid=*/false)))
      return failure();
  }
  // Anything deeper runs inside one thread.
  kernel.walk([&](scf::ParallelOp inner) {
    if (inner->hasAttr(gpu::getMappingAttrName()))
      return;
    SmallVector<gpu::ParallelLoopDimMappingAttr> sequential(
        inner.getNumLoops(),
        gpu::ParallelLoopDimMappingAttr::get(
            kernel.getContext(), gpu::Processor::Sequential,
            AffineMap::getMultiDimIdentityMap(1, kernel.getContext()),
            AffineMap::getMultiDimIdentityMap(1, kernel.getContext())));
    (void)gpu::setMappingAttr(inner, sequential);
  });
  kernel.walk([](Operation *op) {
    op->removeAttr(kGpuBlockAttr);
    op->removeAttr(kGpuTripsAttr);
  });
  return success();
}

/// Whether host code reads or writes buffers outside the mapped loops (ops
/// no schedule could distribute). If not, the kernels may run
/// asynchronously: nothing on the host waits for their results.
static bool hostAccessesBuffers(func::FuncOp func) {
  bool touches = false;
  func.walk([&](Operation *op) {
    if (!isa<memref::LoadOp, memref::StoreOp, memref::CopyOp, linalg::LinalgOp>(
            op))
      return;
    for (Operation *p = op->getParentOp(); p && p != func; p = p->getParentOp())
      if (auto loop = dyn_cast<scf::ParallelOp>(p);
          loop && loop->hasAttr(gpu::getMappingAttrName()))
        return;
    // Copies out of constant globals happen before the first launch.
    if (auto copy = dyn_cast<memref::CopyOp>(op);
        copy && copy.getSource().getDefiningOp<memref::GetGlobalOp>())
      return;
    touches = true;
  });
  return touches;
}

namespace {
struct GpuMapLoopsPass : public impl::GpuMapLoopsPassBase<GpuMapLoopsPass> {
  void runOnOperation() override {
    // Every host function: kernels, and @main's copies.
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      copiesToParallelLoops(func);
      if (failed(mapKernel(func)))
        return signalPassFailure();
      if (hostAccessesBuffers(func))
        getOperation()->setAttr(kHostAccessAttr, UnitAttr::get(&getContext()));
    }
  }
};
} // namespace

} // namespace aicc
