//===- Cpu.cpp - the optimized CPU pipeline, in order ---------------------===//
//
// Read top to bottom: graph → linalg on tensors → fused elementwise chains →
// kernels (outlined, hashed) → a schedule per kernel (heuristic unless one is
// given) → schedules applied on tensors (tile, fuse, vectorize, accumulators
// in registers) → bufferize → memory plan → vectors to FMAs/loads/stores →
// LLVM.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/Passes.h"
#include "codegen/cpu/Passes.h"
#include "codegen/gpu/Passes.h"
#include "compiler/partition/Passes.h"
#include "compiler/pipeline/Pipelines.h"
#include "compiler/pipeline/Stages.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToOpenMP/SCFToOpenMP.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace aicc {

void buildCpuKernelsPipeline(OpPassManager &pm,
                             const CpuPipelineOptions &options) {
  // 1. Graph → linalg (2-D convs channels last unless a test asks for the
  // GPU's channels-first form) → convolutions as GEMMs →
  // elementwise chains fused →
  //    constant GEMM operands as panels → kernels.
  buildGraphToLinalgPipeline(pm, options.channelsLast);
  ConvToGemmPassOptions convs;
  convs.implicit = options.implicitGemm;
  pm.addPass(createConvToGemmPass(convs));
  if (options.splitK)
    pm.addPass(createGpuSplitKPass());
  addFormKernelsPasses(pm, /*forCpu=*/true, [&](OpPassManager &nested) {
    nested.addPass(createCpuWidenOperandsPass());
    CpuPackWeightsPassOptions pack;
    pack.vectorBits = options.vectorBits;
    pack.minBytes = options.l2Kb * 1024 / 2;
    nested.addPass(createCpuPackWeightsPass(pack));
  });
  // 2. A schedule for every kernel that has none.
  CpuDefaultSchedulePassOptions heuristic;
  heuristic.vectorBits = options.vectorBits;
  heuristic.vectorRegisters = options.vectorRegisters;
  heuristic.l1Kb = options.l1Kb;
  heuristic.l2Kb = options.l2Kb;
  pm.addPass(createCpuDefaultSchedulePass(heuristic));
}

void buildCpuCodegenPipeline(OpPassManager &pm,
                             const CpuPipelineOptions &options) {
  // 3. Apply the schedules on tensors.
  pm.addNestedPass<func::FuncOp>(createCpuTileAndVectorizePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // 4. Tensors → buffers; the host's intermediates at static offsets in one
  //    workspace that the caller keeps across runs.
  addBufferizePasses(pm);
  pm.addPass(createPlanMemoryPass());
  // 5. What was not vectorized → loops; vectors → FMAs, loads, stores.
  pm.addPass(createLowerMemRefCopyPass(
      LowerMemRefCopyPassOptions{/*vectorize=*/true}));
  pm.addPass(createConvertLinalgToLoopsPass());
  pm.addNestedPass<func::FuncOp>(createCpuLowerVectorsPass());
  // Rank-n transfers → unrolled rank-1 transfers (no stack temporaries).
  pm.addPass(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll(true)));
  pm.addNestedPass<func::FuncOp>(createCpuLowerVectorsPass());
  CpuPrefetchPassOptions prefetch;
  prefetch.minBytes = options.l2Kb * 1024;
  pm.addPass(createCpuPrefetchPass(prefetch));
  // 6. Thread-level tiles become OpenMP parallel loops (LLVM's OpenMP
  //    runtime is the thread pool); kernels' small scratch buffers move to
  //    the stack of each thread; the canonicalizer inlines the alloca scopes
  //    the conversion wraps around loop bodies, which allocate nothing now.
  pm.addPass(createForallToParallelLoopPass());
  pm.addPass(createConvertSCFToOpenMPPass());
  pm.addPass(createCpuPromoteScratchPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createCanonicalizerPass());
  // 7. Everything → LLVM dialect.
  addLowerToLLVMPasses(pm);
}

void buildCpuPipeline(OpPassManager &pm, const CpuPipelineOptions &options) {
  buildCpuKernelsPipeline(pm, options); // 1-2
  buildCpuCodegenPipeline(pm, options); // 3-7
}

} // namespace aicc
