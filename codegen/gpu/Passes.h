//===- Passes.h - GPU codegen passes ----------------------------*- C++ -*-===//

#ifndef AICC_CODEGEN_GPU_PASSES_H
#define AICC_CODEGEN_GPU_PASSES_H

#include "dialects/sched/IR/SchedDialect.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace aicc {

#define GEN_PASS_DECL
#include "codegen/gpu/Passes.h.inc"

/// On a thread-tiled op: how many thread tiles of each dimension of its
/// scf.forall make one block (aicc-gpu-tile-and-distribute writes it,
/// aicc-gpu-map-loops reads it).
inline constexpr llvm::StringLiteral kGpuBlockAttr = "aicc.gpu_block";
/// Beside it: the number of thread tiles along each of those dimensions.
inline constexpr llvm::StringLiteral kGpuTripsAttr = "aicc.gpu_trips";

/// On a warp-tiled contraction of an `mma` schedule: the warp tile and the
/// loops it spans, [WM, WN, m, n, k] (aicc-gpu-tile-and-distribute writes
/// it, aicc-gpu-mma reads it); on a block-tiled one of a staged schedule
/// also the block tile and the stages, [WM, WN, m, n, k, BM, BN, BK, S],
/// and a 1 after them for sm_90a's wgmma (WM x WN a warpgroup's tile).
inline constexpr llvm::StringLiteral kGpuMmaAttr = "aicc.gpu_mma";
/// On a warp reduction's tiled root (`lanes` schedules): unit marker for
/// aicc-gpu-warp-reduce.
inline constexpr llvm::StringLiteral kGpuWarpReduceAttr =
    "aicc.gpu_warp_reduce";
/// Whether `type` lives in workgroup (shared) memory.
bool isWorkgroupMemory(mlir::MemRefType type);

/// On a row kernel's tiled last op (one row per warp): the number of row
/// loops; aicc-gpu-warp-reduce splits the columns of every op of the row.
inline constexpr llvm::StringLiteral kGpuRowsAttr = "aicc.gpu_rows";
/// Threads in a warp: the lane loop aicc-gpu-mma adds to a warp forall.
inline constexpr int64_t kWarpSize = 32;

/// On the module: host code reads or writes buffers between launches (an op
/// no schedule distributed), so every launch must finish before the host
/// goes on. Without it the runtime lets launches run asynchronously.
inline constexpr llvm::StringLiteral kHostAccessAttr = "aicc.gpu_host_access";

/// The runtime function that frees managed memory (runtime/src/Cuda.cpp).
inline constexpr llvm::StringLiteral kCudaFreeSymbol = "aicc_cuda_free";
/// The runtime function that returns a constant's managed copy.
inline constexpr llvm::StringLiteral kCudaConstantSymbol = "aicc_cuda_constant";

/// The schedule the GPU heuristic picks for `root`; failure when its loop
/// ranges are not static.
mlir::FailureOr<sched::ScheduleAttr> pickGpuSchedule(mlir::Operation *root,
                                                     int64_t maxThreads);

/// The loops of a contraction that an mma tile spans: its m, n and k loops
/// (the output's two innermost loops where those are an m and an n loop;
/// other m and n loops, like batch loops, go one iteration per tile).
struct MmaLoops {
  int64_t m, n, k;
};
std::optional<MmaLoops> findMmaLoops(mlir::linalg::LinalgOp op);

/// A reduction a warp can split: one reduction loop, the innermost (`loop`),
/// innermost in every input too, and a commutative f32 `combiner` with a
/// neutral element.
struct WarpReduction {
  int64_t loop;
  mlir::Operation *combiner;
};
std::optional<WarpReduction> matchWarpReduction(mlir::linalg::LinalgOp op);

/// Gives the scf.forall around `op` (over warp tiles) an innermost loop of
/// 32 lanes, or wraps `first` .. `op`'s tile in a loop of 32 lanes when
/// tiling made no loop; returns the lane's induction variable.
mlir::FailureOr<mlir::Value> addLaneLoop(mlir::RewriterBase &rw,
                                         mlir::Operation *op,
                                         mlir::Operation *first);

/// The tensor-core schedule for `root` when it is a matmul on f16, bf16 or
/// (with `tf32`) f32 operands (one m, n and k loop, batch loops, at least
/// 16x16xk); failure otherwise. With `stages` > 0, large ones stage their
/// operands in shared memory through up to that many buffers, and with
/// `wgmma` (sm_90a) run those on the warpgroup instruction.
mlir::FailureOr<sched::ScheduleAttr> pickMmaSchedule(mlir::Operation *root,
                                                     bool tf32,
                                                     int64_t stages = 0,
                                                     bool wgmma = false);

/// Warps of a tensor-core matmul that keep an H100 (132 SMs) busy: the
/// heuristic takes the largest warp tile that gives this many, and
/// aicc-gpu-split-k splits the reduction of matmuls that give fewer.
inline constexpr int64_t kMinMmaWarps = 2048;

/// Static shared memory per block (without the opt-in to more).
inline constexpr int64_t kMaxSharedBytes = 48 * 1024;
/// At most how much shared memory a staged mma block of `bm` x `bn` with k
/// step `bk` and `stages` buffers takes, operands of `elementBytes` each
/// (`wgmma`: core-matrix buffers, no padding).
int64_t stagedSharedBytes(int64_t bm, int64_t bn, int64_t bk, int64_t stages,
                          int64_t elementBytes, bool wgmma = false);

#define GEN_PASS_REGISTRATION
#include "codegen/gpu/Passes.h.inc"

} // namespace aicc

#endif // AICC_CODEGEN_GPU_PASSES_H
