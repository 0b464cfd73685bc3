//===- CpuPromoteScratch.cpp - kernel scratch buffers on the stack --------===//
//
// After bufferization a kernel still allocates on the heap what tiling left
// inside its loops: a padded partial tile, a fused producer's row that a
// reduction then reads in chunks. Each is allocated and freed in the same
// block, once per tile. On worker threads that churn made glibc grow and
// shrink the thread's arena on every run (mprotect, page faults: a tenth of
// the second thread's time in BERT-base). Small, static ones become stack
// allocations at the start of the enclosing OpenMP parallel region (one per
// thread, reused by the thread's tiles) or of the kernel. Runs after the
// OpenMP conversion: an allocation left in a loop body would keep the
// alloca_scope the conversion wraps around it, which must stay a single
// block, so the loops inside could not be lowered to branches.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/Passes.h"
#include "compiler/partition/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"

namespace aicc {
#define GEN_PASS_DEF_CPUPROMOTESCRATCHPASS
#include "codegen/cpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {
namespace {

/// The single dealloc of `alloc` in its block, when every other use stays
/// in the kernel (not returned, yielded or passed to a call).
memref::DeallocOp localDealloc(memref::AllocOp alloc) {
  memref::DeallocOp dealloc;
  for (Operation *user : alloc->getUsers()) {
    if (auto d = dyn_cast<memref::DeallocOp>(user)) {
      if (dealloc || d->getBlock() != alloc->getBlock())
        return {};
      dealloc = d;
      continue;
    }
    if (user->hasTrait<OpTrait::IsTerminator>() || isa<CallOpInterface>(user))
      return {};
  }
  return dealloc;
}

struct CpuPromoteScratchPass
    : public impl::CpuPromoteScratchPassBase<CpuPromoteScratchPass> {
  using Base::Base;
  void runOnOperation() override {
    for (func::FuncOp kernel : getKernels(getOperation())) {
      SmallVector<memref::AllocOp> allocs;
      kernel.walk([&](memref::AllocOp alloc) { allocs.push_back(alloc); });
      DataLayout layout = DataLayout::closest(kernel);
      for (memref::AllocOp alloc : allocs) {
        MemRefType type = alloc.getType();
        if (!type.hasStaticShape() || !type.getLayout().isIdentity())
          continue;
        uint64_t bytes =
            type.getNumElements() * layout.getTypeSize(type.getElementType());
        memref::DeallocOp dealloc = localDealloc(alloc);
        if (bytes > maxBytes || !dealloc)
          continue;
        // The start of the parallel region (one buffer per thread), else of
        // the kernel.
        Block *home = &kernel.getBody().front();
        if (auto parallel = alloc->getParentOfType<omp::ParallelOp>())
          home = &parallel.getRegion().front();
        OpBuilder builder(home, home->begin());
        auto alloca = memref::AllocaOp::create(builder, alloc.getLoc(), type,
                                               alloc.getAlignmentAttr());
        alloc.replaceAllUsesWith(alloca.getResult());
        dealloc.erase();
        alloc.erase();
      }
    }
  }
};

} // namespace
} // namespace aicc
