//===- Passes.td - CPU codegen passes ----------------------*- tablegen -*-===//

#ifndef AICC_CODEGEN_CPU_PASSES
#define AICC_CODEGEN_CPU_PASSES

include "mlir/Pass/PassBase.td"

def CpuDefaultSchedulePass : Pass<"aicc-cpu-default-schedule",
                                  "::mlir::ModuleOp"> {
  let summary = "gives every kernel without a schedule the CPU heuristic's";
  let description = [{
    Requires outlined kernels (`aicc-form-kernels`). For each kernel whose
    root op has no `aicc.schedule`, writes one chosen from the root's loop
    ranges and the target's vector width (`vector-bits`): register-sized
    vector tiles, thread tiles of at most 64x256 for contractions. A
    schedule already present (explicit or tuned) is left as it is. Kernels
    whose loops have dynamic ranges, or whose maps do not grow with the
    loops, get no schedule (they lower to plain loops). The cache sizes are
    recorded from the host but not used by the heuristic yet.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "width of the target's vector registers in bits">,
    Option<"vectorRegisters", "vector-registers", "int64_t",
           /*default=*/"32",
           "the target's architectural vector registers (x86 without "
           "AVX-512: 16)">,
    Option<"l1Kb", "l1-kb", "int64_t", /*default=*/"32",
           "L1 data cache per core, KiB">,
    Option<"l2Kb", "l2-kb", "int64_t", /*default=*/"1024",
           "L2 cache per core, KiB">,
  ];
  let dependentDialects = ["::aicc::sched::SchedDialect"];
}

def CpuWidenOperandsPass : Pass<"aicc-cpu-widen-operands",
                                 "::mlir::ModuleOp"> {
  let summary = "converts the f16/bf16 operands of f32 contractions once, "
                "before the contraction";
  let description = [{
    A multiply-accumulate contraction whose body extends an input with
    `arith.extf` (an f16 or bf16 MatMul, summed in f32) takes that input
    converted beforehand instead: a dense constant folded at compile time,
    any other value by an elementwise `linalg.generic`. The contraction is
    then an f32 GEMM that the CPU path packs, tiles and vectorizes (with the
    extensions inside it ran as scalar code). Runs after elementwise fusion
    and before `aicc-cpu-pack-weights`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def CpuPackWeightsPass : Pass<"aicc-cpu-pack-weights", "::mlir::ModuleOp"> {
  let summary = "stores right-hand GEMM operands as contiguous panels";
  let description = [{
    For a float contraction `out[..., n] += a[..., k] * w[k, n]` (`n` the
    output's innermost loop) whose `w` is a dense constant and whose N is a
    multiple of two vector registers (the CPU heuristic's column tile, NB),
    stores `w` as `wp[N/NB, K, NB]` at compile time, so a register tile's
    columns are contiguous along k, and computes the contraction on `out`
    viewed as `[..., N/NB, NB]` (panel index: one more parallel loop). The
    view back to `[..., N]` (the same bytes) is folded into the elementwise
    ops that read the result. A `w` computed at run time (a MatMul of two
    activations) is packed the same way by a `linalg.pack`, lowered to its
    copy (expand_shape + transpose, a kernel of its own), when the
    contraction has at least `min-rows` rows and `w` at least `min-bytes`:
    one pass over `w` against a GEMM that otherwise streams it with an N-float
    stride (sgemm 1024^3 14.3 -> 9.8 ms, 2048^3 139 -> 82 ms; 32 rows x
    4096x1024: 2.2 -> 3.3 ms, hence the row threshold). Runs after elementwise
    fusion and before `aicc-form-kernels`.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "width of the target's vector registers in bits">,
    Option<"minRows", "min-rows", "int64_t", /*default=*/"64",
           "a non-constant right operand is packed at run time only for "
           "contractions with at least this many rows">,
    Option<"minBytes", "min-bytes", "int64_t", /*default=*/"524288",
           "... and only when it is at least this large (the pipeline "
           "passes half the L2: a smaller one stays in cache however it is "
           "laid out, and 256^3 ran 3% slower packed)">,
  ];
}

def CpuPromoteScratchPass : Pass<"aicc-cpu-promote-scratch",
                                 "::mlir::ModuleOp"> {
  let summary = "moves small scratch buffers of kernels to the stack";
  let description = [{
    After bufferization: each `memref.alloc` in an `aicc.kernel` function with
    a static shape, an identity layout and at most `max-bytes` bytes, freed
    by one `memref.dealloc` in its block and never returned, yielded or
    passed to a call, becomes a `memref.alloca` at the start of the
    enclosing `omp.parallel` region (one buffer per thread, reused by its
    tiles) or of the kernel, and its dealloc goes. Runs after
    `convert-scf-to-openmp` and before the canonicalizer that inlines the
    loop bodies' `memref.alloca_scope`s (which must stay single blocks).
    Tiling leaves such buffers (padded partial tiles, a fused producer's row
    that a reduction reads in chunks); on the heap, worker threads grew and
    shrank their malloc arena on every run.
  }];
  let options = [
    Option<"maxBytes", "max-bytes", "uint64_t", /*default=*/"65536",
           "largest buffer moved to the stack">,
  ];
}

def CpuLowerVectorsPass : Pass<"aicc-cpu-lower-vectors",
                               "::mlir::func::FuncOp"> {
  let summary = "lowers high-level vector ops to FMAs, loads and stores";
  let description = [{
    Contractions become outer products and then `vector.fma` (so every
    multiply-add is an FMA without fast-math flags); multi-reductions,
    broadcasts, transposes, masks and transfer permutations are lowered to
    what `convert-vector-to-llvm` handles. Transcendentals on f32 vectors
    (erf, exp, expm1, tanh, log, log1p) become upstream's polynomial
    approximations, which stay vectors; LLVM would otherwise call libm once
    per lane.
  }];
  let dependentDialects = ["::mlir::vector::VectorDialect",
                           "::mlir::math::MathDialect"];
}

def CpuPrefetchPass : Pass<"aicc-cpu-prefetch", "::mlir::ModuleOp"> {
  let summary = "software prefetch of the right operand a GEMM streams";
  let description = [{
    In kernels, every `vector.load` in an `scf.for` with FMAs that reads at
    least a cache line of a memref's contiguous innermost dimension while
    the loop's induction variable (plus a constant) indexes the dimension
    before it (a packed GEMM panel `w[p, k, 0..31]` walked along k) gets a
    `memref.prefetch` of each of its cache lines `distance` steps ahead.
    Hardware prefetchers stop at page boundaries; weights streamed from DRAM
    stalled the FMAs at each one. The prefetched step is clamped to the
    memref's last one. When the loop sits in a loop over register tiles
    (0 to U step s) that all read the same panel, and there is a next panel
    (the dimension before k), the prefetch is of the next panel instead,
    spread evenly over the R tiles: step (r * K + k) / R in tile r. The
    first tile then finds its panel in cache instead of streaming it from
    DRAM faster than DRAM delivers. Vector loads of a kernel argument after such a loop
    (the epilogue's residual tile) are prefetched before the loop, their
    indices' pure defining ops cloned there.
  }];
  let options = [
    Option<"distance", "distance", "int64_t", /*default=*/"64",
           "steps of the loop ahead to prefetch">,
    Option<"minBytes", "min-bytes", "int64_t", /*default=*/"1048576",
           "only panels larger than this (the L2 size) are prefetched in "
           "the loop: smaller ones stay in cache, where the prefetches only "
           "cost (the 7x7 stem's 37 KiB filter: 5% slower); epilogue loads "
           "are prefetched whatever their size (a few per register tile)">,
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

def CpuTileAndVectorizePass : Pass<"aicc-cpu-tile-and-vectorize",
                                   "::mlir::func::FuncOp"> {
  let summary = "applies each kernel's #aicc.schedule: tile, fuse, vectorize";
  let description = [{
    Requires linalg on tensors in `aicc.kernel` functions whose root carries
    `aicc.schedule` (other functions are left alone). For each kernel:
    1. tile its last op (the root or its epilogue) by the thread tile into an
       `scf.forall`, fusing producers (the root, fills, pads);
    2. tile that again by the vector tile's parallel sizes (`scf.for`), fusing;
    3. tile the root's reduction loops by the vector tile (`scf.for`);
    4. vectorize every statically shaped linalg op, turn reductions of
       products into contractions, hoist the accumulators out of the
       reduction loop (they stay in registers) and unroll it by `unroll`.
    Ops that cannot be vectorized (dynamic tiles, window maps) stay scalar
    and are lowered to loops later; the result is the same either way.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // AICC_CODEGEN_CPU_PASSES
