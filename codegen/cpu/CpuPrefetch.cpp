//===- CpuPrefetch.cpp - software prefetch of a GEMM's streamed panel -----===//
//
// A GEMM register tile's reduction loop reads one vector of the right
// operand per step (a packed panel `w[p, k, 0..31]`, contiguous along k).
// Hardware prefetchers follow such a stream within a 4 KiB page only, and a
// panel of ResNet-50's last stage spans 144 pages read once from DRAM per
// inference: each page crossing stalled the FMAs (its GEMMs ran ~20% slower
// in the model than alone, where the weights stay in L3). Each such load
// gets `memref.prefetch`es of the cache lines `distance` steps ahead. When
// several register tiles in a row read the same panel (columns outside
// rows), the first streams it from DRAM and the others reuse it from L2:
// the first one needs the panel at twice the rate DRAM delivers (a 7-row
// tile does 14 FMAs per 128-byte step), the others need nothing from DRAM.
// There the loads prefetch the next panel instead, each tile a 1/R share of
// it, so DRAM is busy all the time and no tile waits for it. The
// epilogue's loads after the loop (a residual tile read from L3 once per
// register tile: ResNet-50's 56x56 residual GEMMs ran at 131 GFLOP/s, 200
// with the prefetch) are prefetched before it, their addresses computed
// there.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/Passes.h"
#include "compiler/partition/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace aicc {
#define GEN_PASS_DEF_CPUPREFETCHPASS
#include "codegen/cpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {
namespace {

constexpr int64_t kLineBytes = 64;

int64_t totalBytes(MemRefType type) {
  return type.getNumElements() * type.getElementTypeBitWidth() / 8;
}

/// Whether `index` is `iv` or `iv + constant`.
bool stepsWith(Value index, Value iv) {
  if (index == iv)
    return true;
  auto add = index.getDefiningOp<arith::AddIOp>();
  if (!add)
    return false;
  for (auto [a, b] : {std::pair(add.getLhs(), add.getRhs()),
                      std::pair(add.getRhs(), add.getLhs())})
    if (a == iv && matchPattern(b, m_Constant()))
      return true;
  return false;
}

/// `value` computed at `builder`'s insertion point before `loop`: itself
/// when it is defined outside `loop`'s block or before `loop`, else a clone
/// of its pure, region-free defining op over operands computed the same way;
/// null when that is not possible.
Value computeBefore(OpBuilder &builder, Value value, Operation *loop,
                    int depth = 0) {
  Operation *def = value.getDefiningOp();
  if (!def || def->getBlock() != loop->getBlock() || def->isBeforeInBlock(loop))
    return value;
  if (depth > 3 || def->getNumRegions() != 0 || !isPure(def) ||
      def->getNumResults() != 1)
    return {};
  IRMapping mapping;
  for (Value operand : def->getOperands()) {
    Value before = computeBefore(builder, operand, loop, depth + 1);
    if (!before)
      return {};
    mapping.map(operand, before);
  }
  return builder.clone(*def, mapping)->getResult(0);
}

/// Prefetches each cache line of what `load` reads at `indices` (its own
/// indices, moved), at `builder`'s insertion point.
void prefetchLines(OpBuilder &builder, vector::LoadOp load,
                   SmallVector<Value> indices) {
  Location loc = load.getLoc();
  VectorType vector = load.getVectorType();
  int64_t perLine = kLineBytes / (vector.getElementTypeBitWidth() / 8);
  Value inner = indices.back();
  for (int64_t offset = 0; offset < vector.getNumElements();
       offset += perLine) {
    if (offset != 0)
      indices.back() = arith::AddIOp::create(
          builder, loc, inner,
          arith::ConstantIndexOp::create(builder, loc, offset));
    memref::PrefetchOp::create(builder, loc, load.getBase(), indices,
                               /*isWrite=*/false, /*localityHint=*/3,
                               /*isDataCache=*/true);
  }
}

struct CpuPrefetchPass : public impl::CpuPrefetchPassBase<CpuPrefetchPass> {
  using Base::Base;
  void runOnOperation() override {
    for (func::FuncOp kernel : getKernels(getOperation())) {
      SmallVector<std::pair<vector::LoadOp, unsigned>> loads;
      SmallVector<std::pair<Operation *, vector::LoadOp>> epilogue;
      kernel.walk([&](scf::ForOp loop) {
        if (loop.getBody()->getOps<vector::FMAOp>().empty())
          return;
        Value iv = loop.getInductionVar();
        for (auto load : loop.getBody()->getOps<vector::LoadOp>()) {
          MemRefType type = load.getMemRefType();
          VectorType vector = load.getVectorType();
          int64_t rank = type.getRank();
          int64_t bytes =
              vector.getNumElements() * vector.getElementTypeBitWidth() / 8;
          // A whole vector of a contiguous innermost dimension, stepping
          // along the dimension before it (not the broadcast scalars of the
          // left operand).
          if (rank < 2 || vector.getRank() != 1 || bytes < kLineBytes ||
              !type.hasStaticShape() || !type.getLayout().isIdentity() ||
              totalBytes(type) <= minBytes ||
              !llvm::any_of(load->getUsers(),
                            [](Operation *u) { return isa<vector::FMAOp>(u); }))
            continue;
          if (stepsWith(load.getIndices()[rank - 2], iv))
            loads.push_back({load, static_cast<unsigned>(rank - 2)});
        }
        // The epilogue's loads after the loop (a residual tile, 2-3 MiB
        // tensors read from L3) whose addresses can be computed before it:
        // prefetched before the loop, which hides them.
        for (Operation *op = loop->getNextNode(); op; op = op->getNextNode())
          if (auto load = dyn_cast<vector::LoadOp>(op))
            if (load.getVectorType().getRank() == 1 &&
                !load.getBase().getDefiningOp())
              epilogue.push_back({loop, load});
      });
      for (auto [loop, load] : epilogue) {
        OpBuilder builder(loop);
        SmallVector<Value> indices;
        for (Value index : load.getIndices())
          indices.push_back(computeBefore(builder, index, loop));
        if (llvm::is_contained(indices, Value()))
          continue;
        prefetchLines(builder, load, indices);
      }
      for (auto [load, dim] : loads) {
        OpBuilder builder(load);
        SmallVector<Value> indices(load.getIndices());
        if (!nextPanelIndices(builder, load, dim, indices))
          aheadIndices(builder, load, dim, indices);
        prefetchLines(builder, load, indices);
      }
    }
  }

  /// `indices` moved `distance` steps ahead along `dim`, clamped to the last
  /// step: the address stays inside the memref.
  void aheadIndices(OpBuilder &builder, vector::LoadOp load, unsigned dim,
                    SmallVector<Value> &indices) {
    Location loc = load.getLoc();
    int64_t last = load.getMemRefType().getDimSize(dim) - 1;
    indices[dim] = arith::MinSIOp::create(
        builder, loc,
        arith::AddIOp::create(
            builder, loc, indices[dim],
            arith::ConstantIndexOp::create(builder, loc, distance)),
        arith::ConstantIndexOp::create(builder, loc, last));
  }

  /// For a packed panel `w[p, k, 0..31]` read by a reduction loop nested in
  /// a loop over register tiles (0 to U step s, R = ceil(U / s) iterations,
  /// all of which read the same panel): `indices` moved to the next panel
  /// (p + 1, clamped to the last), at step (r * K + k) / R in iteration r,
  /// so the R register tiles that reuse the current panel from cache
  /// together fetch the next one, evenly. Returns false when `load` is not
  /// such a panel load.
  bool nextPanelIndices(OpBuilder &builder, vector::LoadOp load, unsigned dim,
                        SmallVector<Value> &indices) {
    MemRefType type = load.getMemRefType();
    if (dim == 0 || type.getDimSize(dim - 1) < 2)
      return false;
    auto reduction = cast<scf::ForOp>(load->getParentOp());
    auto tiles = dyn_cast<scf::ForOp>(reduction->getParentOp());
    if (!tiles)
      return false;
    std::optional<int64_t> lb = getConstantIntValue(tiles.getLowerBound());
    std::optional<int64_t> ub = getConstantIntValue(tiles.getUpperBound());
    std::optional<int64_t> step = getConstantIntValue(tiles.getStep());
    if (!lb || !ub || !step || *lb != 0 || *step <= 0 || *ub <= *step)
      return false;
    Location loc = load.getLoc();
    auto constant = [&](int64_t value) -> Value {
      return arith::ConstantIndexOp::create(builder, loc, value);
    };
    int64_t panels = type.getDimSize(dim - 1), steps = type.getDimSize(dim);
    int64_t trips = llvm::divideCeil(*ub, *step);
    indices[dim - 1] = arith::MinSIOp::create(
        builder, loc,
        arith::AddIOp::create(builder, loc, indices[dim - 1], constant(1)),
        constant(panels - 1));
    Value tile = arith::DivUIOp::create(builder, loc, tiles.getInductionVar(),
                                        constant(*step));
    Value at = arith::AddIOp::create(
        builder, loc,
        arith::MulIOp::create(builder, loc, tile, constant(steps)),
        indices[dim]);
    indices[dim] = arith::DivUIOp::create(builder, loc, at, constant(trips));
    return true;
  }
};

} // namespace
} // namespace aicc
