//===- Passes.h - CPU codegen passes ----------------------------*- C++ -*-===//

#ifndef AICC_CODEGEN_CPU_PASSES_H
#define AICC_CODEGEN_CPU_PASSES_H

#include "dialects/sched/IR/SchedDialect.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"

namespace aicc {

#define GEN_PASS_DECL
#include "codegen/cpu/Passes.h.inc"

/// What the CPU heuristic knows about the target.
struct CpuTarget {
  int64_t vectorBits = 512;
  int64_t vectorRegisters = 32;
  int64_t l1Kb = 32;
  int64_t l2Kb = 1024;
};

/// The schedule the CPU heuristic picks for `root` (a kernel's root op);
/// failure when its loop ranges are not static.
mlir::FailureOr<sched::ScheduleAttr> pickCpuSchedule(mlir::Operation *root,
                                                     const CpuTarget &target);

/// The canonicalizations that fold static tile sizes into a kernel's ops
/// after its partial tiles are peeled (built once per pass, not per kernel).
mlir::FrozenRewritePatternSet tileFoldingPatterns(mlir::MLIRContext *ctx);

/// Applies `root`'s schedule in `kernel` (steps 1-4 of
/// aicc-cpu-tile-and-vectorize); `tileFolding` is tileFoldingPatterns().
mlir::LogicalResult
tileAndVectorizeKernel(mlir::RewriterBase &rewriter, mlir::func::FuncOp kernel,
                       const mlir::FrozenRewritePatternSet &tileFolding);

#define GEN_PASS_REGISTRATION
#include "codegen/cpu/Passes.h.inc"

} // namespace aicc

#endif // AICC_CODEGEN_CPU_PASSES_H
