//===- CpuJit.h - compile a model in-process and run it on the CPU -*- C++
//-*-===//
//
// import → graph → linalg → (kernels →) LLVM, JIT-compiled
// with MLIR's ExecutionEngine (LLVM ORC) and called on host tensors.
//
//===----------------------------------------------------------------------===//

#ifndef AICC_COMPILER_JIT_CPUJIT_H
#define AICC_COMPILER_JIT_CPUJIT_H

#include "compiler/jit/HostTensor.h"
#include "compiler/partition/Passes.h"
#include "runtime/src/Workspace.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace aicc {

/// One input or output of a compiled model.
struct TensorSignature {
  std::string name;
  mlir::RankedTensorType type; // graph-level type (keeps ui8 vs i8)
};

/// The inputs and outputs of the importer's @main, named by their ONNX
/// names ("#i" where there is none); an error if there is no @main or a
/// shape is dynamic.
llvm::Error readSignatures(mlir::ModuleOp module,
                           std::vector<TensorSignature> &inputs,
                           std::vector<TensorSignature> &outputs);

/// How CpuJitModel compiles.
struct CpuJitOptions {
  /// false: the reference pipeline (loops, no kernels); true: kernels,
  /// schedules and vector code for the host CPU.
  bool optimize = true;
  /// Threads for the parallel tiles; 0: all cores.
  int threads = 0;
  /// Report each stage on stderr (StageReporter).
  bool progress = false;
};

class CpuJitModel {
public:
  /// Lowers `module` (graph dialect, @main from the importer) with the
  /// optimized or the reference CPU pipeline and JIT-compiles it. Diagnostics
  /// go to the module's context; a failure returns an Error summarizing it.
  static llvm::Expected<std::unique_ptr<CpuJitModel>>
  compile(mlir::ModuleOp module, const CpuJitOptions &options = {});

  ~CpuJitModel();

  /// The signatures hold types of the module's context: they are valid while
  /// it lives. The compiled code, run() and invoke() do not need it.
  llvm::ArrayRef<TensorSignature> inputs() const { return inputSigs; }
  llvm::ArrayRef<TensorSignature> outputs() const { return outputSigs; }
  /// The kernels as formed and scheduled (empty on the reference path).
  llvm::ArrayRef<KernelSummary> kernels() const { return kernelSummaries; }

  /// Runs the model. `inputs` are in the order of inputs(); each must match
  /// its signature's shape and element type exactly (the error names it).
  llvm::Expected<std::vector<HostTensor>>
  run(llvm::ArrayRef<HostTensor> inputs);

  /// Runs the model on raw row-major buffers, one per input and output in
  /// signature order, without checks or copies (benchmarks and the Python
  /// bindings use it; the caller guarantees the sizes). Several threads may
  /// run one model at once.
  llvm::Error invoke(llvm::ArrayRef<const void *> inputData,
                     llvm::ArrayRef<void *> outputData);

private:
  CpuJitModel() = default;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  void (*entry)(void **) = nullptr;  // @main's packed interface
  void (*setThreads)(int) = nullptr; // omp_set_num_threads
  int threads = 0;
  std::vector<TensorSignature> inputSigs, outputSigs;
  /// The shapes of the inputs, then the outputs (for invoke()).
  std::vector<llvm::SmallVector<int64_t>> shapes;
  std::vector<KernelSummary> kernelSummaries;
  /// @main's workspace (aicc-plan-memory), one per concurrent run.
  abi::WorkspacePool workspaces;
};

} // namespace aicc

#endif // AICC_COMPILER_JIT_CPUJIT_H
