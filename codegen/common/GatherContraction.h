//===- GatherContraction.h - contractions with a computed B ---*- C++ -*-===//
//
// A gather contraction is a linalg.generic that sums `a * b` over its
// reduction loops, where `a` is its one input and `b` is computed in the
// body from the loop indices (linalg.index) and values defined above it,
// typically a tensor.extract (memref.load after bufferization) of a tensor
// the body indexes itself. An implicit-GEMM convolution is one: `b` is the
// input element under a window, read at indices the body derives from the
// flattened output position and reduction index, so the im2col matrix is
// never written. Tiling stays exact (tiling offsets linalg.index), which a
// div/mod indexing map would not be.
//
//===----------------------------------------------------------------------===//

#ifndef AICC_CODEGEN_COMMON_GATHERCONTRACTION_H
#define AICC_CODEGEN_COMMON_GATHERCONTRACTION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace aicc {

struct GatherContraction {
  /// The computed operand (in the body), before any extension to the
  /// accumulator's type; of the input's element type.
  mlir::Value b;
  /// The body's ops `b` depends on, in order (linalg.index included).
  llvm::SmallVector<mlir::Operation *> bSlice;
  /// Loops: m (in the input and the output), k (reduction, in the input),
  /// n (in the output only; batch loops among them).
  llvm::SmallVector<unsigned> m, n, k;
};

/// `op` as a gather contraction: one input with a projected-permutation
/// map, one float init, a body `acc + ext?(in) * ext?(b)` where `b` depends
/// on no block argument; nullopt otherwise.
std::optional<GatherContraction> matchGatherContraction(mlir::Operation *op);

/// Clones `g`'s `bSlice` at the builder's insertion point with each
/// linalg.index of loop `d` replaced by `indices[d]`; returns the clone of
/// `b`.
mlir::Value cloneGatheredValue(mlir::OpBuilder &builder,
                               const GatherContraction &g,
                               llvm::ArrayRef<mlir::Value> indices);

} // namespace aicc

#endif // AICC_CODEGEN_COMMON_GATHERCONTRACTION_H
