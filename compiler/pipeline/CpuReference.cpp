//===- CpuReference.cpp - the reference CPU pipeline, in order ------------===//
//
// Read top to bottom, this is the compiler's reference path: import has
// produced graph ops; we lower them to linalg on tensors, bufferize, lower
// linalg to plain loops and everything to the LLVM dialect.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/Passes.h"
#include "compiler/pipeline/Pipelines.h"
#include "dialects/graph/Conversion/Passes.h"
#include "dialects/graph/IR/GraphDialect.h"
#include "dialects/graph/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToFuncs/MathToFuncs.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace aicc {

void registerPipelineDialects(DialectRegistry &registry) {
  registry.insert<graph::GraphDialect, func::FuncDialect, arith::ArithDialect,
                  linalg::LinalgDialect, tensor::TensorDialect,
                  bufferization::BufferizationDialect>();
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

void buildGraphToLinalgPipeline(OpPassManager &pm) {
  pm.addPass(createCanonicalizerPass()); // folds constants, removes dead ops
  pm.addPass(graph::createFoldBatchNormPass());
  pm.addPass(graph::createConvertGraphToLinalgPass());
  pm.addPass(createCanonicalizerPass());
}

void buildCpuReferencePipeline(OpPassManager &pm) {
  // 1. Graph → linalg on tensors.
  buildGraphToLinalgPipeline(pm);

  // 2. Bufferize the whole module; outputs become out-parameters so the
  //    caller owns every buffer it sees; free the temporaries.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.modifyPublicFunctions = true;
  outParams.hoistStaticAllocs = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  bufferization::buildBufferDeallocationPipeline(pm);

  // 3. linalg (and the copies bufferization made) → loops → cf.
  pm.addPass(createLowerMemRefCopyPass());
  pm.addPass(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());

  // 4. Everything → LLVM dialect. Math ops LLVM has intrinsics for go there;
  //    the rest (tanh, erf, ...) become libm calls.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertMathToFuncs()); // math.ipowi as a loop
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void registerPipelines() {
  graph::registerGraphConversionPasses();
  graph::registerGraphTransformsPasses();
  registerCodegenCommonPasses();
  PassPipelineRegistration<>("aicc-graph-to-linalg",
                             "aicc: lower graph ops to linalg on tensors",
                             buildGraphToLinalgPipeline);
  PassPipelineRegistration<>(
      "aicc-cpu-reference",
      "aicc: the reference CPU pipeline, graph ops to the LLVM dialect",
      buildCpuReferencePipeline);
}

} // namespace aicc
