//===- Pipelines.h - aicc's pass pipelines, one per target ------*- C++ -*-===//

#ifndef AICC_COMPILER_PIPELINE_PIPELINES_H
#define AICC_COMPILER_PIPELINE_PIPELINES_H

#include <cstdint>
#include <string>

namespace mlir {
class DialectRegistry;
class OpPassManager;
} // namespace mlir

namespace aicc {

/// Registers every dialect and external interface model that aicc's
/// pipelines create or need (bufferization models, LLVM translation).
void registerPipelineDialects(mlir::DialectRegistry &registry);

/// graph → linalg only (what `--emit=linalg` shows). `channelsLast` runs
/// 2-D convs and their neighbours NHWC (aicc-channels-last; the CPU path).
void buildGraphToLinalgPipeline(mlir::OpPassManager &pm,
                                bool channelsLast = false);

/// The correctness-first CPU path: graph → linalg → loops → LLVM dialect,
/// no tiling or vectorization. @main ends up taking its outputs as trailing
/// memref arguments. It is the reference the optimized backends agree with.
void buildCpuReferencePipeline(mlir::OpPassManager &pm);

/// The target facts the optimized CPU pipeline's heuristic uses.
struct CpuPipelineOptions {
  int64_t vectorBits = 512;
  /// Architectural vector registers (x86: 32 with AVX-512, else 16;
  /// AArch64: 32): how many accumulators a register tile may hold.
  int64_t vectorRegisters = 32;
  int64_t l1Kb = 32;
  int64_t l2Kb = 1024;
  /// 2-D convs and their neighbours in NHWC (faster on CPUs). false: they
  /// stay NCHW and become the channels-first GEMM the CUDA pipeline runs,
  /// which checks that form on a CPU (`AICC_CPU_CHANNELS_FIRST=1` in the
  /// environment of a host compile, for tests).
  bool channelsLast = true;
  /// For tests: split the reduction of matmuls as aicc-gpu-split-k does on
  /// a GPU (`AICC_CPU_SPLIT_K=1`), so that form's numerics are checked on a
  /// CPU.
  bool splitK = false;
  /// For tests: channels-first convs as implicit GEMMs, as CUDA's
  /// `--gpu-implicit-gemm` compiles them (`AICC_CPU_IMPLICIT_GEMM=1`).
  bool implicitGemm = false;
  /// Stop at the device code's PTX (`--emit=asm`): gpu.binary ops holding
  /// PTX text, no host code.
  bool ptxOnly = false;
};

/// graph → linalg → fused, outlined kernels, each with a schedule (what
/// `--emit=kernels` shows).
void buildCpuKernelsPipeline(mlir::OpPassManager &pm,
                             const CpuPipelineOptions &options);

/// Scheduled kernels → the LLVM dialect: applies the schedules, bufferizes,
/// lowers vectors, threads and everything else (stages 3-7 of Cpu.cpp).
/// `options`: the target's L2 size decides which GEMM operands are
/// prefetched (those that do not stay in cache).
void buildCpuCodegenPipeline(mlir::OpPassManager &pm,
                             const CpuPipelineOptions &options);

/// The host CPU's vector width (from its features) and cache sizes.
CpuPipelineOptions detectHostCpu();

/// The optimized CPU path: kernels, a schedule each, tiled and vectorized
/// code, LLVM dialect. Same calling convention as the reference pipeline.
void buildCpuPipeline(mlir::OpPassManager &pm,
                      const CpuPipelineOptions &options);

/// What the CUDA pipeline compiles for.
struct CudaPipelineOptions {
  std::string chip = "sm_90";
  /// The CUDA toolkit (ptxas, fatbinary, libdevice); empty: MLIR's default.
  std::string toolkitPath;
  int64_t maxThreads = 256;
  /// f32 matmuls on tensor cores with tf32 operands (sm_80 and newer);
  /// false: strict f32 math everywhere (`--gpu-precision=strict`). f16
  /// and bf16 matmuls use tensor cores either way.
  bool tf32 = true;
  /// With tensor cores: large matmuls stage their operands in shared memory
  /// through up to this many cp.async buffers (`--gpu-stages`); 0: each
  /// warp reads its fragments from global memory.
  int64_t stages = 0;
  /// Row reductions and the row-wise ops after them (softmax, layer norm)
  /// as one kernel, a warp per row (`--gpu-fuse-rows`); false: a kernel per
  /// reduction and elementwise group.
  bool fuseRows = false;
  /// With tensor cores: matmuls too small to fill the GPU split their
  /// reduction (`--gpu-split-k`, aicc-gpu-split-k); false: each warp walks
  /// the whole reduction.
  bool splitK = false;
  /// 2-D convs as implicit GEMMs (`--gpu-implicit-gemm`): the tensor-core
  /// GEMM reads each window element from the image itself; false: the
  /// windows are first copied into an im2col matrix.
  bool implicitGemm = false;
  /// Stop at the device code's PTX (`--emit=asm`): gpu.binary ops holding
  /// PTX text, no host code.
  bool ptxOnly = false;

  /// Whether the chip has the tensor cores aicc uses (mma.sync on f16,
  /// bf16 and tf32: sm_80 and newer).
  bool hasTensorCores() const;
  /// Whether staged matmuls run on wgmma (sm_90a: the arch-specific
  /// target, whose code runs on sm_90 GPUs alone).
  bool hasWgmma() const;
};

/// graph → linalg → kernels with GPU schedules (`--emit=kernels`).
void buildCudaKernelsPipeline(mlir::OpPassManager &pm,
                              const CudaPipelineOptions &options);

/// Scheduled kernels → host code in the LLVM dialect with the device code
/// embedded as a fatbin (stages 3-7 of Cuda.cpp).
void buildCudaCodegenPipeline(mlir::OpPassManager &pm,
                              const CudaPipelineOptions &options);

/// The CUDA path: kernels, GPU schedules, NVVM, fatbin, host code.
void buildCudaPipeline(mlir::OpPassManager &pm,
                       const CudaPipelineOptions &options);

/// Makes the pipelines available to aicc-opt as `--aicc-cpu-reference` etc.
void registerPipelines();

} // namespace aicc

#endif // AICC_COMPILER_PIPELINE_PIPELINES_H
