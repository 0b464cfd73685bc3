//===- Passes.td - GPU codegen passes ----------------------*- tablegen -*-===//

#ifndef AICC_CODEGEN_GPU_PASSES
#define AICC_CODEGEN_GPU_PASSES

include "mlir/Pass/PassBase.td"

def GpuDefaultSchedulePass : Pass<"aicc-gpu-default-schedule",
                                  "::mlir::ModuleOp"> {
  let summary = "gives every kernel without a schedule the GPU heuristic's";
  let description = [{
    Requires outlined kernels (`aicc-form-kernels`). On a GPU the schedule's
    outer level (`thread_tile`, the workgroup tile) is one thread block's
    share of the root's parallel loops, and the inner level (`vector_tile`)
    is one GPU thread's share; reduction loops run sequentially inside a
    thread. The heuristic gives each thread one output element (a 4x4 tile
    and a unit reduction step for matmul-like roots with at least 2^19
    outputs) and each block up to `max-threads` threads, the output's
    innermost loop along threadIdx.x so that neighbouring threads touch
    neighbouring addresses.
    With `tensor-cores`, a kernel whose root is an f32 matmul (one m, n
    and k loop, any batch loops, at least 16x16x8) whose epilogue, if any,
    is elementwise gets an `mma = "m16n8k8_tf32"` schedule instead: a warp
    per output tile of 16..64 x 16..32 (the largest that still gives the
    GPU enough warps), 2x2 warps per block. With `stages` N > 0 and a
    fill-initialized accumulator, a matmul that still gives 128 blocks
    gets 128x128 blocks of 2x4 warps of 64x32 (else 64x64 blocks of 2x2
    warps of 32x32) and `stages` = N (fewer where N buffers would not fit
    48 KiB), its operands staged in shared memory 64 bytes of k at a time
    (aicc-gpu-mma). With `wgmma` (sm_90a) such a staged matmul runs on
    the warpgroup instruction instead: 128x128 blocks of two warpgroups of
    64x128 (`mma = "wgmma_..."`), buffers without padding (the instruction
    reads 8-row core matrices). A kernel whose result is a
    reduction over 64 or more elements (one innermost reduction loop, a
    commutative f32 combiner) gets `lanes = 32`: a warp per output, 8 warps
    per block (aicc-gpu-warp-reduce). So does the root (first reduction)
    of a row kernel (`aicc.row_kernel`, FormKernels' `fuse-rows`: softmax,
    layer norm) whose reductions all qualify: a warp per row for every op
    of the kernel.
    A schedule already present is left as it is; kernels with dynamic
    ranges or maps that do not grow with the loops get none.
  }];
  let options = [
    Option<"maxThreads", "max-threads", "int64_t", /*default=*/"256",
           "threads per block the heuristic aims for">,
    Option<"tensorCores", "tensor-cores", "bool", /*default=*/"false",
           "f16 and bf16 matmuls on tensor cores (mma.sync; sm_80 and "
           "newer)">,
    Option<"tf32", "tf32", "bool", /*default=*/"true",
           "with tensor-cores, f32 matmuls too, on operands rounded to tf32">,
    Option<"stages", "stages", "int64_t", /*default=*/"0",
           "with tensor-cores, matmuls large enough for 128 blocks of 64x64 "
           "stage their operands in shared memory through up to this many "
           "cp.async buffers (0: none; at most 4)">,
    Option<"wgmma", "wgmma", "bool", /*default=*/"false",
           "with stages, staged matmuls on sm_90a's warpgroup instruction "
           "(wgmma.mma_async) instead of mma.sync">,
  ];
  let dependentDialects = ["::aicc::sched::SchedDialect"];
}

def GpuSplitKPass : Pass<"aicc-gpu-split-k", "::mlir::ModuleOp"> {
  let summary = "splits the reduction of tensor-core matmuls too small to "
                "fill the GPU";
  let description = [{
    Runs on linalg before kernels are formed. A matmul that gets a
    tensor-core schedule (see aicc-gpu-default-schedule) but, even in the
    smallest warp tiles (16x16), gives the GPU fewer than 2048 warps (BERT's
    128 x 768 x 3072 at batch 1: 384) has its reduction split S ways
    (upstream `linalg::splitReduction`): a matmul with one more parallel
    loop, outermost in its result, `partial[s, .., m, n]` over K / S of k
    (from a zero fill, so it can be staged), then a reduction over the S
    partials into the original accumulator, which takes the epilogue. S is
    the smallest power of two that gives 2048 warps, at most 16, dividing
    K and leaving at least 256 of it per split. The partials cost S x M x N
    floats written and read once.
  }];
  let options = [
    Option<"tf32", "tf32", "bool", /*default=*/"true",
           "f32 matmuls run on tensor cores (as tf32) and split too">,
  ];
  let dependentDialects = ["::aicc::sched::SchedDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def GpuTileAndDistributePass : Pass<"aicc-gpu-tile-and-distribute",
                                    "::mlir::func::FuncOp"> {
  let summary = "tiles each kernel by its schedule into block and thread "
                "foralls";
  let description = [{
    Codegen only reads the schedule. The kernel's anchor (its root, or the
    root's elementwise epilogue) is tiled on tensors into one `scf.forall`
    over thread tiles (the schedule's inner level), fusing producers whose
    per-thread slice is small; the tiled op records the block shape (outer
    level / inner level) as `aicc.gpu_block`. Linalg ops left outside (not
    fused) are distributed the same way with the heuristic's schedule, so
    no arithmetic stays on the host. Reductions run sequentially inside a
    thread, into a private accumulator when they start from a fill (not
    into the output's memory).
    Constant pads become elementwise gathers first, so that a thread pads
    only the window it reads.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def GpuMmaPass : Pass<"aicc-gpu-mma", "::mlir::func::FuncOp"> {
  let summary = "turns each warp tile of a tensor-core schedule into "
                "mma.sync";
  let description = [{
    Runs on buffers, on the scf.forall over warp tiles that
    `aicc-gpu-tile-and-distribute` makes for an `mma` schedule. The forall
    gains an innermost loop of 32 lanes (threadIdx.x after mapping), and
    the warp tile's contraction (`aicc.gpu_mma = [WM, WN]`) becomes a loop
    over the reduction in steps of the instruction's k in which every lane
    loads its share of the A and B fragments and the warp issues mma.sync
    per 16x8 tile of the output, accumulating in f32 registers: f32
    operands are rounded to tf32 (`cvt.rna.tf32.f32`) for
    `nvgpu.mma.sync` m16n8k8; f16 and bf16 operands go in pairs per
    register to `nvvm.mma.sync` m16n8k16. Lane l owns rows
    l/4 + 8i and columns 2(l%4) + e + 8j of the tile (the mma's C layout):
    the epilogue after the contraction is cloned per `e` onto strided views
    of that share, so each lane finishes the outputs it accumulated, and
    no lane waits for another. Partial tiles load zeros out of bounds.
    A staged contraction (`[WM, WN, m, n, k, BM, BN, BK, S]`: the forall is
    over block tiles) gets a loop over the block's threads instead, already
    mapped (lane on x, warp column on y, warp row on z), and S
    shared-memory buffers per operand (`#gpu.address_space<workgroup>`,
    BK of k each, rows padded by 16 bytes). The block's threads copy one
    BK slice of both operands per buffer, zero-filled past the edges, with
    `nvgpu.device_async_copy` (cp.async, up to 16 bytes per copy) where the
    layout allows it and with loads and stores otherwise; S - 1 slices are
    in flight while the warps multiply the current one, read from shared
    memory with no bounds checks; a `gpu.barrier` before and after each
    slice keeps the copies off data still being read.
    With a trailing 1 (`[..., S, 1]`, sm_90a) the tile WM x WN is a
    warpgroup's (64 x N, 128 threads on x) and each slice runs on
    `nvvm.wgmma.mma_async` m64nNk8 (tf32) / m64nNk16 (f16, bf16): the
    buffers hold 8-row x 16-byte core matrices, k-major, which the
    instruction reads through shared-memory descriptors (no swizzle);
    B's columns are stored permuted so that each lane's accumulators are
    adjacent columns, as above. A proxy fence makes each slice's copies
    visible to wgmma; the slice's instructions are committed and waited
    for before the closing barrier. Each warp finishes its 16 rows.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::NVVM::NVVMDialect",
                           "::mlir::nvgpu::NVGPUDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def GpuWarpReducePass : Pass<"aicc-gpu-warp-reduce", "::mlir::func::FuncOp"> {
  let summary = "splits each reduction of a `lanes` schedule across a warp";
  let description = [{
    Runs on buffers, on the reductions `aicc-gpu-tile-and-distribute` tiled
    one output per warp (`aicc.gpu_warp_reduce`). Their scf.forall gains an
    innermost loop of 32 lanes (threadIdx.x after mapping); lane l reduces
    elements l, l + 32, ... of the reduction loop (the elementwise
    producers fused into the tile compute just those) into a private
    accumulator that starts at the combiner's neutral element; five
    `gpu.shuffle xor` give every lane the warp's total, combined with the
    output's initial value and stored.
    A row kernel's tile (`aicc.gpu_rows` on its last op: one row per warp,
    every op of the row fused) gets the lane loop too, and each op of the
    row runs on the lane's columns (l, l + 32, ...): elementwise ops on
    strided views, reductions as above; ops without columns (per-row
    values) run whole on every lane, so each lane holds every per-row value
    itself and no lane reads what another wrote. A private scratch buffer
    of the row keeps only the lane's columns (ceil(n / 32)); copies of the
    row copy the lane's columns (a copy onto the same view is dropped).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def GpuMapLoopsPass : Pass<"aicc-gpu-map-loops", "::mlir::ModuleOp"> {
  let summary = "maps each kernel's parallel loops to GPU blocks and threads";
  let description = [{
    Runs on buffers, after `scf.forall` became `scf.parallel` and before
    linalg ops become loops. Each outermost `scf.parallel` of a kernel is
    split into blocks of the shape its tiled op records (`aicc.gpu_block`);
    the outer loop is mapped to blocks, the inner to threads (innermost
    loop on x, then y, z; further loops, and grid loops longer than the y/z
    limit, stay sequential); deeper parallel loops run inside a thread.
    Host-side copies between buffers become parallel loops first (they
    would pull managed memory to the CPU); copies out of constant globals
    stay on the host.
    `convert-parallel-loops-to-gpu` then turns each mapped nest into a
    `gpu.launch`.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def GpuManagedMemoryPass : Pass<"aicc-gpu-managed-memory",
                                "::mlir::ModuleOp"> {
  let summary = "allocates host-side buffers in memory the GPU can reach";
  let description = [{
    Runs after `aicc-plan-memory`, which puts @main's intermediates in the
    workspace (the runtime's device arena). What is left: every
    `memref.alloc` outside parallel loops
    becomes `gpu.alloc host_shared` (CUDA managed memory) and its
    `memref.dealloc` a call to the runtime's `aicc_cuda_free` (the runtime
    keeps freed blocks for the next run); every constant a function takes
    with `memref.get_global` is replaced by the runtime's managed copy of
    it (`aicc_cuda_constant`, made on the first run and kept), since the GPU
    cannot read the artifact's data section. Per-thread scratch buffers inside
    parallel loops (up to 64 KiB, static shapes) become `memref.alloca`
    (private memory) instead.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect"];
}

def GpuDropDeadBuffersPass : Pass<"aicc-gpu-drop-dead-buffers"> {
  let summary = "erases host buffers that only get freed";
  let description = [{
    Once loops are launches, a `gpu.alloc` whose only use is its free
    (`aicc_cuda_free` of its address) is read and written by nothing: a
    pooling window's shape operand, for one. Both go, so that a run's host
    code allocates nothing (and its launches can be captured in a CUDA
    graph).
  }];
}

def GpuSinkConstantsPass : Pass<"aicc-gpu-sink-constants"> {
  let summary = "clones constants a gpu.launch body uses into it";
  let description = [{
    A constant defined on the host and used in a launch body would become a
    kernel argument when the kernel is outlined; inside, it is known to the
    device compiler (a private buffer indexed by constants is promoted to
    registers; loop bounds are known).
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def GpuHoistPrivateBuffersPass : Pass<"aicc-gpu-hoist-private-buffers",
                                     "::mlir::gpu::GPUModuleOp"> {
  let summary = "moves kernels' static private buffers to the entry block "
                "and shared ones to workgroup attributions";
  let description = [{
    An alloca outside a function's entry block is a dynamic stack
    allocation, which NVPTX does not lower well; a statically shaped
    per-thread buffer can live for the whole kernel instead (each use
    initializes it first). A `memref.alloc` in workgroup memory
    (`#gpu.address_space<workgroup>`: one buffer per block, aicc-gpu-mma's
    staged operands) becomes a workgroup attribution of the kernel.
  }];
}

#endif // AICC_CODEGEN_GPU_PASSES
