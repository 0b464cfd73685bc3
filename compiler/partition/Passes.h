//===- Passes.h - partitioning passes and kernel queries --------*- C++ -*-===//

#ifndef AICC_COMPILER_PARTITION_PASSES_H
#define AICC_COMPILER_PARTITION_PASSES_H

#include "dialects/sched/IR/SchedDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::linalg {
class LinalgOp;
} // namespace mlir::linalg

namespace aicc {

#define GEN_PASS_DECL
#include "compiler/partition/Passes.h.inc"

/// The outlined kernels of `module`, in order.
llvm::SmallVector<mlir::func::FuncOp> getKernels(mlir::ModuleOp module);

/// The root of a kernel: the op carrying `aicc.schedule` if one does, else
/// the first tileable op with a reduction loop, else the last tileable op.
/// Null when the kernel has no tileable op.
mlir::Operation *findKernelRoot(mlir::func::FuncOp kernel);

/// For an elementwise `consumer` that reads `producer`'s result through
/// `use`, the producer loop that each consumer loop walks; failure when the
/// two iteration spaces do not map one to one onto the producer's parallel
/// loops (then the consumer cannot be fused as an epilogue).
mlir::FailureOr<llvm::SmallVector<int64_t>>
mapConsumerLoopsToProducer(mlir::linalg::LinalgOp producer,
                           mlir::linalg::LinalgOp consumer,
                           mlir::OpOperand &use);

/// The structural hash of a kernel (contract 4): its ops, types and
/// attributes in generic form, not its name, value names or locations.
uint64_t computeKernelHash(mlir::func::FuncOp kernel);

/// What `aicc --emit=kernels`, the artifact manifest and the Python
/// bindings' `explain()` say about a kernel.
struct KernelSummary {
  std::string symbol;
  std::string hash;     // the structural hash, as stored on the kernel
  std::string root;     // the root op's name, e.g. "linalg.matmul"
  std::string schedule; // the root's #aicc.schedule, "-" if none
  /// The ONNX nodes whose ops the kernel holds, in order of appearance.
  std::vector<std::string> nodes;
};

/// One summary per outlined kernel of `module`, in order.
std::vector<KernelSummary> summarizeKernels(mlir::ModuleOp module);

#define GEN_PASS_REGISTRATION
#include "compiler/partition/Passes.h.inc"

} // namespace aicc

#endif // AICC_COMPILER_PARTITION_PASSES_H
