//===- Cuda.cpp - the CUDA pipeline, in order
//------------------------------===//
//
// Read top to bottom: graph → linalg on tensors → kernels (the same
// partitioning as on CPUs) → a GPU schedule per kernel → block and thread
// tiles on tensors → bufferize (host buffers in CUDA managed memory) →
// parallel loops mapped to blocks and threads → gpu.launch → kernels
// outlined into a gpu.module → NVVM → fatbin (cubin for the arch + PTX,
// through the NVPTX backend and the toolkit's ptxas) → host code calling the
// runtime's launch functions → LLVM.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/Passes.h"
#include "codegen/gpu/Passes.h"
#include "compiler/partition/Passes.h"
#include "compiler/pipeline/Pipelines.h"
#include "compiler/pipeline/Stages.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/MathToFuncs/MathToFuncs.h"
#include "mlir/Conversion/NVGPUToNVVM/NVGPUToNVVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToGPU/SCFToGPUPass.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace aicc {

bool CudaPipelineOptions::hasTensorCores() const {
  StringRef arch(chip);
  arch.consume_back("a"); // sm_90a: sm_90 with its arch-specific features
  unsigned sm = 0;
  return arch.consume_front("sm_") && !arch.getAsInteger(10, sm) && sm >= 80;
}

bool CudaPipelineOptions::hasWgmma() const { return chip == "sm_90a"; }

void buildCudaKernelsPipeline(OpPassManager &pm,
                              const CudaPipelineOptions &options) {
  // 1. Graph → linalg → convolutions as GEMMs → fused elementwise chains →
  //    kernels, as on CPUs. 2-D convs stay channels first: the filter is
  //    the GEMM's left operand, output positions its columns, so tensor
  //    cores take them (16-bit ones summed in f32); the window copy is an
  //    elementwise kernel of its own, or with `implicitGemm` there is none:
  //    the GEMM reads the windows from the image. Depthwise convs and pools
  //    keep their window form (a thread per output element). With `splitK`,
  //    tensor-core matmuls too small to fill the GPU split their reduction (a
  //    second kernel sums the partials and runs the epilogue). With `fuseRows`,
  //    softmax and layer norm are one kernel each (a warp per row).
  buildGraphToLinalgPipeline(pm);
  ConvToGemmPassOptions convs;
  convs.taps = false;
  convs.implicit = options.implicitGemm;
  pm.addPass(createConvToGemmPass(convs));
  if (options.splitK && options.hasTensorCores()) {
    GpuSplitKPassOptions split;
    split.tf32 = options.tf32;
    pm.addPass(createGpuSplitKPass(split));
  }
  addFormKernelsPasses(pm, /*forCpu=*/false, /*beforeForming=*/nullptr,
                       options.fuseRows);
  // 2. A GPU schedule for every kernel that has none.
  GpuDefaultSchedulePassOptions heuristic;
  heuristic.maxThreads = options.maxThreads;
  heuristic.tensorCores = options.hasTensorCores();
  heuristic.tf32 = options.tf32;
  heuristic.stages = options.stages;
  heuristic.wgmma = options.hasWgmma();
  pm.addPass(createGpuDefaultSchedulePass(heuristic));
}

void buildCudaCodegenPipeline(OpPassManager &pm,
                              const CudaPipelineOptions &options) {
  // 3. Thread tiles on tensors (no canonicalization until the loops are
  //    mapped: it would fold unit dimensions the block shape counts).
  pm.addNestedPass<func::FuncOp>(createGpuTileAndDistributePass());
  pm.addPass(createCSEPass());
  // 4. Tensors → buffers; @main's intermediates at static offsets in one
  //    device arena (the workspace), what else the host allocates in managed
  //    memory.
  addBufferizePasses(pm);
  pm.addPass(createPlanMemoryPass());
  pm.addPass(createGpuManagedMemoryPass());
  pm.addNestedPass<func::FuncOp>(createGpuMmaPass()); // warp tiles → mma.sync
  pm.addNestedPass<func::FuncOp>(createGpuWarpReducePass()); // warp per output
  // 5. Thread loops → blocks x threads → gpu.launch → kernels in a
  //    gpu.module.
  pm.addPass(createForallToParallelLoopPass());
  pm.addPass(createGpuMapLoopsPass());
  pm.addPass(createLowerMemRefCopyPass());
  pm.addPass(createConvertLinalgToLoopsPass());
  pm.addPass(createConvertParallelLoopToGpuPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createGpuDropDeadBuffersPass());
  pm.addPass(createGpuSinkConstantsPass());
  pm.addPass(createConvertMathToFuncs()); // math.ipowi as a loop
  pm.addPass(createGpuKernelOutliningPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createGpuHoistPrivateBuffersPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createCanonicalizerPass());
  // 6. Device code → NVVM → fatbin.
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(target));
  ConvertGpuOpsToNVVMOpsOptions toNvvm;
  toNvvm.allowedDialects = {"arith",  "cf",   "func", "index",
                            "memref", "nvvm", "ub",   "vector"};
  OpPassManager &device = pm.nest<gpu::GPUModuleOp>();
  device.addPass(createConvertNVGPUToNVVMPass());
  device.addPass(createConvertGpuOpsToNVVMOps(toNvvm));
  device.addPass(createConvertNVVMToLLVMPass()); // wgmma etc. as inline PTX
  device.addPass(createCanonicalizerPass());
  device.addPass(createCSEPass());
  device.addPass(createReconcileUnrealizedCastsPass());
  GpuModuleToBinaryPassOptions binary;
  binary.toolkitPath = options.toolkitPath;
  binary.compilationTarget = options.ptxOnly ? "isa" : "fatbin";
  pm.addPass(createGpuModuleToBinaryPass(binary));
  if (options.ptxOnly)
    return;
  // 7. Host code → LLVM, kernel launches → runtime calls.
  addLowerToLLVMPasses(pm, /*gpuHost=*/true);
}

void buildCudaPipeline(OpPassManager &pm, const CudaPipelineOptions &options) {
  buildCudaKernelsPipeline(pm, options); // 1-2
  buildCudaCodegenPipeline(pm, options); // 3-7
}

} // namespace aicc
