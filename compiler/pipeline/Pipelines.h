//===- Pipelines.h - aicc's pass pipelines, one per target ------*- C++ -*-===//

#ifndef AICC_COMPILER_PIPELINE_PIPELINES_H
#define AICC_COMPILER_PIPELINE_PIPELINES_H

namespace mlir {
class DialectRegistry;
class OpPassManager;
} // namespace mlir

namespace aicc {

/// Registers every dialect and external interface model that aicc's
/// pipelines create or need (bufferization models, LLVM translation).
void registerPipelineDialects(mlir::DialectRegistry &registry);

/// graph → linalg only (what `--emit=linalg` shows).
void buildGraphToLinalgPipeline(mlir::OpPassManager &pm);

/// The correctness-first CPU path: graph → linalg → loops → LLVM dialect,
/// no tiling or vectorization. @main ends up taking its outputs as trailing
/// memref arguments. It is the reference the optimized backends agree with.
void buildCpuReferencePipeline(mlir::OpPassManager &pm);

/// Makes the pipelines available to aicc-opt as `--aicc-cpu-reference` etc.
void registerPipelines();

} // namespace aicc

#endif // AICC_COMPILER_PIPELINE_PIPELINES_H
