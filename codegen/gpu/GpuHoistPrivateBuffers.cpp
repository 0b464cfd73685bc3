//===- GpuHoistPrivateBuffers.cpp - kernel buffers to their homes ---------===//
//
// Private buffers (allocas) go to the kernel's entry block; shared buffers
// (allocs in workgroup memory, one per block: aicc-gpu-mma's staged
// operands) become the kernel's workgroup attributions.
//
//===----------------------------------------------------------------------===//

#include "codegen/gpu/Passes.h"

namespace aicc {
#define GEN_PASS_DEF_GPUHOISTPRIVATEBUFFERSPASS
#include "codegen/gpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {

/// Shared buffers' alignment in bytes.
static constexpr int64_t kSharedAlignment = 16;

bool isWorkgroupMemory(MemRefType type) {
  auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(type.getMemorySpace());
  return space && space.getValue() == gpu::AddressSpace::Workgroup;
}

namespace {
struct GpuHoistPrivateBuffersPass
    : public impl::GpuHoistPrivateBuffersPassBase<GpuHoistPrivateBuffersPass> {
  void runOnOperation() override {
    getOperation().walk([](gpu::GPUFuncOp kernel) {
      Block &entry = kernel.getBody().front();
      SmallVector<memref::AllocaOp> allocas;
      SmallVector<memref::AllocOp> shared;
      kernel.walk([&](Operation *op) {
        if (auto alloca = dyn_cast<memref::AllocaOp>(op);
            alloca && alloca->getBlock() != &entry &&
            alloca.getOperands().empty())
          allocas.push_back(alloca);
        if (auto alloc = dyn_cast<memref::AllocOp>(op);
            alloc && isWorkgroupMemory(alloc.getType()))
          shared.push_back(alloc);
      });
      for (memref::AllocaOp alloca : allocas)
        alloca->moveBefore(&entry, entry.begin());
      for (memref::AllocOp alloc : shared) {
        Value buffer =
            kernel.addWorkgroupAttribution(alloc.getType(), alloc.getLoc());
        // 16-byte aligned: cp.async and vector loads of up to 16 bytes.
        kernel.setWorkgroupAttributionAttr(
            kernel.getNumWorkgroupAttributions() - 1,
            LLVM::LLVMDialect::getAlignAttrName(),
            IntegerAttr::get(IntegerType::get(kernel.getContext(), 64),
                             kSharedAlignment));
        for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
          if (isa<memref::DeallocOp>(user))
            user->erase();
        alloc.replaceAllUsesWith(buffer);
        alloc.erase();
      }
    });
  }
};
} // namespace
} // namespace aicc
