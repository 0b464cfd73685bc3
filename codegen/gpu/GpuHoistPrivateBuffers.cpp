//===- GpuHoistPrivateBuffers.cpp - private buffers to the entry block ----===//

#include "codegen/gpu/Passes.h"

namespace aicc {
#define GEN_PASS_DEF_GPUHOISTPRIVATEBUFFERSPASS
#include "codegen/gpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {
namespace {
struct GpuHoistPrivateBuffersPass
    : public impl::GpuHoistPrivateBuffersPassBase<GpuHoistPrivateBuffersPass> {
  void runOnOperation() override {
    getOperation().walk([](gpu::GPUFuncOp kernel) {
      Block &entry = kernel.getBody().front();
      SmallVector<memref::AllocaOp> allocas;
      kernel.walk([&](memref::AllocaOp alloca) {
        if (alloca->getBlock() != &entry && alloca.getOperands().empty())
          allocas.push_back(alloca);
      });
      for (memref::AllocaOp alloca : allocas)
        alloca->moveBefore(&entry, entry.begin());
    });
  }
};
} // namespace
} // namespace aicc
