//===- CpuReference.cpp - the reference CPU pipeline, in order ------------===//
//
// Read top to bottom, this is the compiler's reference path: import has
// produced graph ops; we lower them to linalg on tensors, bufferize, lower
// linalg to plain loops and everything to the LLVM dialect. No kernels, no
// tiling, no vectors: it is what the optimized pipelines are checked against.
//
//===----------------------------------------------------------------------===//

#include "codegen/common/Passes.h"
#include "compiler/pipeline/Pipelines.h"
#include "compiler/pipeline/Stages.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;

namespace aicc {

void buildCpuReferencePipeline(OpPassManager &pm) {
  // 1. Graph → linalg on tensors.
  buildGraphToLinalgPipeline(pm);
  // 2. Tensors → buffers.
  addBufferizePasses(pm);
  // 3. linalg (and the copies bufferization made) → loops → cf.
  pm.addPass(createLowerMemRefCopyPass());
  pm.addPass(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  // 4. Everything → LLVM dialect.
  addLowerToLLVMPasses(pm);
}

} // namespace aicc
