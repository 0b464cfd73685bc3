//===- Artifacts.h - the driver's compile-to-artifact and run-artifact -*- C++
//-*-===//

#ifndef AICC_COMPILER_DRIVER_ARTIFACTS_H
#define AICC_COMPILER_DRIVER_ARTIFACTS_H

#include "codegen/cpu/EmitArtifact.h"
#include "compiler/pipeline/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

namespace aicc {

/// Compiles `module` (graph dialect, from the importer) for `target` with
/// the optimized CPU pipeline, or with `cuda` the CUDA pipeline (`target`
/// is then the host that runs the host code), and writes `kind` to
/// `outputPath`.
/// `modelPath` names the model and is hashed into the manifest. With
/// `progress`, each stage is reported on stderr (compiles take tens of
/// seconds on large models).
llvm::Error compileCpuArtifact(mlir::ModuleOp module,
                               const CpuTargetSpec &target, CpuOutputKind kind,
                               llvm::StringRef modelPath,
                               llvm::StringRef outputPath, bool progress,
                               const CudaPipelineOptions *cuda = nullptr,
                               ArtifactManifest::BoundInputs bound = {});

/// True when `path` starts like a shared object (an artifact to run).
bool looksLikeArtifact(llvm::StringRef path);

/// `aicc run model.aicc`: loads the artifact with the runtime, reads the
/// given inputs (`name=file` pairs), checks them against the manifest, runs
/// and writes each output to `outputDir` (if not empty); prints a summary.
llvm::Error runArtifact(mlir::MLIRContext &ctx, llvm::StringRef path,
                        llvm::ArrayRef<std::string> inputSpecs,
                        llvm::StringRef outputDir, int threads);

} // namespace aicc

#endif // AICC_COMPILER_DRIVER_ARTIFACTS_H
