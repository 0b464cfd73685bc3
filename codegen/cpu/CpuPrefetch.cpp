//===- CpuPrefetch.cpp - software prefetch of a GEMM's streamed panel -----===//
//
// A GEMM register tile's reduction loop reads one vector of the right
// operand per step (a packed panel `w[p, k, 0..31]`, contiguous along k).
// Hardware prefetchers follow such a stream within a 4 KiB page only, and a
// panel of ResNet-50's last stage spans 144 pages read once from DRAM per
// inference: each page crossing stalled the FMAs (its GEMMs ran ~20% slower
// in the model than alone, where the weights stay in L3). Each such load
// gets `memref.prefetch`es of the cache lines `distance` steps ahead.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/Passes.h"
#include "compiler/partition/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

namespace aicc {
#define GEN_PASS_DEF_CPUPREFETCHPASS
#include "codegen/cpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {
namespace {

constexpr int64_t kLineBytes = 64;

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

struct CpuPrefetchPass : public impl::CpuPrefetchPassBase<CpuPrefetchPass> {
  using Base::Base;
  void runOnOperation() override {
    for (func::FuncOp kernel : getKernels(getOperation())) {
      SmallVector<std::pair<vector::LoadOp, unsigned>> loads;
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
              !llvm::any_of(load->getUsers(),
                            [](Operation *u) { return isa<vector::FMAOp>(u); }))
            continue;
          if (stepsWith(load.getIndices()[rank - 2], iv))
            loads.push_back({load, static_cast<unsigned>(rank - 2)});
        }
      });
      for (auto [load, dim] : loads) {
        OpBuilder builder(load);
        Location loc = load.getLoc();
        VectorType vector = load.getVectorType();
        int64_t elementBytes = vector.getElementTypeBitWidth() / 8;
        int64_t perLine = kLineBytes / elementBytes;
        SmallVector<Value> indices(load.getIndices());
        // Clamped to the last step: the address stays inside the memref.
        int64_t last = load.getMemRefType().getDimSize(dim) - 1;
        indices[dim] = arith::MinSIOp::create(
            builder, loc,
            arith::AddIOp::create(
                builder, loc, indices[dim],
                arith::ConstantIndexOp::create(builder, loc, distance)),
            arith::ConstantIndexOp::create(builder, loc, last));
        Value inner = indices.back();
        for (int64_t offset = 0; offset < vector.getNumElements();
             offset += perLine) {
          indices.back() =
              offset == 0
                  ? inner
                  : arith::AddIOp::create(
                        builder, loc, inner,
                        arith::ConstantIndexOp::create(builder, loc, offset))
                        .getResult();
          memref::PrefetchOp::create(builder, loc, load.getBase(), indices,
                                     /*isWrite=*/false, /*localityHint=*/3,
                                     /*isDataCache=*/true);
        }
      }
    }
  }
};

} // namespace
} // namespace aicc
