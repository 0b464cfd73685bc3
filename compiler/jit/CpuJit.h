//===- CpuJit.h - compile a model in-process and run it on the CPU -*- C++
//-*-===//
//
// The reference CPU path: import → graph → linalg → loops → LLVM, JIT-compiled
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

class CpuJitModel {
public:
  /// Lowers `module` (graph dialect, @main from the importer) with the
  /// reference CPU pipeline and JIT-compiles it. Diagnostics go to the
  /// module's context; a failure returns an Error summarizing it.
  static llvm::Expected<std::unique_ptr<CpuJitModel>>
  compile(mlir::ModuleOp module);

  ~CpuJitModel();

  llvm::ArrayRef<TensorSignature> inputs() const { return inputSigs; }
  llvm::ArrayRef<TensorSignature> outputs() const { return outputSigs; }

  /// Runs the model. `inputs` are in the order of inputs(); each must match
  /// its signature's shape and element type exactly (the error names it).
  llvm::Expected<std::vector<HostTensor>>
  run(llvm::ArrayRef<HostTensor> inputs);

private:
  CpuJitModel() = default;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::vector<TensorSignature> inputSigs, outputSigs;
};

} // namespace aicc

#endif // AICC_COMPILER_JIT_CPUJIT_H
