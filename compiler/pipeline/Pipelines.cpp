//===- Pipelines.cpp - dialect registry, shared stages, registration ------===//

#include "compiler/pipeline/Pipelines.h"
#include "codegen/common/Passes.h"
#include "codegen/cpu/Passes.h"
#include "codegen/gpu/Passes.h"
#include "compiler/partition/Passes.h"
#include "compiler/pipeline/Stages.h"
#include "dialects/graph/Conversion/Passes.h"
#include "dialects/graph/IR/GraphDialect.h"
#include "dialects/graph/Transforms/Passes.h"
#include "dialects/sched/IR/SchedDialect.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/GPUCommon/GPUCommonPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToFuncs/MathToFuncs.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Affine/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/TilingInterfaceImpl.h"
#include "mlir/Dialect/MemRef/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/Transforms/AllocationOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/IR/TensorInferTypeOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/TensorTilingInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/SubsetInsertionOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/Transforms/SubsetOpInterfaceImpl.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace aicc {

void registerPipelineDialects(DialectRegistry &registry) {
  registry.insert<graph::GraphDialect, sched::SchedDialect, func::FuncDialect,
                  arith::ArithDialect, linalg::LinalgDialect,
                  tensor::TensorDialect, scf::SCFDialect, vector::VectorDialect,
                  bufferization::BufferizationDialect, gpu::GPUDialect,
                  NVVM::NVVMDialect, nvgpu::NVGPUDialect>();
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerTilingInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerTilingInterfaceExternalModels(registry);
  // Result shapes of reshapes (folding reshapes of tensor.empty needs them).
  tensor::registerInferTypeOpInterfaceExternalModels(registry);
  tensor::registerSubsetOpInterfaceExternalModels(registry);
  vector::registerBufferizableOpInterfaceExternalModels(registry);
  // Bounds of affine.min & co.: padding partial tiles needs them (aicc-opt
  // registers every extension; the aicc binary only these).
  affine::registerValueBoundsOpInterfaceExternalModels(registry);
  arith::registerValueBoundsOpInterfaceExternalModels(registry);
  linalg::registerValueBoundsOpInterfaceExternalModels(registry);
  memref::registerValueBoundsOpInterfaceExternalModels(registry);
  scf::registerValueBoundsOpInterfaceExternalModels(registry);
  tensor::registerValueBoundsOpInterfaceExternalModels(registry);
  vector::registerValueBoundsOpInterfaceExternalModels(registry);
  vector::registerSubsetOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  // memref.alloc as an AllocationOpInterface: buffer-results-to-out-params
  // only hoists a returned allocation into the out-parameter through it.
  // Without it (aicc-opt registers every extension, the aicc binary and the
  // JIT did not), every kernel allocated its whole output and copied it
  // into the out-parameter (6.6% of ResNet-50's time).
  memref::registerAllocationOpInterfaceExternalModels(registry);
  // The ownership-based deallocation pass needs these to free the scratch
  // buffers that kernels allocate inside their loops; without them the
  // aicc binary and the JIT freed none of them (a leak per tile per run, and
  // aicc-cpu-promote-scratch, which looks for the dealloc, kept them on the
  // heap).
  arith::registerBufferDeallocationOpInterfaceExternalModels(registry);
  cf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  scf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
  // CUDA: NVVM targets serialize through the NVPTX backend and ptxas; the
  // host module embeds the binary; convert-gpu-to-nvvm and gpu-to-llvm
  // convert the dialects that register these interfaces.
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerGPUDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
  gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
  arith::registerConvertArithToLLVMInterface(registry);
  cf::registerConvertControlFlowToLLVMInterface(registry);
  registerConvertFuncToLLVMInterface(registry);
  index::registerConvertIndexToLLVMInterface(registry);
  registerConvertMemRefToLLVMInterface(registry);
  registerConvertNVVMToLLVMInterface(registry);
  ub::registerConvertUBToLLVMInterface(registry);
  vector::registerConvertVectorToLLVMInterface(registry);
}

void buildGraphToLinalgPipeline(OpPassManager &pm, bool channelsLast) {
  pm.addPass(createCanonicalizerPass()); // folds constants, removes dead ops
  pm.addPass(graph::createFoldBatchNormPass());
  if (channelsLast)
    pm.addPass(graph::createChannelsLastPass());
  pm.addPass(graph::createConvertGraphToLinalgPass());
  pm.addPass(createCanonicalizerPass());
}

void addFormKernelsPasses(
    OpPassManager &pm, bool forCpu,
    llvm::function_ref<void(OpPassManager &)> beforeForming, bool fuseRows) {
  pm.addPass(createFuseElementwisePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (beforeForming)
    beforeForming(pm);
  FormKernelsPassOptions options;
  options.absorbSlices = forCpu;
  options.absorbWindowPads = !forCpu;
  options.fuseRows = forCpu || fuseRows;
  pm.addPass(createFormKernelsPass(options));
}

void addBufferizePasses(OpPassManager &pm) {
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Loops that carry a buffer through iter_args return it unchanged; folding
  // them lets the out-param conversion see the allocation a kernel returns
  // (and write into the caller's buffer instead of copying into it).
  pm.addPass(createCanonicalizerPass());
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.modifyPublicFunctions = true;
  outParams.hoistStaticAllocs = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  bufferization::buildBufferDeallocationPipeline(pm);
}

void addLowerToLLVMPasses(OpPassManager &pm, bool gpuHost) {
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertMathToFuncs()); // math.ipowi as a loop
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  // bf16 arithmetic in f32 (exact: one rounding either way), then the
  // conversions as integer ops: no CPU needs bf16 instructions.
  pm.addPass(arith::createArithEmulateUnsupportedFloats(
      arith::ArithEmulateUnsupportedFloatsOptions{{"bf16"}, "f32"}));
  pm.addPass(createExpandBf16Pass());
  pm.addPass(createConvertVectorToLLVMPass());
  if (gpuHost)
    pm.addPass(createGpuToLLVMConversionPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createExpandBf16Pass()); // bf16 masked loads/stores as i16
  pm.addPass(createCanonicalizerPass());
}

void registerPipelines() {
  graph::registerGraphConversionPasses();
  graph::registerGraphTransformsPasses();
  registerCodegenCommonPasses();
  registerCodegenCpuPasses();
  registerCodegenGpuPasses();
  registerPartitionPasses();
  PassPipelineRegistration<>(
      "aicc-graph-to-linalg", "aicc: lower graph ops to linalg on tensors",
      [](OpPassManager &pm) { buildGraphToLinalgPipeline(pm); });
  PassPipelineRegistration<>(
      "aicc-cpu-reference",
      "aicc: the reference CPU pipeline, graph ops to the LLVM dialect",
      buildCpuReferencePipeline);
  PassPipelineRegistration<>(
      "aicc-cpu-kernels",
      "aicc: graph ops to outlined, scheduled kernels (--emit=kernels)",
      [](OpPassManager &pm) {
        buildCpuKernelsPipeline(pm, CpuPipelineOptions());
      });
  PassPipelineRegistration<>(
      "aicc-cpu", "aicc: the optimized CPU pipeline for the default target",
      [](OpPassManager &pm) { buildCpuPipeline(pm, CpuPipelineOptions()); });
  PassPipelineRegistration<>(
      "aicc-cuda-kernels",
      "aicc: graph ops to outlined kernels with GPU schedules",
      [](OpPassManager &pm) {
        buildCudaKernelsPipeline(pm, CudaPipelineOptions());
      });
  PassPipelineRegistration<>(
      "aicc-cuda-codegen",
      "aicc: scheduled kernels to host LLVM code with an sm_90 fatbin",
      [](OpPassManager &pm) {
        buildCudaCodegenPipeline(pm, CudaPipelineOptions());
      });
}

} // namespace aicc
