//===- EmitArtifact.h - CPU object code and loadable artifacts --*- C++ -*-===//
//
// From a module in the LLVM dialect (the end of the CPU pipeline) to object
// code for a target, and for the host to an artifact: a shared object with
// the model's code, an entry point `aicc_entry` and a manifest (contract 5;
// the format is in runtime/src/ManifestFormat.h and docs/artifact.md).
//
//===----------------------------------------------------------------------===//

#ifndef AICC_CODEGEN_CPU_EMITARTIFACT_H
#define AICC_CODEGEN_CPU_EMITARTIFACT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class Module;
} // namespace llvm

namespace aicc {

/// A CPU target: `cpu` (the host), `x86_64` or `aarch64`, with `-mcpu`.
struct CpuTargetSpec {
  std::string triple, cpu, features;
  bool isHost = false;
  int64_t vectorBits = 128;
  int64_t vectorRegisters = 16; // x86 without AVX-512: 16; else 32
};

/// Resolves a `-target`/`-mcpu` pair; an error names what is unknown.
llvm::Expected<CpuTargetSpec> resolveCpuTarget(llvm::StringRef target,
                                               llvm::StringRef mcpu);

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const CpuTargetSpec &spec);

/// What the manifest says besides the code.
struct ArtifactManifest {
  struct Tensor {
    std::string name, dtype;
    std::vector<int64_t> shape;
  };
  struct Kernel {
    std::string symbol, hash, schedule;
  };
  std::string modelName, modelHash;
  /// Where the kernels run besides the host: "" or e.g. "cuda sm_90". A
  /// device artifact is linked against the runtime (libaicc_runtime.so),
  /// whose launch functions its host code calls.
  std::string device;
  /// Inputs whose value was known at compile time (`--bind`), with the
  /// fingerprint of their bytes; the runtime refuses any other value.
  using BoundInputs = std::vector<std::pair<std::string, uint64_t>>;
  BoundInputs bound;
  std::vector<Tensor> inputs, outputs;
  std::vector<Kernel> kernels;
  /// The bytes of @main's workspace (its last parameter; aicc-plan-memory),
  /// or none when @main takes no workspace.
  std::optional<int64_t> workspaceBytes;

  /// The manifest text (runtime/src/ManifestFormat.h).
  std::string render(const CpuTargetSpec &target) const;
};

/// Gives every defined function and global of `module` but those named in
/// `keep` (and LLVM's own, llvm.*) internal linkage, so LLVM may inline,
/// specialize and drop them: artifacts keep their entry point and manifest,
/// the JIT its packed entry point.
void internalizeAllBut(llvm::Module &module,
                       llvm::ArrayRef<llvm::StringRef> keep);

enum class CpuOutputKind { SharedObject, Object, Assembly };

/// Translates `llvmModule` (LLVM dialect, `@main` taking inputs then outputs
/// as expanded memrefs), adds the entry point and the manifest, internalizes
/// everything else, optimizes (O3) and writes `outputPath` atomically: a
/// temporary file in the same folder renamed into place, removed on error.
/// A shared object is linked with the system's `cc` against libomp (CPU) or
/// the runtime (device artifacts).
llvm::Error emitCpuArtifact(mlir::ModuleOp llvmModule,
                            const ArtifactManifest &manifest,
                            const CpuTargetSpec &target, CpuOutputKind kind,
                            llvm::StringRef outputPath);

} // namespace aicc

#endif // AICC_CODEGEN_CPU_EMITARTIFACT_H
