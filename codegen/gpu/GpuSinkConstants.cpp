//===- GpuSinkConstants.cpp - constants into gpu.launch bodies ------------===//

#include "codegen/gpu/Passes.h"

#include "mlir/Transforms/RegionUtils.h"

namespace aicc {
#define GEN_PASS_DEF_GPUSINKCONSTANTSPASS
#include "codegen/gpu/Passes.h.inc"
} // namespace aicc

using namespace mlir;

namespace aicc {
namespace {
struct GpuSinkConstantsPass
    : public impl::GpuSinkConstantsPassBase<GpuSinkConstantsPass> {
  void runOnOperation() override {
    getOperation()->walk([](gpu::LaunchOp launch) {
      SetVector<Value> captured;
      getUsedValuesDefinedAbove(launch.getBody(), captured);
      OpBuilder b = OpBuilder::atBlockBegin(&launch.getBody().front());
      for (Value value : captured) {
        Operation *def = value.getDefiningOp();
        if (!def || !def->hasTrait<OpTrait::ConstantLike>())
          continue;
        Value copy = b.clone(*def)->getResult(0);
        replaceAllUsesInRegionWith(value, copy, launch.getBody());
      }
    });
  }
};
} // namespace
} // namespace aicc
