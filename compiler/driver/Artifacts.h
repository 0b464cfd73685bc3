//===- Artifacts.h - the driver's compile-to-artifact and run-artifact -*- C++
//-*-===//

#ifndef AICC_COMPILER_DRIVER_ARTIFACTS_H
#define AICC_COMPILER_DRIVER_ARTIFACTS_H

#include "codegen/cpu/EmitArtifact.h"
#include "compiler/partition/Passes.h"
#include "compiler/pipeline/Pipelines.h"

#include "aicc/runtime.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

namespace aicc {

/// The model an artifact is compiled from, as its manifest names it.
struct ModelSource {
  std::string name;  // the file name, without folders
  uint64_t hash = 0; // xxh3 of the serialized model
  static ModelSource ofFile(llvm::StringRef path);
  static ModelSource ofBytes(llvm::StringRef name, llvm::StringRef bytes);
};

/// The CPU pipeline's options for `target`: the host's caches and vector
/// width when it is the host, else the target's vector width (and default
/// cache sizes).
CpuPipelineOptions cpuPipelineOptionsFor(const CpuTargetSpec &target);

/// Compiles `module` (graph dialect, from the importer) for `target` with
/// the optimized CPU pipeline, or with `cuda` the CUDA pipeline (`target`
/// is then the host that runs the host code), and writes `kind` to
/// `outputPath`.
/// `model` is named and hashed in the manifest. With
/// `progress`, each stage is reported on stderr (compiles take tens of
/// seconds on large models).
llvm::Error compileCpuArtifact(mlir::ModuleOp module,
                               const CpuTargetSpec &target, CpuOutputKind kind,
                               const ModelSource &model,
                               llvm::StringRef outputPath, bool progress,
                               const CudaPipelineOptions *cuda = nullptr,
                               ArtifactManifest::BoundInputs bound = {},
                               std::vector<KernelSummary> *kernels = nullptr);

/// The runtime's dtype of a graph element type (ui8 is AICC_U8, i1 AICC_BOOL),
/// and back.
std::optional<aicc_dtype> runtimeDtype(mlir::Type type);
mlir::Type elementTypeOf(mlir::MLIRContext &ctx, aicc_dtype dtype);

/// What aicc's `--gpu-*` flags (the Python API's `gpu_*` arguments) ask of
/// the CUDA pipeline.
struct CudaFlags {
  std::string arch = "sm_90";     // sm_80, ...
  std::string precision = "tf32"; // or strict
  int64_t stages = 0; // shared-memory buffers of large tensor-core matmuls
  bool fuseRows = false, splitK = false, implicitGemm = false;
};

/// The CUDA pipeline's options for `flags`; the toolkit is $CUDA_HOME,
/// $CUDA_PATH or the one found when aicc was built. An error names a bad
/// value or the missing toolkit.
llvm::Expected<CudaPipelineOptions> makeCudaOptions(const CudaFlags &flags);

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
