//===- Stages.h - pipeline stages shared by the targets' pipelines -*- C++
//-*-===//
//
// Private to compiler/pipeline: each target's file lists its passes in order
// and uses these for the stretches all CPU pipelines share.
//
//===----------------------------------------------------------------------===//

#ifndef AICC_COMPILER_PIPELINE_STAGES_H
#define AICC_COMPILER_PIPELINE_STAGES_H

#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace aicc {

/// Linalg on tensors → fused elementwise chains → outlined kernels (what
/// every target's pipeline does before choosing schedules). `forCpu`: the CPU
/// partitioning (slices fused into kernels as views; pads not fused into
/// roots that read them through windows, since tiling those allocates a
/// padded copy per tile). `beforeForming` adds a target's rewrites of the
/// fused graph before kernels are formed. `fuseRows`: softmax, layer norm
/// and the like as one row kernel each (always on CPUs).
void addFormKernelsPasses(
    mlir::OpPassManager &pm, bool forCpu = false,
    llvm::function_ref<void(mlir::OpPassManager &)> beforeForming = nullptr,
    bool fuseRows = false);

/// One-shot bufferization of the whole module (function boundaries too);
/// results become out-parameters so the caller owns every buffer it sees;
/// temporaries are freed.
void addBufferizePasses(mlir::OpPassManager &pm);

/// scf/affine/vector/math/memref/arith/func → the LLVM dialect. Math ops with
/// LLVM intrinsics go there; the rest (tanh, erf, ...) become libm calls.
/// `gpuHost`: GPU launches and allocations also become runtime calls.
void addLowerToLLVMPasses(mlir::OpPassManager &pm, bool gpuHost = false);

} // namespace aicc

#endif // AICC_COMPILER_PIPELINE_STAGES_H
