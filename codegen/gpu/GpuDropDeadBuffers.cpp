//===- GpuDropDeadBuffers.cpp - host buffers that only get freed ----------===//

#include "codegen/gpu/Passes.h"

namespace aicc {
#define GEN_PASS_DEF_GPUDROPDEADBUFFERSPASS
#include "codegen/gpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {

/// The ops that free `alloc` (address → i64 → aicc_cuda_free), in erase
/// order, if that is all its result is used for.
static std::optional<SmallVector<Operation *>> onlyFreed(gpu::AllocOp alloc) {
  SmallVector<Operation *> chain;
  for (Operation *user : alloc.getMemref().getUsers()) {
    auto address = dyn_cast<memref::ExtractAlignedPointerAsIndexOp>(user);
    if (!address || !address->hasOneUse())
      return std::nullopt;
    auto cast = dyn_cast<arith::IndexCastOp>(*address->user_begin());
    if (!cast || !cast->hasOneUse())
      return std::nullopt;
    auto call = dyn_cast<func::CallOp>(*cast->user_begin());
    if (!call || call.getCallee() != kCudaFreeSymbol)
      return std::nullopt;
    chain.append({call, cast, address});
  }
  return chain;
}

namespace {
struct GpuDropDeadBuffersPass
    : public impl::GpuDropDeadBuffersPassBase<GpuDropDeadBuffersPass> {
  void runOnOperation() override {
    SmallVector<gpu::AllocOp> allocs;
    getOperation()->walk([&](gpu::AllocOp alloc) {
      if (!alloc.getAsyncToken())
        allocs.push_back(alloc);
    });
    for (gpu::AllocOp alloc : allocs) {
      std::optional<SmallVector<Operation *>> chain = onlyFreed(alloc);
      if (!chain)
        continue;
      for (Operation *op : *chain)
        op->erase();
      alloc->erase();
    }
  }
};
} // namespace

} // namespace aicc
