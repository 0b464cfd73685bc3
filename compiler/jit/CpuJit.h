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

/// How CpuJitModel compiles.
struct CpuJitOptions {
  /// false: the reference pipeline (loops, no kernels); true: kernels,
  /// schedules and vector code for the host CPU.
  bool optimize = true;
  /// Threads for the parallel tiles; 0: all cores.
  int threads = 0;
};

class CpuJitModel {
public:
  /// Lowers `module` (graph dialect, @main from the importer) with the
  /// optimized or the reference CPU pipeline and JIT-compiles it. Diagnostics
  /// go to the module's context; a failure returns an Error summarizing it.
  static llvm::Expected<std::unique_ptr<CpuJitModel>>
  compile(mlir::ModuleOp module, const CpuJitOptions &options = {});

  ~CpuJitModel();

  llvm::ArrayRef<TensorSignature> inputs() const { return inputSigs; }
  llvm::ArrayRef<TensorSignature> outputs() const { return outputSigs; }

  /// Runs the model. `inputs` are in the order of inputs(); each must match
  /// its signature's shape and element type exactly (the error names it).
  llvm::Expected<std::vector<HostTensor>>
  run(llvm::ArrayRef<HostTensor> inputs);

  /// Runs the model on raw row-major buffers, one per input and output in
  /// signature order, without checks or copies (benchmarks use it; the
  /// caller guarantees the sizes).
  llvm::Error invoke(llvm::ArrayRef<const void *> inputData,
                     llvm::ArrayRef<void *> outputData);

private:
  CpuJitModel() = default;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::vector<TensorSignature> inputSigs, outputSigs;
};

} // namespace aicc

#endif // AICC_COMPILER_JIT_CPUJIT_H
